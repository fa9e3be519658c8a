/**
 * Rebasing a form's draft onto a version of its entity saved elsewhere meanwhile, field by
 * field, so the user's typing is never dropped silently:
 *
 * - a field the user did not touch takes the new version's value;
 * - a field the user edited keeps their value;
 * - a field both changed (to different values) is a conflict: the form shows "yours" and
 *   "theirs" and the user picks one (`resolve`).
 *
 * Drafts are flat records of form values (strings and booleans), as the forms hold them.
 */
export type DraftValue = string | boolean | number | undefined;

export interface Conflict<K extends string> {
  field: K;
  mine: DraftValue;
  theirs: DraftValue;
}

export interface Rebased<D, K extends string> {
  /** The draft on the new version: the user's edits and the other changes together. */
  draft: D;
  /** Fields changed elsewhere that the draft took (the user had not touched them). */
  taken: K[];
  /** Fields both the user and the other change touched, to different values. */
  conflicts: Conflict<K>[];
}

/**
 * `base`: the draft of the version the form was filled from; `mine`: the form as typed;
 * `theirs`: the draft of the version now saved. `fields`: the form fields to compare (others,
 * such as `rev`, are taken from `theirs`). Conflicting fields keep the user's value in `draft`
 * until resolved.
 */
export function rebaseDraft<D extends Record<K, DraftValue>, K extends string>(
  base: D,
  mine: D,
  theirs: D,
  fields: readonly K[],
): Rebased<D, K> {
  const draft = { ...theirs };
  const taken: K[] = [];
  const conflicts: Conflict<K>[] = [];
  for (const f of fields) {
    const edited = mine[f] !== base[f];
    const changed = theirs[f] !== base[f];
    if (edited) draft[f] = mine[f];
    if (changed && !edited) taken.push(f);
    if (edited && changed && mine[f] !== theirs[f])
      conflicts.push({ field: f, mine: mine[f], theirs: theirs[f] });
  }
  return { draft, taken, conflicts };
}

/** The rebased draft with each conflict settled: 'mine' or 'theirs' per field. */
export function resolve<D extends Record<K, DraftValue>, K extends string>(
  rebased: Rebased<D, K>,
  choice: Partial<Record<K, 'mine' | 'theirs'>>,
): D {
  const draft: Record<K, DraftValue> = { ...rebased.draft };
  for (const c of rebased.conflicts) {
    draft[c.field] = choice[c.field] === 'theirs' ? c.theirs : c.mine;
  }
  return draft as D;
}

/** True when the user changed anything in the form. */
export function edited<D extends Record<K, DraftValue>, K extends string>(
  base: D,
  mine: D,
  fields: readonly K[],
): boolean {
  return fields.some((f) => mine[f] !== base[f]);
}
