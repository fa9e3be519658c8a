import { z } from 'zod';

/** A `hookscope listen --server` the server knows of (this instance: kept in memory). */
export const ListenerInfo = z.object({
  /** The listener's own id (one per listener file: the same across its restarts). */
  id: z.string(),
  /** Who runs it: its --name (default user@host). */
  name: z.string(),
  /** The endpoint path it takes deliveries from (`/`: all). */
  path: z.string(),
  /** Where it forwards on its machine. */
  forwardTo: z.string(),
  /** When it connected (this time). */
  since: z.string(),
  /** Its last heartbeat. */
  lastSeen: z.string(),
});
export type ListenerInfo = z.infer<typeof ListenerInfo>;

/** Listeners (`hookscope listen --server`) connected to this server. Part of the one contract. */
export const listenersCommands = {
  /**
   * A listener says it is there (at connect, then every 15 s); with `leaving`, that it stops.
   * One not heard of for 45 s is dropped from the list.
   */
  listenerHeartbeat: {
    access: 'write',
    input: z
      .object({
        id: z.string().min(1).max(100),
        name: z.string().trim().min(1).max(200),
        path: z.string().min(1).max(2000),
        forwardTo: z.string().max(4000),
        leaving: z.boolean().optional(),
      })
      .strict(),
    output: z.object({ ok: z.literal(true) }),
  },
  /** The listeners connected now, longest connected first. */
  listListeners: {
    access: 'read',
    input: z.object({}).strict(),
    output: z.object({ items: z.array(ListenerInfo) }),
  },
} as const;
