import { z } from 'zod';

/**
 * The desktop shell's part of the contract: which engine the window shows, "Local" (the
 * embedded engine) or a saved Hookscope server. These commands are answered by the Electron
 * main process whichever workspace is active (src/main/workspaces.ts); an engine answers them
 * `not_implemented` (so `hookscope serve` says "only in the desktop app"). They live in the
 * contract so the preload stays `{ invoke, on }` over the contract's names, with no channel of
 * its own (docs/ARCHITECTURE.md §2).
 */

/** The id of the always-present workspace: the app's own engine. */
export const LOCAL_WORKSPACE_ID = 'local';

export const Workspace = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['local', 'server']),
  /** The server's address (`https://hooks.example.com`); null for Local. */
  url: z.string().nullable(),
  /** A CA certificate of its own is trusted for this server (besides the system's). */
  hasCa: z.boolean(),
});
export type Workspace = z.infer<typeof Workspace>;

/**
 * Where the active workspace's live stream stands: `local` (no network), `connecting`,
 * `online`, or `lost` (retrying; `detail` says why in words). Commands may still work while
 * `lost`; what arrives meanwhile is sent once the stream is back.
 */
export const WorkspaceConnection = z.enum(['local', 'connecting', 'online', 'lost']);
export type WorkspaceConnection = z.infer<typeof WorkspaceConnection>;

export const WorkspaceState = z.object({
  workspaces: z.array(Workspace),
  activeId: z.string(),
  connection: WorkspaceConnection,
  detail: z.string().optional(),
});
export type WorkspaceState = z.infer<typeof WorkspaceState>;

const httpUrl = z
  .string()
  .trim()
  .min(1, 'the server address, e.g. https://hooks.example.com')
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'an http:// or https:// address without a user or password, e.g. https://hooks.example.com');

export const workspacesCommands = {
  listWorkspaces: {
    access: 'read',
    input: z.object({}).strict(),
    output: WorkspaceState,
  },
  /** Saves a server (the token goes to the OS keychain) after checking it answers. */
  addWorkspace: {
    access: 'write',
    input: z
      .object({
        name: z.string().trim().min(1, 'a name for this server').max(80, 'at most 80 characters'),
        url: httpUrl,
        token: z.string().trim().min(1, 'the access token the server gave you'),
        /** A PEM CA certificate to trust for this server (a self-signed team server). */
        ca: z.string().max(1_000_000, 'a PEM certificate file (at most 1 MB)').optional(),
      })
      .strict(),
    output: WorkspaceState,
  },
  removeWorkspace: {
    access: 'write',
    input: z.object({ id: z.string().min(1, 'a workspace') }).strict(),
    output: WorkspaceState,
  },
  /** Makes `id` the one the window shows; its pushes replace the old one's. */
  switchWorkspace: {
    access: 'write',
    input: z.object({ id: z.string().min(1, 'a workspace') }).strict(),
    output: WorkspaceState,
  },
} as const;

/** Names of the shell's commands (answered by the desktop app, not by an engine). */
export const workspaceCommandNames = Object.keys(
  workspacesCommands,
) as (keyof typeof workspacesCommands)[];
