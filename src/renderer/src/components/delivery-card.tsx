import type { EventDetail } from '../../../shared/model';
import { Pill } from './pill';

/**
 * Idempotency: first delivery (and how often it came), duplicate #n of the first (a delivery id
 * or Idempotency-Key matched: a retry), or the same body as an earlier one (only a body hash
 * matched: maybe a retry, maybe a new event with the same content).
 */
export function DeliveryCard({
  detail,
  onOpen,
}: {
  detail: EventDetail;
  onOpen: (id: string) => void;
}) {
  const { key, source, duplicateOf, deliveryCount, byBodyHash, unverified } = detail.idempotency;
  const openFirst = duplicateOf && (
    <button
      type="button"
      className="btn btn-link"
      data-testid="open-first-delivery"
      onClick={() => onOpen(duplicateOf)}
    >
      Open the first delivery
    </button>
  );
  return (
    <section className="card" data-testid="delivery-card">
      <h3>
        Delivery{' '}
        {duplicateOf && byBodyHash ? (
          <Pill tone="muted">same body</Pill>
        ) : duplicateOf ? (
          <Pill tone="warn">duplicate #{deliveryCount}</Pill>
        ) : unverified ? (
          <Pill tone="warn">not counted</Pill>
        ) : key ? (
          <Pill tone="good">first delivery</Pill>
        ) : (
          <Pill tone="muted">no idempotency key</Pill>
        )}
      </h3>
      {duplicateOf && byBodyHash ? (
        <p>
          Same body as {duplicateOf} on this path. It carries no delivery id or Idempotency-Key, so
          this may be a retry or a new event with identical content. {openFirst}
        </p>
      ) : duplicateOf ? (
        <p>
          Duplicate #{deliveryCount} of the same event: the sender retried it or delivered it twice
          (same {source ?? 'key'}). Your handler must not process it again. {openFirst}
        </p>
      ) : unverified ? (
        <p data-testid="delivery-unverified">
          Its signature did not verify, so it does not count as a delivery of this event: a genuine
          delivery with the same {source ?? 'key'} is still treated as new, and this one is no one's
          duplicate.
        </p>
      ) : key ? (
        <p>
          {deliveryCount > 1
            ? `First delivery of this ${byBodyHash ? 'body on this path' : 'event'}; ${deliveryCount - 1} more ${deliveryCount === 2 ? 'copy' : 'copies'} arrived since.`
            : 'The first delivery with this key.'}
        </p>
      ) : (
        <p className="muted">This delivery carries nothing to tell duplicates apart by.</p>
      )}
      {key && (
        <p className="mono small">
          key {key}
          {source ? ` (from ${source})` : ''}
        </p>
      )}
    </section>
  );
}
