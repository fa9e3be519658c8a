import { memo } from 'react';
import type { EventSummary } from '../../../shared/model';
import { formatBytes } from '../format/format';
import { MethodBadge } from './method-badge';
import { RelativeTime } from './relative-time';
import { IMPORTED_TITLE, Pill } from './pill';
import { StatusPills } from './status-pills';

/**
 * One delivery in the list (fixed height, two lines): method, path, endpoint and age, then the
 * event type, size and verdict pills. The endpoint's name sits on the first line, where there
 * is room for it (the full name on hover).
 */
export const EventRow = memo(function EventRow({
  e,
  endpointName,
  open,
  top,
  onClick,
}: {
  e: EventSummary;
  endpointName: string | undefined;
  open: boolean;
  top: number;
  onClick: (id: string) => void;
}) {
  return (
    <div
      className={`row${open ? ' row-open' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      data-testid="event-row"
      data-id={e.id}
      role="option"
      aria-selected={open}
      onClick={() => onClick(e.id)}
    >
      <div className="row-line">
        <MethodBadge method={e.method} />
        <span className="row-path mono" data-testid="event-path">
          {e.path}
        </span>
        <span
          className="row-endpoint"
          data-testid="row-endpoint"
          title={`Endpoint: ${endpointName ?? e.endpointId}`}
        >
          {endpointName ?? e.endpointId}
        </span>
        <RelativeTime iso={e.receivedAt} className="row-time" />
      </div>
      <div className="row-line row-sub">
        {e.eventType && (
          <span className="row-type mono" title={e.eventType}>
            {e.eventType}
          </span>
        )}
        <span className="row-size">{formatBytes(e.size)}</span>
        {e.imported && (
          <span data-testid="imported-tag">
            <Pill tone="info" title={IMPORTED_TITLE}>
              imported
            </Pill>
          </span>
        )}
        <StatusPills e={e} />
      </div>
    </div>
  );
});
