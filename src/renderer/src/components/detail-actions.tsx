import { useState } from 'react';
import { useClient } from '../client-context';
import { wholeBody } from '../../../shared/event-body';
import { base64ToBytes } from '../format/base64';
import type { OpenEvent } from '../hooks/use-event-detail';
import { toCurl } from '../format/curl';
import { fullUrl } from '../format/full-url';
import { CopyButton } from './copy-button';

/** Actions on the open event: copy as cURL, replay, pin/diff, check-up, delete (confirmed). */
export function DetailActions({
  detail,
  receiverUrl,
  onDelete,
  onReplay,
  pinned,
  onPin,
  onDiff,
  onCheckup,
}: {
  detail: OpenEvent;
  receiverUrl: string;
  onDelete: () => void;
  onReplay: () => void;
  /** The event pinned for a diff, if any. */
  pinned: string | null;
  onPin: (id: string | null) => void;
  onDiff: () => void;
  /** Opens a check-up of the endpoint's receiver with this delivery as the payload. */
  onCheckup: () => void;
}) {
  const client = useClient();
  const [confirming, setConfirming] = useState(false);
  // The whole body, fetched first when it has not all arrived yet.
  const curl = async (): Promise<string> => {
    const body = detail.body.complete
      ? { bytes: base64ToBytes(detail.body.base64), text: detail.body.text }
      : await wholeBody(client, detail);
    return toCurl({
      url: fullUrl(detail, receiverUrl),
      method: detail.method,
      headers: detail.headers,
      body: body.bytes,
      bodyText: body.text,
    });
  };
  // A refused request (413, 431, 429 …) was logged without its body: there is nothing to send.
  const refused =
    detail.rejected !== undefined
      ? `Refused by the receiver (${detail.response.status}): its body was not kept, so it cannot be replayed or copied as cURL.`
      : null;
  return (
    <div className="actions">
      <CopyButton
        text={curl}
        label="Copy as cURL"
        testId="copy-curl"
        className="btn"
        disabled={refused !== null}
        title={refused ?? 'A curl command that sends these exact bytes again'}
      />
      <button
        type="button"
        className="btn"
        data-testid="replay"
        disabled={refused !== null}
        title={refused ?? 'Send it again to your app (or any URL), optionally re-signed'}
        onClick={onReplay}
      >
        Replay…
      </button>
      {pinned && pinned !== detail.id ? (
        <button
          type="button"
          className="btn"
          data-testid="diff"
          title="Compare with the pinned event"
          onClick={onDiff}
        >
          Diff with pinned
        </button>
      ) : (
        <button
          type="button"
          className="btn"
          data-testid="pin"
          title="Pin this event, open another one, then Diff"
          onClick={() => onPin(pinned === detail.id ? null : detail.id)}
        >
          {pinned === detail.id ? 'Unpin' : 'Pin for diff'}
        </button>
      )}
      <button
        type="button"
        className="btn"
        data-testid="checkup-delivery"
        title="Check your receiver with this delivery: valid, duplicate, forged, tampered, …"
        onClick={onCheckup}
      >
        Check-up…
      </button>
      {refused && (
        <p className="muted small actions-note" data-testid="refused-note">
          {refused}
        </p>
      )}
      {confirming ? (
        <span className="confirm">
          Delete this event?
          <button
            type="button"
            className="btn btn-danger"
            data-testid="confirm-delete"
            onClick={onDelete}
          >
            Delete
          </button>
          <button type="button" className="btn" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      ) : (
        <button
          type="button"
          className="btn"
          data-testid="delete-event"
          onClick={() => setConfirming(true)}
        >
          Delete
        </button>
      )}
    </div>
  );
}
