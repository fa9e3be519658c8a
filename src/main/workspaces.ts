import { randomUUID, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile, type SecretStore } from '../core/secrets';
import { commandNames, type ParsedInput, type PushMessage } from '../shared/contract';
import { createClient, dispatch, type Client, type Handlers } from '../shared/dispatch';
import { HookscopeError, toErrorBody } from '../shared/errors';
import {
  LOCAL_WORKSPACE_ID,
  workspaceCommandNames,
  type Workspace,
  type WorkspaceState,
} from '../shared/workspaces-contract';
import { RemoteEngine, type RemoteConnection, type RemoteEngineOptions } from './remote-engine';

/** What the IPC layer and the push relay use of an engine (local or remote). */
export interface EngineLike {
  handlers: Handlers;
  subscribe(listener: (push: PushMessage) => void): () => void;
}

/** A remote engine as the workspaces use it (tests may pass their own). */
export interface RemoteLike extends EngineLike {
  readonly connection: RemoteConnection;
  onConnection(listener: (s: RemoteConnection) => void): () => void;
  start(): void;
  stop(): void;
}

/** A saved server; its token is in the SecretStore (OS keychain), never in this file. */
interface SavedServer {
  id: string;
  name: string;
  url: string;
  ca?: string;
}

interface SavedFile {
  version: 1;
  active: string;
  servers: SavedServer[];
}

export interface WorkspacesOptions {
  /** The folder of `workspaces.json` (the token store keeps its own file there too). */
  dir: string;
  /** Where tokens are kept: Electron safeStorage in the app (`createSecretStore`). */
  tokens: SecretStore;
  /** The embedded engine: the "Local" workspace, always there. */
  local: EngineLike;
  /** Makes the engine of a saved server (default: a RemoteEngine). */
  connect?: (o: RemoteEngineOptions) => RemoteLike;
  /** How long the check before adding or switching may take. */
  checkTimeoutMs?: number;
}

const FILE = 'workspaces.json';

function readSaved(file: string): SavedFile {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedFile>;
    const servers = Array.isArray(raw.servers)
      ? raw.servers.filter(
          (s): s is SavedServer =>
            typeof s?.id === 'string' && typeof s.name === 'string' && typeof s.url === 'string',
        )
      : [];
    return {
      version: 1,
      active: typeof raw.active === 'string' ? raw.active : LOCAL_WORKSPACE_ID,
      servers,
    };
  } catch {
    return { version: 1, active: LOCAL_WORKSPACE_ID, servers: [] };
  }
}

/** The window's title for a workspace: which log it shows. */
export function windowTitle(w: Pick<Workspace, 'name' | 'url' | 'kind'>): string {
  if (w.kind === 'local') return 'Hookscope — Local';
  let host = w.url ?? '';
  try {
    host = new URL(host).host;
  } catch {
    // keep it as saved
  }
  return `Hookscope — ${w.name} (${host})`;
}

/** Checks a PEM CA certificate; the message says what is expected. */
function checkCa(ca: string): void {
  try {
    new X509Certificate(ca);
  } catch {
    throw new HookscopeError(
      'bad_input',
      'CA certificate: a PEM certificate file (it starts with -----BEGIN CERTIFICATE-----)',
      [{ path: ['ca'], message: 'a PEM certificate file' }],
    );
  }
}

/**
 * The desktop app's workspaces: "Local" (the embedded engine) and saved Hookscope servers.
 * `active` is the one engine the IPC handlers and the push relay see: its `handlers` call the
 * active workspace's engine (the shell's own commands, `listWorkspaces` … `switchWorkspace`,
 * are answered here whichever is active) and `subscribe` hears only the active one's pushes,
 * plus `workspace.changed` when the list, the active one or its connection changes. A switch
 * checks the server answers first (`getStatus`); on failure nothing changes and the error says
 * why. Switching away stops the old server's stream; the local engine keeps running.
 */
export class Workspaces {
  readonly active: EngineLike;
  private readonly file: string;
  private saved: SavedFile;
  private current: { id: string; engine: EngineLike; remote: RemoteLike | null };
  private readonly listeners = new Set<(push: PushMessage) => void>();
  private unsubscribeCurrent: () => void = () => undefined;
  private readonly changeListeners = new Set<(s: WorkspaceState) => void>();

  constructor(private readonly opts: WorkspacesOptions) {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    this.file = join(opts.dir, FILE);
    this.saved = readSaved(this.file);
    this.current = { id: LOCAL_WORKSPACE_ID, engine: opts.local, remote: null };
    this.follow(opts.local);
    const shell: Record<string, (input: never) => Promise<WorkspaceState>> = {
      listWorkspaces: async () => this.state(),
      addWorkspace: (input: ParsedInput<'addWorkspace'>) => this.add(input),
      removeWorkspace: (input: ParsedInput<'removeWorkspace'>) => this.remove(input.id),
      switchWorkspace: (input: ParsedInput<'switchWorkspace'>) => this.switchTo(input.id),
    };
    const own = new Set<string>(workspaceCommandNames);
    const handlers = Object.fromEntries(
      commandNames.map((name) => [
        name,
        own.has(name)
          ? shell[name]
          : (input: unknown) =>
              (this.current.engine.handlers[name] as (i: unknown) => unknown)(input),
      ]),
    ) as unknown as Handlers;
    this.active = {
      handlers,
      subscribe: (listener) => {
        this.listeners.add(listener);
        return () => void this.listeners.delete(listener);
      },
    };
  }

  /** The workspaces, the active one and its connection. */
  state(): WorkspaceState {
    const local: Workspace = {
      id: LOCAL_WORKSPACE_ID,
      name: 'Local',
      kind: 'local',
      url: null,
      hasCa: false,
    };
    const servers = this.saved.servers.map((s): Workspace => ({
      id: s.id,
      name: s.name,
      kind: 'server',
      url: s.url,
      hasCa: !!s.ca,
    }));
    const conn = this.current.remote?.connection;
    return {
      workspaces: [local, ...servers],
      activeId: this.current.id,
      connection: conn?.connection ?? 'local',
      ...(conn?.detail ? { detail: conn.detail } : {}),
    };
  }

  /** The active workspace (for the window title). */
  activeWorkspace(): Workspace {
    const s = this.state();
    return s.workspaces.find((w) => w.id === s.activeId)!;
  }

  /** Called with the new state after every change (the window title follows it). */
  onChange(listener: (s: WorkspaceState) => void): () => void {
    this.changeListeners.add(listener);
    return () => void this.changeListeners.delete(listener);
  }

  /** Opens the workspace used last; if its server cannot be reached, Local, saying why. */
  async restore(): Promise<WorkspaceState> {
    const id = this.saved.active;
    if (id === LOCAL_WORKSPACE_ID || !this.saved.servers.some((s) => s.id === id)) {
      return this.state();
    }
    try {
      return await this.switchTo(id);
    } catch (err) {
      console.warn(`hookscope: stayed on Local: ${toErrorBody(err).message}`);
      return this.state();
    }
  }

  /** Saves a server after checking that it answers with this token; does not switch to it. */
  async add(input: {
    name: string;
    url: string;
    token: string;
    ca?: string;
  }): Promise<WorkspaceState> {
    if (input.ca !== undefined && input.ca.trim() === '') delete input.ca;
    if (input.ca !== undefined) checkCa(input.ca);
    const url = input.url.replace(/\/+$/, '');
    await this.check(
      { url, token: input.token, ...(input.ca ? { ca: input.ca } : {}) },
      input.name,
    );
    const server: SavedServer = {
      id: randomUUID(),
      name: input.name,
      url,
      ...(input.ca ? { ca: input.ca } : {}),
    };
    this.opts.tokens.set(server.id, [input.token]);
    this.save({ ...this.saved, servers: [...this.saved.servers, server] });
    return this.changed();
  }

  /** Forgets a server and its token; when it is the active one, Local is shown first. */
  async remove(id: string): Promise<WorkspaceState> {
    if (id === LOCAL_WORKSPACE_ID) {
      throw new HookscopeError('bad_input', 'Local is the app’s own log: it cannot be removed.');
    }
    if (!this.saved.servers.some((s) => s.id === id)) {
      throw new HookscopeError('not_found', 'No such server in the workspaces.');
    }
    if (this.current.id === id) this.use(LOCAL_WORKSPACE_ID, this.opts.local, null);
    this.save({ ...this.saved, servers: this.saved.servers.filter((s) => s.id !== id) });
    this.opts.tokens.delete(id);
    return this.changed();
  }

  /** Makes `id` the active workspace; a server is checked first and nothing changes if it fails. */
  async switchTo(id: string): Promise<WorkspaceState> {
    if (id === this.current.id) return this.state();
    if (id === LOCAL_WORKSPACE_ID) {
      this.use(id, this.opts.local, null);
      return this.changed();
    }
    const server = this.saved.servers.find((s) => s.id === id);
    if (!server) throw new HookscopeError('not_found', 'No such server in the workspaces.');
    const token = this.opts.tokens.get(id)[0];
    if (!token) {
      throw new HookscopeError(
        'unauthorized',
        `The token of "${server.name}" cannot be read (the OS keychain changed?): remove the server and add it again.`,
      );
    }
    const remote = await this.check(
      { url: server.url, token, ...(server.ca ? { ca: server.ca } : {}) },
      server.name,
      true,
    );
    this.use(id, remote!, remote);
    return this.changed();
  }

  /** Stops the active server's stream (the app is quitting). */
  close(): void {
    this.current.remote?.stop();
    this.unsubscribeCurrent();
  }

  /** Asks the server for its status; keeps the engine when `keep`, else stops it. */
  private async check(
    o: RemoteEngineOptions,
    name: string,
    keep = false,
  ): Promise<RemoteLike | null> {
    const remote = (this.opts.connect ?? ((x) => new RemoteEngine(x)))(o);
    try {
      await withTimeout(
        (remote.handlers.getStatus as (i: unknown) => Promise<unknown>)({}),
        this.opts.checkTimeoutMs ?? 15_000,
        `Cannot reach the Hookscope server at ${o.url} (no answer in time).`,
      );
    } catch (err) {
      remote.stop();
      const e = toErrorBody(err);
      throw new HookscopeError(e.code, `Could not open "${name}": ${e.message}`);
    }
    if (keep) return remote;
    remote.stop();
    return null;
  }

  private use(id: string, engine: EngineLike, remote: RemoteLike | null): void {
    const old = this.current.remote;
    this.unsubscribeCurrent();
    old?.stop();
    this.current = { id, engine, remote };
    this.follow(engine);
    if (remote) {
      const off = remote.onConnection(() => {
        if (this.current.remote === remote) this.changed();
      });
      const unsub = this.unsubscribeCurrent;
      this.unsubscribeCurrent = () => {
        off();
        unsub();
      };
      remote.start();
    }
    this.save({ ...this.saved, active: id });
  }

  private follow(engine: EngineLike): void {
    this.unsubscribeCurrent = engine.subscribe((push) => {
      if (push.name === 'workspace.changed') return;
      for (const l of [...this.listeners]) l(push);
    });
  }

  private changed(): WorkspaceState {
    const s = this.state();
    const push = { name: 'workspace.changed', payload: s } as PushMessage;
    for (const l of [...this.listeners]) l(push);
    for (const l of [...this.changeListeners]) l(s);
    return s;
  }

  private save(next: SavedFile): void {
    writePrivateFile(this.file, JSON.stringify(next));
    this.saved = next;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new HookscopeError('internal', message)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

/** A typed client over an engine (the menu acts on the active workspace through it). */
export function activeClient(engine: EngineLike): Client {
  return createClient({
    invoke: (name, input) => dispatch(engine.handlers, name, input),
    on: (event, listener) =>
      engine.subscribe((push) => {
        if (push.name === event) listener(push.payload);
      }),
  });
}
