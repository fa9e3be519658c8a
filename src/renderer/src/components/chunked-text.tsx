import { useState } from 'react';
import { formatCount } from '../format/format';

const FIRST = 100_000;
const STEP = 250_000;

/**
 * Long text shown a slice at a time (first 100,000 characters, then 250,000 per click), so
 * a 10 MB single-line body never stalls layout. Always plain text: never parsed as markup.
 */
export function ChunkedText({
  text,
  testId,
  className = 'code',
}: {
  text: string;
  testId?: string;
  className?: string;
}) {
  const [shown, setShown] = useState(FIRST);
  const cut = text.length > shown;
  return (
    <>
      <pre className={className} data-testid={testId}>
        {cut ? text.slice(0, shown) : text}
      </pre>
      {cut && (
        <div className="more-bar" data-testid="more-text">
          Showing the first {formatCount(shown)} of {formatCount(text.length)} characters.
          <button type="button" className="btn btn-small" onClick={() => setShown((s) => s + STEP)}>
            Show {formatCount(Math.min(STEP, text.length - shown))} more
          </button>
        </div>
      )}
    </>
  );
}
