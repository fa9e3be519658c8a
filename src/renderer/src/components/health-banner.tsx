import { useState } from 'react';
import type { Notice, ReceiverHealth } from '../../../shared/model';

/**
 * What the user must know about the engine: deliveries refused because the disk is almost
 * full or the log cannot be written, and what happened at start (a corrupt log moved aside). Notices can be dismissed.
 */
export function HealthBanner({
  health,
  notices,
}: {
  health: ReceiverHealth | undefined;
  notices: Notice[] | undefined;
}) {
  const [dismissed, setDismissed] = useState<Set<string>>(() => new Set());
  const shown = (notices ?? []).filter((n) => !dismissed.has(n.message));
  return (
    <>
      {health?.diskLow && (
        <div className="banner" role="alert" data-testid="disk-low">
          Deliveries are being refused (507, senders retry later): {health.message}
        </div>
      )}
      {!health?.diskLow && health?.storeFailed && (
        <div className="banner" role="alert" data-testid="store-failed">
          Deliveries cannot be stored: {health.message}
        </div>
      )}
      {shown.map((n) => (
        <div className="banner banner-warn" role="status" key={n.message} data-testid="notice">
          <span>{n.message}</span>
          <button
            type="button"
            className="btn btn-link"
            onClick={() => setDismissed(new Set([...dismissed, n.message]))}
          >
            Dismiss
          </button>
        </div>
      ))}
    </>
  );
}
