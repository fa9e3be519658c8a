import { useEffect, useRef, useState, type RefObject } from 'react';
import type { Conflict, DraftValue } from '../model/rebase';
import type { RebasedDraft } from '../hooks/use-rebased-draft';

/** A draft value as the banner shows it. */
function shown(v: DraftValue): string {
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (v === undefined || v === '') return '(empty)';
  return String(v);
}

/**
 * Brings the banner into view where the form scrolled away from it and gives it the focus (a
 * screen reader reads it): when the choice appears, and when Save is pressed while it waits.
 */
export function revealBanner(el: HTMLElement | null): void {
  if (!el) return;
  el.scrollIntoView({ block: 'nearest' });
  el.focus({ preventScroll: true });
}

/**
 * The banner of a form whose entity changed elsewhere while it was open (see `model/rebase.ts`).
 *
 * - No overlap: the form was already rebased (the user's edits kept, the other changes taken);
 *   the banner says which fields came from elsewhere, and a save goes through.
 * - Overlap: for each field both changed, "yours" and "theirs" side by side, with a choice per
 *   field and "Keep mine for all" / "Keep theirs for all"; Apply rebases the form with them.
 */
export function ChangedElsewhere<K extends string>({
  what,
  testId,
  labels,
  taken,
  conflicts,
  onApply,
  onDismiss,
  boxRef,
}: {
  /** "This endpoint was changed elsewhere." */
  what: string;
  /** Prefix of the test ids: `<testId>-stale`, `-merged`, `-apply`, `-keep-mine`, ... */
  testId: string;
  /** Each field in the form's words. */
  labels: Record<K, string>;
  /** Merged without overlap: the fields taken from the other change. */
  taken: K[];
  /** Overlapping fields still to choose; empty when merged. */
  conflicts: Conflict<K>[];
  onApply: (choice: Partial<Record<K, 'mine' | 'theirs'>>) => void;
  onDismiss: () => void;
  /** The banner's element, for the form to reveal it (`revealBanner`). */
  boxRef?: RefObject<HTMLDivElement | null> | undefined;
}) {
  const [choice, setChoice] = useState<Partial<Record<K, 'mine' | 'theirs'>>>({});
  const own = useRef<HTMLDivElement | null>(null);
  const box = boxRef ?? own;
  const choosing = conflicts.length > 0;
  // When it appears, or turns into the choice: in view even if the user is further down the
  // form. The choice also takes the focus (Save waits for it); the note that edits were merged
  // does not, so typing goes on where it was (a screen reader hears it: role=status).
  useEffect(() => {
    if (choosing) revealBanner(box.current);
    else box.current?.scrollIntoView({ block: 'nearest' });
  }, [choosing, box]);
  if (!choosing) {
    return (
      <div
        ref={box}
        className="banner banner-info"
        role="status"
        tabIndex={-1}
        data-testid={`${testId}-stale`}
      >
        <span data-testid={`${testId}-merged`}>
          {what}{' '}
          {taken.length > 0
            ? `Taken into this form: ${taken.map((f) => labels[f]).join(', ')}. Your edits to the other fields are kept; saving keeps both.`
            : 'Your edits are kept; saving keeps both.'}
        </span>{' '}
        <button
          type="button"
          className="btn btn-small"
          data-testid={`${testId}-dismiss`}
          onClick={onDismiss}
        >
          OK
        </button>
      </div>
    );
  }
  const all = (side: 'mine' | 'theirs'): void =>
    onApply(Object.fromEntries(conflicts.map((c) => [c.field, side])) as typeof choice);
  return (
    <div
      ref={box}
      className="banner banner-warn merge-banner"
      role="alert"
      tabIndex={-1}
      data-testid={`${testId}-stale`}
    >
      <p>
        {what} You changed {conflicts.length === 1 ? 'a field' : 'fields'} that changed there too;
        choose which to keep, then apply. Your other edits are kept.
        {taken.length > 0 && (
          <span data-testid={`${testId}-taken`}>
            {' '}
            Already taken into this form: {taken.map((f) => labels[f]).join(', ')}.
          </span>
        )}
      </p>
      <table className="merge-table">
        <thead>
          <tr>
            <th>Field</th>
            <th>Yours</th>
            <th>Theirs</th>
          </tr>
        </thead>
        <tbody>
          {conflicts.map((c) => {
            const side = choice[c.field] ?? 'mine';
            return (
              <tr key={c.field} data-testid={`${testId}-conflict-${c.field}`}>
                <th scope="row">{labels[c.field]}</th>
                {(['mine', 'theirs'] as const).map((s) => (
                  <td key={s}>
                    <label className="merge-choice">
                      <input
                        type="radio"
                        name={`${testId}-${c.field}`}
                        checked={side === s}
                        data-testid={`${testId}-${s}-${c.field}`}
                        onChange={() => setChoice({ ...choice, [c.field]: s })}
                      />
                      <span className="mono merge-value">
                        {shown(s === 'mine' ? c.mine : c.theirs)}
                      </span>
                    </label>
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-small btn-primary"
          data-testid={`${testId}-apply`}
          onClick={() => onApply(choice)}
        >
          Apply these choices
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid={`${testId}-keep-mine`}
          onClick={() => all('mine')}
        >
          Keep mine for all
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid={`${testId}-keep-theirs`}
          onClick={() => all('theirs')}
        >
          Keep theirs for all
        </button>
      </div>
    </div>
  );
}

/**
 * The banner of a form kept by useRebasedDraft: the choice while conflicts wait, else which
 * fields were taken in, until dismissed. `onApplied`: after the
 * user's choice is applied (to clear the form's messages).
 */
export function RebaseBanner<K extends string>({
  form,
  what,
  testId,
  labels,
  onApplied,
  boxRef,
}: {
  form: Pick<
    RebasedDraft<unknown, unknown, K>,
    'waiting' | 'conflicts' | 'merged' | 'apply' | 'dismiss'
  >;
  what: string;
  testId: string;
  labels: Record<K, string>;
  onApplied?: () => void;
  /** The banner's element, for the form to reveal it when Save is pressed while it waits. */
  boxRef?: RefObject<HTMLDivElement | null>;
}) {
  if (form.waiting) {
    return (
      <ChangedElsewhere
        what={what}
        testId={testId}
        labels={labels}
        taken={form.waiting.taken}
        conflicts={form.conflicts}
        onApply={(choice) => {
          form.apply(choice);
          onApplied?.();
        }}
        onDismiss={form.dismiss}
        boxRef={boxRef}
      />
    );
  }
  if (!form.merged) return null;
  return (
    <ChangedElsewhere
      what={what}
      testId={testId}
      labels={labels}
      taken={form.merged}
      conflicts={[]}
      onApply={() => undefined}
      onDismiss={form.dismiss}
      boxRef={boxRef}
    />
  );
}
