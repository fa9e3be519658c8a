import type { EndpointRepo } from './ports';
import { randomUUID } from 'node:crypto';
import type { ParsedInput } from '../../shared/contract';
import { HookscopeError } from '../../shared/errors';
import type { Endpoint, EndpointResponse } from '../../shared/model';
import type { SecretStore } from '../secrets';
import { endpointConflict, RevHistory } from './conflict';
import type { Db } from './db';

export const DEFAULT_ENDPOINT_ID = 'default';
export const DEFAULT_RESPONSE: EndpointResponse = {
  status: 200,
  headers: [['Content-Type', 'application/json']],
  body: '{"ok":true}',
};

/** Endpoint settings kept together in the `options` JSON column. */
interface Options {
  hmac: Endpoint['hmac'];
  invalidSignatureResponse: Endpoint['invalidSignatureResponse'];
  duplicateResponse: Endpoint['duplicateResponse'];
  jsonSchema: Endpoint['jsonSchema'];
  forwardDuplicates?: boolean;
  simulate: Endpoint['simulate'];
}

interface Row {
  id: string;
  name: string;
  path: string;
  provider: string;
  tolerance_sec: number | null;
  forward_to: string | null;
  response: string;
  options: string;
  created_at: string;
  updated_at: string;
  rev: number;
}

/** Told after a change is committed: the endpoint as it is now, or null once deleted. */
export type EndpointListener = (id: string, endpoint: Endpoint | null) => void;

/**
 * Endpoints (path prefixes with their settings), cached in memory for matching on the
 * receiver's hot path. The endpoint with path `/` always exists and cannot be deleted.
 */
export class EndpointStore implements EndpointRepo {
  private byPath: Endpoint[] = [];
  /** Every endpoint's secrets, computed once per change of the endpoints. */
  private secretList: string[] | null = null;
  /** Recent versions of each endpoint, to say what changed when a save is refused. */
  private readonly history = new Map<string, RevHistory<Endpoint>>();
  private readonly listeners = new Set<EndpointListener>();

  constructor(
    private readonly db: Db,
    private readonly secrets: SecretStore,
  ) {
    const hasDefault = db.prepare("SELECT 1 FROM endpoints WHERE path = '/'").get();
    if (!hasDefault) {
      const now = new Date().toISOString();
      db.prepare(
        `INSERT INTO endpoints (id, name, path, provider, tolerance_sec, forward_to, response,
         created_at, updated_at) VALUES (?, 'Default', '/', 'auto', NULL, NULL, ?, ?, ?)`,
      ).run(DEFAULT_ENDPOINT_ID, JSON.stringify(DEFAULT_RESPONSE), now, now);
    }
    this.reload();
  }

  private reload(): void {
    this.secretList = null;
    const rows = this.db.prepare('SELECT * FROM endpoints').all() as Row[];
    // Longest prefix first, so matching takes the most specific endpoint.
    this.byPath = rows.map((r) => this.toEndpoint(r)).sort((a, b) => b.path.length - a.path.length);
    for (const e of this.byPath) this.remember(e);
  }

  private remember(e: Endpoint): void {
    let h = this.history.get(e.id);
    if (!h) this.history.set(e.id, (h = new RevHistory<Endpoint>(16)));
    h.remember(e.rev, e);
  }

  /** Calls `listener` after every committed change (create, edit, delete). */
  onChange(listener: EndpointListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(id: string): void {
    const e = this.get(id) ?? null;
    for (const l of this.listeners) l(id, e);
  }

  private toEndpoint(r: Row): Endpoint {
    const o = JSON.parse(r.options) as Partial<Options>;
    return {
      id: r.id,
      name: r.name,
      path: r.path,
      provider: r.provider as Endpoint['provider'],
      secretCount: this.secrets.get(r.id).length,
      toleranceSec: r.tolerance_sec,
      forwardTo: r.forward_to,
      response: JSON.parse(r.response) as EndpointResponse,
      hmac: o.hmac ?? null,
      invalidSignatureResponse: o.invalidSignatureResponse ?? null,
      duplicateResponse: o.duplicateResponse ?? null,
      jsonSchema: o.jsonSchema ?? null,
      forwardDuplicates: o.forwardDuplicates ?? true,
      simulate: o.simulate ?? null,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      rev: r.rev,
    };
  }

  /** All endpoints, the default first, then by path. */
  list(): Endpoint[] {
    return [...this.byPath].sort((a, b) => a.path.localeCompare(b.path));
  }

  /** The endpoint with this id, or undefined. */
  get(id: string): Endpoint | undefined {
    return this.byPath.find((e) => e.id === id);
  }

  /** The most specific endpoint whose prefix matches `path` (always at least the default). */
  match(path: string): Endpoint {
    for (const e of this.byPath) {
      if (e.path === '/' || path === e.path || path.startsWith(e.path + '/')) return e;
    }
    throw new Error('default endpoint missing');
  }

  /** Every endpoint's secrets (engine-internal: what received headers are masked with). */
  allSecrets(): string[] {
    // The same array until an endpoint changes: the log's masker is rebuilt only then.
    this.secretList ??= this.byPath.flatMap((e) => this.secrets.get(e.id));
    return this.secretList;
  }

  /** The configured secrets of an endpoint (engine-internal; never sent to a UI). */
  secretsOf(id: string): string[] {
    return this.secrets.get(id);
  }

  /**
   * Throws what save() would refuse before anything costly (a JSON Schema's compile) is done:
   * `not_found`, `conflict` (version or path), `bad_input`. Returns the endpoint being
   * updated, if any. save() checks again, as things may change while a schema compiles.
   */
  precheck(input: ParsedInput<'saveEndpoint'>): Endpoint | undefined {
    const existing = input.id !== undefined ? this.get(input.id) : undefined;
    if (input.id !== undefined && !existing) {
      if (input.rev !== undefined) {
        const last = this.history.get(input.id)?.at(input.rev);
        throw new HookscopeError(
          'conflict',
          `Endpoint${last ? ` "${last.name}"` : ''} was deleted elsewhere; your changes were not saved.`,
        );
      }
      throw new HookscopeError('not_found', `no endpoint "${input.id}"`);
    }
    if (existing && input.rev !== undefined && input.rev !== existing.rev) {
      throw endpointConflict(existing, input.rev, this.history.get(existing.id)?.at(input.rev));
    }
    if (existing?.path === '/' && input.path !== '/') {
      throw new HookscopeError('bad_input', 'the default endpoint keeps the path /');
    }
    const clash = this.byPath.find((e) => e.path === input.path && e.id !== existing?.id);
    if (clash) {
      const message = `endpoint "${clash.name}" already uses ${input.path}`;
      throw new HookscopeError('conflict', message, [{ path: ['path'], message }]);
    }
    return existing;
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
    const now = new Date().toISOString();
    const id = existing?.id ?? randomUUID();
    const pick = <K extends Exclude<keyof Options, 'forwardDuplicates'>>(k: K): Options[K] =>
      input[k] !== undefined ? (input[k] as Options[K]) : (existing?.[k] ?? null);
    const options: Options = {
      hmac: pick('hmac'),
      invalidSignatureResponse: pick('invalidSignatureResponse'),
      duplicateResponse: pick('duplicateResponse'),
      jsonSchema: pick('jsonSchema'),
      simulate: pick('simulate'),
      forwardDuplicates: input.forwardDuplicates ?? existing?.forwardDuplicates ?? true,
    };
    if ((input.provider ?? existing?.provider) === 'generic-hmac' && !options.hmac) {
      throw new HookscopeError('bad_input', 'the generic-hmac provider needs its hmac settings', [
        { path: ['hmac'], message: 'required when provider is generic-hmac' },
      ]);
    }
    const row: Row = {
      id,
      name: input.name,
      path: input.path,
      provider: input.provider ?? existing?.provider ?? 'auto',
      tolerance_sec:
        input.toleranceSec !== undefined ? input.toleranceSec : (existing?.toleranceSec ?? null),
      forward_to: input.forwardTo !== undefined ? input.forwardTo : (existing?.forwardTo ?? null),
      response: JSON.stringify(input.response ?? existing?.response ?? DEFAULT_RESPONSE),
      options: JSON.stringify(options),
      created_at: existing?.createdAt ?? now,
      updated_at: now,
      rev: (existing?.rev ?? 0) + 1,
    };
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO endpoints (id, name, path, provider, tolerance_sec, forward_to, response,
           options, created_at, updated_at, rev) VALUES (@id, @name, @path, @provider,
           @tolerance_sec, @forward_to, @response, @options, @created_at, @updated_at, @rev)
           ON CONFLICT (id) DO UPDATE SET name = @name, path = @path, provider = @provider,
           tolerance_sec = @tolerance_sec, forward_to = @forward_to, response = @response,
           options = @options, updated_at = @updated_at, rev = @rev`,
        )
        .run(row);
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
    // Takes the endpoint match() returned (the cached object): no lookup on the receiver's path.
    const sim = e.simulate;
    if (!sim) return null;
    const id = e.id;
    if (sim.failNext > 0) {
      const next = { ...sim, failNext: sim.failNext - 1 };
      const row = this.db.prepare('SELECT options FROM endpoints WHERE id = ?').get(id) as {
        options: string;
      };
      this.db
        .prepare('UPDATE endpoints SET options = ? WHERE id = ?')
        .run(JSON.stringify({ ...(JSON.parse(row.options) as object), simulate: next }), id);
      e.simulate = next;
      return sim.status;
    }
    return sim.failPercent > 0 && random() * 100 < sim.failPercent ? sim.status : null;
  }

  /** Deletes an endpoint (its events stay). Throws `bad_input` for the default endpoint. */
  async delete(id: string): Promise<boolean> {
    const e = this.get(id);
    if (!e) return false;
    if (e.path === '/')
      throw new HookscopeError('bad_input', 'the default endpoint cannot be deleted');
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
