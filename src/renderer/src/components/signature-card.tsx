import type { EventDetail } from '../../../shared/model';
import { providerName } from '../format/provider-names';
import { signatureHelp } from '../format/signature-help';
import { Pill } from './pill';

/** The signature verdict, its reason, and what to do about it. */
export function SignatureCard({ detail }: { detail: EventDetail }) {
  const { status, provider, reason } = detail.signature;
  const help = signatureHelp(status, provider);
  return (
    <section className={`card card-${help.tone}`} data-testid="signature-card">
      <h3>
        <Pill tone={help.tone}>{help.title}</Pill>
        {provider && <span className="muted">{providerName(provider)}</span>}
      </h3>
      <p>{help.meaning}</p>
      {reason && (
        <p className="reason">
          <span className="muted">Engine says: </span>
          {reason}
        </p>
      )}
      {help.action && <p className="action">→ {help.action}</p>}
    </section>
  );
}
