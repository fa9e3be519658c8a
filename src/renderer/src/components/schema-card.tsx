import type { EventDetail } from '../../../shared/model';
import { Pill } from './pill';

/** The schema check and, when it failed, the failing paths. */
export function SchemaCard({ detail }: { detail: EventDetail }) {
  const { status, name, issues } = detail.schema;
  return (
    <section className="card" data-testid="schema-card">
      <h3>
        Schema{' '}
        {status === 'valid' ? (
          <Pill tone="good">matches</Pill>
        ) : status === 'invalid' ? (
          <Pill tone="bad">does not match</Pill>
        ) : status === 'error' ? (
          <Pill tone="warn">check did not finish</Pill>
        ) : (
          <Pill tone="muted">not checked</Pill>
        )}
        {name && <span className="muted mono"> · {name}</span>}
      </h3>
      {status === 'none' && !(issues && issues.length > 0) && (
        <p className="muted">
          No schema is known for this payload. Endpoints can be given a JSON Schema of their own.
        </p>
      )}
      {status === 'none' && issues && issues.length > 0 && (
        // Why it was not checked (too large, too deep): a note, not a failure.
        <p className="muted" data-testid="schema-not-checked">
          {issues.map(reason).join(' ')}
        </p>
      )}
      {status !== 'none' && issues && issues.length > 0 && (
        <ul className="issues mono">
          {issues.slice(0, 50).map((issue, i) => (
            <li key={i}>{issue}</li>
          ))}
          {issues.length > 50 && <li className="muted">… and {issues.length - 50} more</li>}
        </ul>
      )}
    </section>
  );
}

/** "(root): not checked: the body is larger than 5 MB" → "Not checked: the body is larger than 5 MB." */
function reason(issue: string): string {
  const text = issue.replace(/^\(root\): /, '');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
}
