import { useState, type ChangeEvent } from 'react';
import {
  edited,
  rebaseDraft,
  resolve,
  type Conflict,
  type DraftValue,
  type Rebased,
} from '../model/rebase';

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** A form's draft of an entity saved elsewhere too, kept rebased onto its newest version. */
export interface RebasedDraft<E, D, K extends string> {
  /** The version the draft stands on (what a save is checked against). */
  base: E | undefined;
  /** The form's values; null until there is a version to fill it from. */
  draft: D | null;
  /**
   * True when the draft differs from the version it stands on (or, with no entity, from the
   * blank draft): closing the form would throw edits away.
   */
  dirty: boolean;
  /** Changes some fields as typed. */
  set: (patch: Partial<D>) => void;
  /** A text field bound to the draft: spread onto an input, textarea or select. */
  text: (field: K) => { value: string; onChange: (e: ChangeEvent<Control>) => void };
  /** A checkbox bound to the draft. */
  check: (field: K) => {
    checked: boolean;
    onChange: (e: ChangeEvent<HTMLInputElement>) => void;
  };
  /** The rebase waiting for the user's choice (both changed a field); null when none waits. */
  waiting: Rebased<D, K> | null;
  conflicts: Conflict<K>[];
  /** Fields taken from a change made elsewhere, merged into the form (the banner names them). */
  merged: K[] | null;
  /** Settles the conflicts with the user's choice per field. */
  apply: (choice: Partial<Record<K, 'mine' | 'theirs'>>) => void;
  /** Hides the "taken into this form" banner. */
  dismiss: () => void;
  /** After the form's own save: it stands on what was saved, filled from it. */
  saved: (entity: E) => void;
}

/**
 * The rebase wiring of a form whose entity can change elsewhere while it is open (see
 * model/rebase.ts): `live` is the entity as it is now (undefined: not loaded yet, or none);
 * the draft stands on the version it was filled from, and when `live` moves past it the draft
 * is rebased at once where the user's edits and the other change do not overlap, and waits for
 * the user's choice (`conflicts`, `apply`) where they do. `blank`: the draft with no entity.
 * `onEdit`: told of the fields the user changed (to clear their messages).
 */
export function useRebasedDraft<
  E extends { rev: number },
  D extends Record<K, DraftValue>,
  K extends string,
>(
  live: E | undefined,
  toDraft: (entity: E) => D,
  fields: readonly K[],
  options: { blank?: () => D; onEdit?: (fields: K[]) => void } = {},
): RebasedDraft<E, D, K> {
  const [base, setBase] = useState<E | undefined>(live);
  const [draft, setDraft] = useState<D | null>(() =>
    live ? toDraft(live) : (options.blank?.() ?? null),
  );
  const [merged, setMerged] = useState<K[] | null>(null);
  // Loaded after the form opened: filled from it.
  if (base === undefined && live !== undefined) {
    setBase(live);
    setDraft(toDraft(live));
  }
  // Changed elsewhere: the draft is rebased onto the new version. Without overlap that happens
  // at once (the user's edits kept, the rest taken); with overlap it waits for the choice.
  const rebased =
    draft && base && live && live.rev > base.rev
      ? rebaseDraft(toDraft(base), draft, toDraft(live), fields)
      : null;
  if (rebased && live && rebased.conflicts.length === 0) {
    setBase(live);
    setDraft(rebased.draft);
    setMerged(rebased.taken);
  }
  const waiting = rebased && rebased.conflicts.length > 0 ? rebased : null;
  // While a choice waits, the form shows the new version's values in the fields the user did
  // not touch (not the stale ones), the user's own in the rest.
  const shown = waiting ? waiting.draft : draft;
  const pristine = base ? toDraft(base) : (options.blank?.() ?? null);
  const dirty = draft !== null && pristine !== null && edited(pristine, draft, fields);
  const set = (patch: Partial<D>): void => {
    if (!draft) return;
    setDraft({ ...draft, ...patch });
    options.onEdit?.(Object.keys(patch) as K[]);
  };
  return {
    base,
    draft: shown,
    dirty,
    set,
    text: (field) => ({
      value: String(shown?.[field] ?? ''),
      onChange: (e) => set({ [field]: e.target.value } as Partial<D>),
    }),
    check: (field) => ({
      checked: shown?.[field] === true,
      onChange: (e) => set({ [field]: e.target.checked } as Partial<D>),
    }),
    waiting,
    conflicts: waiting?.conflicts ?? [],
    merged,
    apply: (choice) => {
      if (!waiting || !live) return;
      setBase(live);
      setDraft(resolve(waiting, choice));
      // What the form now holds from elsewhere: the fields taken, and those the user gave up.
      setMerged([
        ...waiting.taken,
        ...waiting.conflicts.filter((c) => choice[c.field] === 'theirs').map((c) => c.field),
      ]);
    },
    dismiss: () => setMerged(null),
    saved: (entity) => {
      setBase(entity);
      setDraft(toDraft(entity));
      setMerged(null);
    },
  };
}
