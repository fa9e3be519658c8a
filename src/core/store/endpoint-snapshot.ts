import type { EndpointRepo } from './ports';
import type { ParsedInput } from '../../shared/contract';
import { HookscopeError } from '../../shared/errors';
import type { Endpoint, EndpointResponse } from '../../shared/model';
import type { SecretStore } from '../secrets';
import { endpointConflict, RevHistory } from './conflict';
import { currentPerson } from '../actor';

/**
 * The endpoints' snapshot in memory and the rules of a save, whatever the database
 * (docs/ARCHITECTURE.md §7): SQLite's EndpointStore and PostgreSQL's PgEndpointRepo extend it
 * and only read and write rows.
 */

export const DEFAULT_ENDPOINT_ID = 'default';
export const DEFAULT_RESPONSE: EndpointResponse = {
  status: 200,
  headers: [['Content-Type', 'application/json']],
  body: '{"ok":true}',
};

/** Endpoint settings kept together in the `options` JSON column. */
export interface EndpointOptions {
  hmac: Endpoint['hmac'];
  invalidSignatureResponse: Endpoint['invalidSignatureResponse'];
  duplicateResponse: Endpoint['duplicateResponse'];
  jsonSchema: Endpoint['jsonSchema'];
  forwardDuplicates?: boolean;
  simulate: Endpoint['simulate'];
  /** The person who saved it last (a team server's people), absent when saved locally. */
  updatedBy?: string;
}

/** An endpoint as a row of the `endpoints` table (same columns on every backend). */
export interface EndpointRow {
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

/** The default endpoint's row (path `/`), as made when a log has none. */
export function defaultEndpointRow(now: string): EndpointRow {
  return {
    id: DEFAULT_ENDPOINT_ID,
    name: 'Default',
    path: '/',
    provider: 'auto',
    tolerance_sec: null,
    forward_to: null,
    response: JSON.stringify(DEFAULT_RESPONSE),
    options: '{}',
    created_at: now,
    updated_at: now,
    rev: 1,
  };
}

/**
 * Endpoints (path prefixes with their settings), cached in memory for matching on the
 * receiver's hot path. The endpoint with path `/` always exists and cannot be deleted.
 */
export abstract class EndpointSnapshot implements EndpointRepo {
  private byPath: Endpoint[] = [];
  /** Every endpoint's secrets, computed once per change of the endpoints. */
  private secretList: string[] | null = null;
  /** Recent versions of each endpoint, to say what changed when a save is refused. */
  protected readonly history = new Map<string, RevHistory<Endpoint>>();
  private readonly listeners = new Set<EndpointListener>();

  constructor(protected readonly secrets: SecretStore) {}

  abstract save(input: ParsedInput<'saveEndpoint'>): Promise<Endpoint>;
  abstract delete(id: string): Promise<boolean>;
  abstract takeSimulatedFailure(e: Endpoint): number | null;

  /**
   * Replaces the snapshot with `rows` (every endpoint as stored now). Returns the ids whose
   * version changed, appeared or went (what another process changed, on a shared backend).
   */
  protected replaceAll(rows: EndpointRow[]): string[] {
    const before = new Map(this.byPath.map((e) => [e.id, e]));
    this.secretList = null;
    // Longest prefix first, so matching takes the most specific endpoint.
    this.byPath = rows.map((r) => this.toEndpoint(r)).sort((a, b) => b.path.length - a.path.length);
    const moved: string[] = [];
    for (const e of this.byPath) {
      this.remember(e);
      const old = before.get(e.id);
      if (!old || old.rev !== e.rev || old.secretCount !== e.secretCount) moved.push(e.id);
      before.delete(e.id);
    }
    return [...moved, ...before.keys()];
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

  protected changed(id: string): void {
    const e = this.get(id) ?? null;
    for (const l of this.listeners) l(id, e);
  }

  protected toEndpoint(r: EndpointRow): Endpoint {
    const o = JSON.parse(r.options) as Partial<EndpointOptions>;
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
      ...(o.updatedBy ? { updatedBy: o.updatedBy } : {}),
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
    if (clash) throw pathClash(clash.name, input.path);
    return existing;
  }

  /**
   * The row a save writes (after precheck): the input over the existing endpoint, one version
   * up. Throws `bad_input` when the generic-hmac provider has no hmac settings.
   */
  protected rowFor(
    input: ParsedInput<'saveEndpoint'>,
    existing: Endpoint | undefined,
    id: string,
    now: string,
  ): EndpointRow {
    const pick = <K extends Exclude<keyof EndpointOptions, 'forwardDuplicates' | 'updatedBy'>>(
      k: K,
    ): EndpointOptions[K] =>
      input[k] !== undefined ? (input[k] as EndpointOptions[K]) : (existing?.[k] ?? null);
    const options: EndpointOptions = {
      hmac: pick('hmac'),
      invalidSignatureResponse: pick('invalidSignatureResponse'),
      duplicateResponse: pick('duplicateResponse'),
      jsonSchema: pick('jsonSchema'),
      simulate: pick('simulate'),
      forwardDuplicates: input.forwardDuplicates ?? existing?.forwardDuplicates ?? true,
      ...(currentPerson() !== null ? { updatedBy: currentPerson()! } : {}),
    };
    if ((input.provider ?? existing?.provider) === 'generic-hmac' && !options.hmac) {
      throw new HookscopeError('bad_input', 'the generic-hmac provider needs its hmac settings', [
        { path: ['hmac'], message: 'required when provider is generic-hmac' },
      ]);
    }
    return {
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
  }

  /** Throws `bad_input` for the default endpoint (which cannot be deleted). */
  protected checkDelete(e: Endpoint): void {
    if (e.path === '/')
      throw new HookscopeError('bad_input', 'the default endpoint cannot be deleted');
  }

  /**
   * The simulated failure for the next delivery, counting `failNext` down on `e` (the cached
   * object match() returned); `persist` writes the new simulate options.
   */
  protected nextSimulatedFailure(
    e: Endpoint,
    random: () => number,
    persist: (next: NonNullable<Endpoint['simulate']>) => void,
  ): number | null {
    const sim = e.simulate;
    if (!sim) return null;
    if (sim.failNext > 0) {
      const next = { ...sim, failNext: sim.failNext - 1 };
      persist(next);
      e.simulate = next;
      return sim.status;
    }
    return sim.failPercent > 0 && random() * 100 < sim.failPercent ? sim.status : null;
  }
}

/** The `conflict` for a path another endpoint already uses. */
export function pathClash(name: string, path: string): HookscopeError {
  const message = `endpoint "${name}" already uses ${path}`;
  return new HookscopeError('conflict', message, [{ path: ['path'], message }]);
}
