import type { EventDetail } from '../../../shared/model';
import { Pill } from './pill';

/** Idempotency: first delivery (and how often it came), or duplicate #n of the first. */
export function DeliveryCard({
  detail,
  onOpen,
}: {
  detail: EventDetail;
  onOpen: (id: string) => void;
}) {
  const { key, source, duplicateOf, deliveryCount } = detail.idempotency;
  return (
    <section className="card" data-testid="delivery-card">
      <h3>
        Delivery{' '}
        {duplicateOf ? (
          <Pill tone="warn">duplicate #{deliveryCount}</Pill>
        ) : key ? (
          <Pill tone="good">first delivery</Pill>
        ) : (
          <Pill tone="muted">no idempotency key</Pill>
        )}
      </h3>
      {duplicateOf ? (
        <p>
          Delivery #{deliveryCount} of the same event: the sender retried it or delivered it twice.
          Your handler must not process it again.{' '}
          <button
            type="button"
            className="btn btn-link"
            data-testid="open-first-delivery"
            onClick={() => onOpen(duplicateOf)}
          >
            Open the first delivery
          </button>
        </p>
      ) : key ? (
        <p>
          {deliveryCount > 1
            ? `First delivery of this event; ${deliveryCount - 1} more ${deliveryCount === 2 ? 'copy' : 'copies'} arrived since.`
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
