import { randomUUID } from 'node:crypto';
import type { ParsedInput } from '../../shared/contract';
import type { Endpoint } from '../../shared/model';
import type { SecretStore } from '../secrets';
import type { Db } from './db';
import { defaultEndpointRow, EndpointSnapshot, type EndpointRow } from './endpoint-snapshot';

export { DEFAULT_ENDPOINT_ID, DEFAULT_RESPONSE, type EndpointListener } from './endpoint-snapshot';

const UPSERT = `INSERT INTO endpoints (id, name, path, provider, tolerance_sec, forward_to, response,
  options, created_at, updated_at, rev) VALUES (@id, @name, @path, @provider,
  @tolerance_sec, @forward_to, @response, @options, @created_at, @updated_at, @rev)
  ON CONFLICT (id) DO UPDATE SET name = @name, path = @path, provider = @provider,
  tolerance_sec = @tolerance_sec, forward_to = @forward_to, response = @response,
  options = @options, updated_at = @updated_at, rev = @rev`;

/**
 * The endpoints in SQLite (the snapshot and the save rules: endpoint-snapshot.ts). One process
 * owns the log, so the snapshot is re-read only after its own writes.
 */
export class EndpointStore extends EndpointSnapshot {
  constructor(
    private readonly db: Db,
    secrets: SecretStore,
  ) {
    super(secrets);
    const hasDefault = db.prepare("SELECT 1 FROM endpoints WHERE path = '/'").get();
    if (!hasDefault) db.prepare(UPSERT).run(defaultEndpointRow(new Date().toISOString()));
    this.reload();
  }

  private reload(): void {
    this.replaceAll(this.db.prepare('SELECT * FROM endpoints').all() as EndpointRow[]);
  }

  /**
   * Creates or updates an endpoint. Throws `not_found` for an unknown id, `conflict` when
   * another endpoint has the same path, `bad_input` when moving the default off `/`. A JSON
   * Schema is checked before (SchemaChecker.validate, in a worker). With `rev`, throws
   * `conflict` (saying what changed) when the endpoint is no longer at that version. The row
   * and the secrets are written together; the copy in memory changes only once both are.
   */
  async save(input: ParsedInput<'saveEndpoint'>): Promise<Endpoint> {
    const existing = this.precheck(input);
    const id = existing?.id ?? randomUUID();
    const row = this.rowFor(input, existing, id, new Date().toISOString());
    this.db.transaction(() => {
      this.db.prepare(UPSERT).run(row);
      // Last: a secrets file that cannot be written rolls the row back.
      if (input.secrets !== undefined) this.secrets.set(id, input.secrets);
    })();
    this.reload();
    this.changed(id);
    return this.get(id)!;
  }

  /**
   * The simulated failure status for the next delivery to an endpoint, or null; counts down
   * `failNext` (persisted, so a restart keeps the count).
   */
  takeSimulatedFailure(e: Endpoint, random: () => number = Math.random): number | null {
    return this.nextSimulatedFailure(e, random, (next) => {
      const row = this.db.prepare('SELECT options FROM endpoints WHERE id = ?').get(e.id) as {
        options: string;
      };
      this.db
        .prepare('UPDATE endpoints SET options = ? WHERE id = ?')
        .run(JSON.stringify({ ...(JSON.parse(row.options) as object), simulate: next }), e.id);
    });
  }

  /** Deletes an endpoint (its events stay). Throws `bad_input` for the default endpoint. */
  async delete(id: string): Promise<boolean> {
    const e = this.get(id);
    if (!e) return false;
    this.checkDelete(e);
    this.db.prepare('DELETE FROM endpoints WHERE id = ?').run(id);
    try {
      this.secrets.delete(id);
    } catch {
      // The endpoint is gone; its secrets stay in the file, unused, until the next write.
    }
    this.reload();
    this.changed(id);
    return true;
  }
}
