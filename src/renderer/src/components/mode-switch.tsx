/** A segmented control choosing one of a few views. */
export function ModeSwitch<M extends string>({
  modes,
  value,
  onChange,
  labels,
}: {
  modes: readonly M[];
  value: M;
  onChange: (m: M) => void;
  labels: Record<M, string>;
}) {
  return (
    <div className="segmented" role="radiogroup">
      {modes.map((m) => (
        <button
          key={m}
          type="button"
          role="radio"
          aria-checked={m === value}
          className={m === value ? 'seg seg-on' : 'seg'}
          data-testid={`body-mode-${m}`}
          onClick={() => onChange(m)}
        >
          {labels[m]}
        </button>
      ))}
    </div>
  );
}
