import { wholeDetail } from '../../shared/event-body';
import type { Client } from '../../shared/dispatch';
import { exportParts, type TransferFormat } from './formats';

/** The ids of the newest `limit` events, oldest first, read a page at a time. */
async function newestIds(client: Pick<Client, 'listEvents'>, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let beforeSeq: number | undefined;
  while (ids.length < limit) {
    const page = await client.listEvents({
      limit: Math.min(500, limit - ids.length),
      ...(beforeSeq !== undefined ? { beforeSeq } : {}),
    });
    ids.push(...page.items.map((e) => e.id));
    const last = page.items.at(-1);
    if (!page.hasMore || !last) break;
    beforeSeq = last.seq;
  }
  return ids.reverse();
}

/**
 * Writes the newest `limit` events as HAR or NDJSON, fetching and writing one event at a
 * time (`write` resolves once its piece is handed on; false stops the export: the reader went
 * away), so memory holds one event whatever the export's size. Events deleted meanwhile are
 * left out. Returns how many were written.
 */
export async function streamExport(
  client: Pick<Client, 'listEvents' | 'getEvent' | 'getEventBody'>,
  opts: { format: TransferFormat; limit: number },
  write: (piece: string) => Promise<boolean>,
): Promise<number> {
  const ids = await newestIds(client, opts.limit);
  const p = exportParts[opts.format];
  if (!(await write(p.head))) return 0;
  let count = 0;
  for (const id of ids) {
    const e = await client
      .getEvent({ id })
      .then((v) => wholeDetail(client, v))
      .catch((err: unknown) => {
        if ((err as { code?: string }).code === 'not_found') return null;
        throw err;
      });
    if (e && !(await write(p.item(e, count++)))) return count;
  }
  await write(p.tail);
  return count;
}
