import { z } from 'zod';

/** People and their roles (issue 18). Part of the one contract (contract.ts). */

export const roles = ['admin', 'member', 'viewer'] as const;
export const Role = z.enum(roles, {
  error: 'must be admin, member or viewer',
});
export type Role = z.infer<typeof Role>;

/** A person's name: how they are named in `hookscope users` and in "who did what". */
export const UserName = z
  .string()
  .min(1, { error: 'give a name', abort: true })
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/,
    'up to 64 letters, digits and . _ @ - only, starting with a letter or digit',
  );

/** A person as answers show them (never their token or its hash). */
export const User = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  /** ms since the epoch */
  createdAt: z.number(),
  /** When their token was revoked (ms), or null while it works. */
  revokedAt: z.number().nullable(),
});
export type User = z.infer<typeof User>;

export const usersCommands = {
  /** Everyone who has or had a token, oldest first. */
  listUsers: {
    access: 'admin',
    input: z.object({}).strict(),
    output: z.object({ items: z.array(User) }),
  },
  /** Adds a person; the answer holds their token, the only time it is ever shown. */
  addUser: {
    access: 'admin',
    input: z.object({ name: UserName, role: Role.default('member') }).strict(),
    output: z.object({ user: User, token: z.string() }),
  },
  /** Revokes the token of the person named (their open streams close, their next call is 401). */
  revokeUser: {
    access: 'admin',
    input: z.object({ name: z.string().min(1, 'give a name') }).strict(),
    output: z.object({ user: User }),
  },
} as const;
