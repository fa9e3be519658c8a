import type { CheckupRepo } from './ports';
import type { Checkup, CheckupSummary, ProbeResult } from '../../shared/checkup';
import type { Db } from './db';

/** Runs kept per endpoint (ad-hoc runs, without endpoint, count as one group). */
export const CHECKUPS_KEPT = 50;

interface Row {
  summary: string;
  probes: string;
}

/**
 * Check-up history: each run's summary (what lists show) and its probes (what one run
 * shows), the newest CHECKUPS_KEPT per endpoint. Runs hold no secret.
 */
export class CheckupStore implements CheckupRepo {
  private readonly stmts;
  private readonly insertAndTrim: (run: Checkup) => void;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO checkups (id, endpoint_id, started_at, summary, probes) VALUES (?, ?, ?, ?, ?)',
      ),
      trim: db.prepare(
        `DELETE FROM checkups WHERE endpoint_id IS ? AND id NOT IN (
           SELECT id FROM checkups WHERE endpoint_id IS ? ORDER BY started_at DESC, rowid DESC LIMIT ?)`,
      ),
      byId: db.prepare('SELECT summary, probes FROM checkups WHERE id = ?'),
      list: db.prepare('SELECT summary FROM checkups ORDER BY started_at DESC, rowid DESC LIMIT ?'),
      listFor: db.prepare(
        'SELECT summary FROM checkups WHERE endpoint_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?',
      ),
      remove: db.prepare('DELETE FROM checkups WHERE id = ?'),
    };
    this.insertAndTrim = db.transaction((run: Checkup) => {
      const { probes, ...summary } = run;
      this.stmts.insert.run(
        run.id,
        run.endpointId,
        run.startedAt,
        JSON.stringify(summary),
        JSON.stringify(probes),
      );
      this.stmts.trim.run(run.endpointId, run.endpointId, CHECKUPS_KEPT);
    });
  }

  /** Stores a run and drops the endpoint's runs beyond the newest CHECKUPS_KEPT. */
  async save(run: Checkup): Promise<void> {
    this.insertAndTrim(run);
  }

  /** Summaries, newest first, of one endpoint's runs or of all. */
  async list(limit: number, endpointId?: string): Promise<CheckupSummary[]> {
    const rows = (
      endpointId === undefined
        ? this.stmts.list.all(limit)
        : this.stmts.listFor.all(endpointId, limit)
    ) as Pick<Row, 'summary'>[];
    return rows.map((r) => JSON.parse(r.summary) as CheckupSummary);
  }

  /** One run with its probes, or undefined. */
  async get(id: string): Promise<Checkup | undefined> {
    const row = this.stmts.byId.get(id) as Row | undefined;
    if (!row) return undefined;
    return {
      ...(JSON.parse(row.summary) as CheckupSummary),
      probes: JSON.parse(row.probes) as ProbeResult[],
    };
  }

  /** Deletes a run; false when there was none. */
  async delete(id: string): Promise<boolean> {
    return this.stmts.remove.run(id).changes > 0;
  }
}
