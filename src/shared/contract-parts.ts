import { z } from 'zod';

/** Schema pieces several features' commands share. */

export const Id = z.string().min(1).max(200);

/** What Node's HTTP client sends as a header value: tabs and printable Latin-1. */
export const SendableHeaderValue = z
  .string()
  .regex(
    /^[\t\x20-\x7e\x80-\xff]*$/,
    'header values may hold tabs and printable characters only (no line breaks, NUL, other control characters or characters beyond Latin-1)',
  );

/** Some items by id (up to 10,000), or `all: true`. */
export function selection<T extends z.ZodType>(id: T) {
  return z
    .object({ ids: z.array(id).max(10_000).optional(), all: z.boolean().optional() })
    .strict()
    .refine((v) => v.all === true || (v.ids !== undefined && v.ids.length > 0), {
      message: 'give ids or all: true',
    });
}

/**
 * Who may run a command, declared next to its schemas (docs/ARCHITECTURE.md §2): `read` any
 * person (viewers too), `write` members and admins (it changes something or sends a request),
 * `admin` admins only (managing people). The local token is an admin.
 */
export type Access = 'read' | 'write' | 'admin';
