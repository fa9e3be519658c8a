import type { ListFilter } from './event-store';

type Criteria = Omit<ListFilter, 'limit' | 'beforeSeq' | 'afterSeq' | 'query' | 'withTotal'>;

/** One criterion's SQL: conditions on `events e` with their named parameters. */
type Sql = { where: string; params?: Record<string, unknown> };

/** `column IN (@name0, @name1, …)` for a list of values. */
const inList = (column: string, name: string, values: readonly string[]): Sql => ({
  where: `${column} IN (${values.map((_, i) => `@${name}${i}`).join(', ')})`,
  params: Object.fromEntries(values.map((v, i) => [`${name}${i}`, v])),
});

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
  signatureStatus: (v) => inList('e.sig_status', 'sig', v),
  forwardStatus: (v) => inList('e.forward_status', 'fwd', v),
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
