import { z } from 'zod';
import {
  Endpoint,
  EventSummary,
  ForwardAttempt,
  ReceiverHealth,
  SettingsView,
  TunnelSettings,
  TunnelState,
} from './model';
import { CheckupSummary, checkupCommands } from './checkup';
import { statusCommands } from './status-contract';
import { endpointsCommands } from './endpoints-contract';
import { eventsCommands } from './events-contract';
import { forwardingCommands } from './forwarding-contract';
import { transferCommands } from './transfer-contract';
import { samplesCommands } from './samples-contract';
import { settingsCommands } from './settings-contract';
import { tunnelCommands } from './tunnel-contract';
import { usersCommands } from './users-contract';
import type { Access } from './contract-parts';
import { ListenerInfo, listenersCommands } from './listeners-contract';
import { WorkspaceState, workspacesCommands } from './workspaces-contract';

/**
 * The one command contract (docs/ARCHITECTURE.md §2). Every transport (IPC, HTTP) derives its channel
 * names from these keys and parses inputs with these schemas through `dispatch`.
 */
export const commands = {
  ...statusCommands,
  ...endpointsCommands,
  ...eventsCommands,
  ...forwardingCommands,
  ...transferCommands,
  ...samplesCommands,
  ...settingsCommands,
  ...tunnelCommands,
  ...checkupCommands,
  ...listenersCommands,
  ...usersCommands,
  ...workspacesCommands,
} as const satisfies Record<string, CommandSpec>;

/**
 * What every command declares: its input and output schemas and who may run it (a command
 * without `access` does not compile).
 */
export interface CommandSpec {
  input: z.ZodType;
  output: z.ZodType;
  access: Access;
}

/** Who may run `name`. */
export function accessOf(name: CommandName): Access {
  return commands[name].access;
}

/** Live pushes from the engine to every UI. */
export const pushes = {
  /** New or changed event summaries, batched (~50 ms); `rev` is the highest rev in the batch. */
  'events.batch': z.object({ rev: z.number().int(), items: z.array(EventSummary) }),
  /** Events removed (by the user or by retention); `all` when the log was cleared. */
  'events.deleted': z.object({ ids: z.array(z.string()), all: z.boolean() }),
  /** The client missed too much to be sent it: reload the list, then go on from `rev`. */
  'events.reset': z.object({ rev: z.number().int() }),
  'tunnel.state': TunnelState,
  /** The receiver started or stopped refusing deliveries (disk guard). */
  'receiver.health': ReceiverHealth,
  /** A forward or replay attempt was recorded. */
  'forward.attempt': ForwardAttempt,
  /**
   * An endpoint was created or changed (`endpoint`, as listEndpoints shows it: never a secret)
   * or deleted (`endpoint: null`); sent after the change is committed.
   */
  'endpoints.changed': z.object({ id: z.string(), endpoint: Endpoint.nullable() }),
  /** The settings were saved (from anywhere); after the write committed. */
  'settings.changed': SettingsView,
  /** The tunnel settings were saved; never a secret, only whether one is set. */
  'tunnelSettings.changed': TunnelSettings,
  /** The dead-letter list changed size (a forward gave up, a redrive, a purge). */
  'deadLetters.changed': z.object({ count: z.number().int() }),
  /** A check-up run was stored (`run`: its summary) or deleted (`run: null`). */
  'checkups.changed': z.object({
    id: z.string(),
    endpointId: z.string().nullable(),
    run: CheckupSummary.nullable(),
  }),
  /** The listeners (`hookscope listen --server`) connected to this instance changed. */
  'listeners.changed': z.object({ items: z.array(ListenerInfo) }),
  /**
   * Desktop app only: the workspaces, the active one or its connection changed. After a switch
   * the page reloads its state: everything it shows came from the other engine.
   */
  'workspace.changed': WorkspaceState,
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type PushName = keyof typeof pushes;
export type Input<N extends CommandName> = z.input<Commands[N]['input']>;
export type ParsedInput<N extends CommandName> = z.output<Commands[N]['input']>;
export type Output<N extends CommandName> = z.infer<Commands[N]['output']>;
export type Push<P extends PushName> = z.infer<(typeof pushes)[P]>;

/** One push as a listener receives it: its name and its payload, narrowed together. */
export type PushMessage = { [P in PushName]: { name: P; payload: Push<P> } }[PushName];

export const commandNames = Object.keys(commands) as CommandName[];
export const pushNames = Object.keys(pushes) as PushName[];

/** True when `name` is one of the contract's commands (guards untrusted channel names). */
export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(commands, name);
}

/** True when `name` is one of the contract's pushes. */
export function isPushName(name: string): name is PushName {
  return Object.prototype.hasOwnProperty.call(pushes, name);
}
