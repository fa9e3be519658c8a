import type { EventDetail } from '../../../shared/model';
import { providerName } from '../format/provider-names';
import { signatureHelp } from '../format/signature-help';
import { Pill } from './pill';

/** The signature verdict, its reason, and what to do about it. */
export function SignatureCard({ detail }: { detail: EventDetail }) {
  const { status, provider, reason } = detail.signature;
  const help = signatureHelp(status, provider);
  const encoding = detail.headers
    .find(([n]) => n.toLowerCase() === 'content-encoding')?.[1]
    .trim()
    .toLowerCase();
  return (
    <section className={`card card-${help.tone}`} data-testid="signature-card">
      <h3>
        <Pill tone={help.tone}>{help.title}</Pill>
        {provider && <span className="muted">{providerName(provider)}</span>}
      </h3>
      {detail.imported && (
        <p data-testid="signature-imported">
          Imported: this is the verdict the log it was exported from gave it, with that log's
          secrets. This log did not check it again.
        </p>
      )}
      <p>{help.meaning}</p>
      {status === 'invalid' && encoding && (
        <p data-testid="signature-encoded">
          Its body arrived {encoding}-encoded: the signature is checked over the bytes as they
          arrived, compressed, which is what providers sign. A sender that signed the JSON and then
          compressed it does not verify.
        </p>
      )}
      {reason && (
        <p className="reason">
          <span className="muted">{detail.imported ? 'That log said: ' : 'Engine says: '}</span>
          {reason}
        </p>
      )}
      {/* What to do is about this log's endpoint: not for a verdict another log gave. */}
      {help.action && !detail.imported && (
        <p className="action">
          →{' '}
          {status === 'invalid' && encoding
            ? `First check how the sender signs: over the bytes it sends (compressed), or over the JSON before compressing it (then it never verifies here). Otherwise: ${help.action.charAt(0).toLowerCase()}${help.action.slice(1)}`
            : help.action}
        </p>
      )}
    </section>
  );
}
