import pg from 'pg';

/**
 * The PostgreSQL connection pool of a log (docs/ARCHITECTURE.md §7): every session commits
 * with `synchronous_commit=on` (an ack waits for the WAL flush, whatever the server's
 * default), and bigint columns (seq, rev, times in ms) come back as numbers.
 */
export interface PgOptions {
  /** `postgres://user@host:port/database` */
  url: string;
  /** The schema the log lives in (created when missing); default: the server's search_path. */
  schema?: string;
  /** Connections in the pool. */
  max?: number;
}

const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A schema name as an SQL identifier (letters, digits, underscore only). */
export function schemaIdent(schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
  return schema;
}

export function openPool(o: PgOptions): pg.Pool {
  const options = ['-c synchronous_commit=on'];
  if (o.schema) options.push(`-c search_path=${schemaIdent(o.schema)},public`);
  const pool = new pg.Pool({
    connectionString: o.url,
    max: o.max ?? 8,
    options: options.join(' '),
    types,
  });
  // An idle connection the server dropped must not crash the process: the next query fails
  // instead (and the pool makes a new connection).
  pool.on('error', () => undefined);
  return pool;
}

export type Queryable = pg.Pool | pg.PoolClient;

/** Runs `fn` in one transaction on one connection: committed when it resolves, else rolled back. */
export async function transaction<T>(
  pool: pg.Pool,
  fn: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const c = await pool.connect();
  let broken: Error | undefined;
  // A connection the server drops while it is checked out emits 'error' on the client: without
  // a listener that would end the process (the pool listens only to idle ones). The query in
  // flight fails on its own; the connection is then let go, not reused.
  const dropped = (err: Error): void => {
    broken = err;
  };
  c.on('error', dropped);
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch((e: unknown) => {
      broken = e instanceof Error ? e : new Error(String(e));
    });
    throw err;
  } finally {
    c.off('error', dropped);
    c.release(broken);
  }
}

/**
 * Named parameters (`@name`, as event-filters.ts writes its SQL) to PostgreSQL's positional
 * ones, numbered after `values` already holds.
 */
export function positional(
  sql: string,
  params: Record<string, unknown>,
  values: unknown[],
): string {
  const seen = new Map<string, number>();
  return sql.replace(/@(\w+)/g, (_, name: string) => {
    let i = seen.get(name);
    if (i === undefined) {
      if (!(name in params)) throw new Error(`no value for @${name}`);
      values.push(params[name]);
      i = values.length;
      seen.set(name, i);
    }
    return `$${i}`;
  });
}
