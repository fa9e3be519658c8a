import { useEffect, useState } from 'react';
import { copyText } from '../model/clipboard';

/** A button that copies `text()` (computed on click) and says so for a moment. */
export function CopyButton({
  text,
  label = 'Copy',
  title,
  testId,
  className = 'btn btn-small',
}: {
  text: () => string;
  label?: string;
  title?: string;
  testId?: string;
  className?: string;
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
      onClick={() => {
        void copyText(text()).then((ok) => setState(ok ? 'copied' : 'failed'));
      }}
    >
      {state === 'copied' ? 'Copied ✓' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}
