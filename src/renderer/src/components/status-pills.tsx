import type { EventSummary } from '../../../shared/model';
import { providerName } from '../format/provider-names';
import { signatureHelp, signaturePill } from '../format/signature-help';
import { Pill, type Tone } from './pill';

const FORWARD: Record<string, { label: string; tone: Tone } | undefined> = {
  pending: { label: 'forwarding', tone: 'muted' },
  ok: { label: 'forwarded', tone: 'good' },
  retrying: { label: 'retrying', tone: 'warn' },
  failed: { label: 'forward failed', tone: 'bad' },
  dead: { label: 'dead letter', tone: 'bad' },
};

/** The verdict pills of a row: signature, duplicate, schema, forward, custom response. */
export function StatusPills({ e }: { e: EventSummary }) {
  const sig = signaturePill(e.signature.status);
  const fwd = FORWARD[e.forward.status];
  const provider = e.signature.provider ? ` (${providerName(e.signature.provider)})` : '';
  return (
    <span className="pills">
      {e.rejected !== undefined && (
        <Pill tone="bad" title={`Refused: ${e.rejected}`}>
          refused {e.response.status}
        </Pill>
      )}
      {sig && (
        <Pill
          tone={sig.tone}
          title={`${signatureHelp(e.signature.status, e.signature.provider).title}${provider}`}
        >
          {sig.label}
        </Pill>
      )}
      {e.idempotency.duplicateOf !== null && e.idempotency.byBodyHash ? (
        <Pill
          tone="muted"
          title="Same body as an earlier delivery to this path; it carries no delivery id, so it may be a new event with the same content"
        >
          same body
        </Pill>
      ) : e.idempotency.duplicateOf !== null ? (
        <Pill tone="warn" title="Same delivery id as an earlier delivery: the sender retried it">
          duplicate #{e.idempotency.deliveryCount}
        </Pill>
      ) : e.idempotency.deliveryCount > 1 ? (
        <Pill
          tone="muted"
          title={
            e.idempotency.byBodyHash
              ? 'First delivery; the same body arrived again on this path since'
              : 'First delivery; the sender delivered it again since'
          }
        >
          ×{e.idempotency.deliveryCount}
        </Pill>
      ) : null}
      {e.schema.status === 'invalid' && (
        <Pill tone="bad" title="The payload does not match its schema">
          schema ✗
        </Pill>
      )}
      {e.schema.status === 'valid' && (
        <Pill tone="muted" title="The payload matches its schema">
          schema ✓
        </Pill>
      )}
      {e.schema.status === 'error' && (
        <Pill
          tone="warn"
          title="The schema check did not finish (too slow, out of memory or no verdict in time; the Schema card says which): stored unchecked"
        >
          schema unchecked
        </Pill>
      )}
      {fwd && (
        <Pill tone={fwd.tone} title={`Forward: ${e.forward.status}`}>
          {fwd.label}
        </Pill>
      )}
      {e.rejected === undefined && (e.response.status < 200 || e.response.status >= 300) && (
        <Pill tone="warn" title="The status Hookscope answered this delivery with">
          answered {e.response.status}
        </Pill>
      )}
    </span>
  );
}
