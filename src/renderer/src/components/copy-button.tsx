import { useEffect, useState } from 'react';
import { copyText } from '../model/clipboard';

/** A button that copies `text()` (computed on click) and says so for a moment. */
export function CopyButton({
  text,
  label = 'Copy',
  title,
  testId,
  className = 'btn btn-small',
  disabled = false,
}: {
  /** The text, or a promise of it (e.g. after fetching the rest of a body). */
  text: () => string | Promise<string>;
  label?: string;
  title?: string;
  testId?: string;
  className?: string;
  disabled?: boolean;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <button
      type="button"
      className={className}
      title={title ?? label}
      data-testid={testId}
      disabled={disabled}
      onClick={() => {
        void Promise.resolve()
          .then(text)
          .then(copyText, () => false)
          .then((ok) => setState(ok ? 'copied' : 'failed'));
      }}
    >
      {state === 'copied' ? 'Copied ✓' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}
