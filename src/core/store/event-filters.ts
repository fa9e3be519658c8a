import type { ListFilter } from './event-store';

type Criteria = Omit<
  ListFilter,
  'limit' | 'beforeSeq' | 'afterSeq' | 'order' | 'query' | 'withTotal'
>;

/** One criterion's SQL: conditions on `events e` with their named parameters. */
type Sql = { where: string; params?: Record<string, unknown> };

/**
 * The verdicts and forward states that are rare in a log (most deliveries are signed or not
 * signed, and forwarded or not forwarded): each has a partial index (migration 18) holding
 * only its rows, with every filter column, so a filter on them walks a few index entries and
 * checks the other criteria there. The condition is written here once: the query repeats it
 * word for word, which is how SQLite knows the partial index applies.
 */
export const RARE_INDEXES = {
  signatureStatus: {
    index: 'events_sig_rare',
    column: 'sig_status',
    values: ['invalid', 'stale', 'missing', 'future'],
  },
  forwardStatus: {
    index: 'events_fwd_rare',
    column: 'forward_status',
    values: ['pending', 'retrying', 'failed', 'dead'],
  },
} as const;

/**
 * The partial index condition of a rare column (`(sig_status = 'invalid' OR …)`, migration 20).
 * Not `IN (…)`: SQLite evaluates an index's condition for every row written, and an IN list of
 * more than two values made it build a temporary table each time (a deleted row cost ~0.5 ms
 * on a big log, so retention held the receiver's thread; inserts paid it too).
 */
export function rareCondition(column: string, values: readonly string[], alias = ''): string {
  return `(${values.map((v) => `${alias}${column} = '${v}'`).join(' OR ')})`;
}

/** `column IN (@name0, @name1, …)` for a list of values. */
const inList = (column: string, name: string, values: readonly string[]): Sql => ({
  where: `${column} IN (${values.map((_, i) => `@${name}${i}`).join(', ')})`,
  params: Object.fromEntries(values.map((v, i) => [`${name}${i}`, v])),
});

/** inList, plus the rare values' index condition when every value is one of them. */
const rareList =
  (key: keyof typeof RARE_INDEXES, name: string) =>
  (values: readonly string[]): Sql => {
    const rare = RARE_INDEXES[key];
    const sql = inList(`e.${rare.column}`, name, values);
    if (!values.every((v) => (rare.values as readonly string[]).includes(v))) return sql;
    return { ...sql, where: `${sql.where} AND ${rareCondition(rare.column, rare.values, 'e.')}` };
  };

/**
 * The SQL of each `listEvents` criterion, once (the list's URL keys, inputs and client-side
 * matches are in `shared/filters.ts`; test/core/filters-agree.test.ts checks they agree).
 * Search (`query`) and paging are the list's own.
 */
const CRITERIA: { [K in keyof Required<Criteria>]: (v: NonNullable<Criteria[K]>) => Sql | null } = {
  endpointId: (v) => ({ where: 'e.endpoint_id = @endpointId', params: { endpointId: v } }),
  jobId: (v) => ({ where: 'e.job_id = @jobId', params: { jobId: v } }),
  eventType: (v) => ({ where: 'e.event_type = @eventType', params: { eventType: v } }),
  method: (v) => ({ where: 'e.method = @method', params: { method: v.toUpperCase() } }),
  duplicatesOnly: (v) => (v ? { where: 'e.duplicate_of IS NOT NULL' } : null),
  refusedOnly: (v) => (v ? { where: 'e.rejected IS NOT NULL' } : null),
  signatureStatus: rareList('signatureStatus', 'sig'),
  forwardStatus: rareList('forwardStatus', 'fwd'),
};

/** The WHERE conditions and parameters of a list's criteria (paging and search aside). */
export function filterSql(f: ListFilter): { where: string[]; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  for (const key of Object.keys(CRITERIA) as (keyof Criteria)[]) {
    const v = f[key];
    if (v === undefined) continue;
    const sql = (CRITERIA[key] as (v: unknown) => Sql | null)(v);
    if (!sql) continue;
    where.push(sql.where);
    Object.assign(params, sql.params);
  }
  return { where, params };
}
