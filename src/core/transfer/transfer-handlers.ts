import type { Settings } from '../../shared/model';
import { importRetention } from '../store/maintenance';
import type { Clock } from '../types';
import type { FeatureHandlers } from '../../shared/dispatch';
import type { transferCommands } from '../../shared/transfer-contract';
import { HookscopeError } from '../../shared/errors';
import type { EventLog } from '../store/ports';
import type { ImportedDelivery } from './formats';
import { exportParts, readImport } from './formats';

/**
 * The most body bytes one `exportEvents` answer may hold. The answer is one string (and, over
 * HTTP, one JSON document holding it), about 2.4 times the bodies (base64 plus text); 30
 * bodies of 20 MB failed with "Invalid string length" after taking ~3 GB.
 */
export const MAX_EXPORT_BODY_BYTES = 32 * 1024 * 1024;
/**
 * The most text one answer may hold, checked as it is built: headers, escaped text (a NUL is
 * six characters in JSON) and the base64 copy of each body can make it several times the
 * bodies' size.
 */
export const MAX_EXPORT_CHARS = 100 * 1024 * 1024;

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
const WHAT_TO_DO =
  'export fewer events (ids or limit), or stream any size to a file with `hookscope events export --out FILE`';

/** Export to and import from HAR 1.2 and NDJSON. */
export function createTransferHandlers(deps: {
  events: EventLog;
  /** Stores the items (importDeliveries); answers how many, and how many it left out. */
  store: (items: ImportedDelivery[]) => Promise<{ imported: number; skipped: number }>;
  /** The retention settings now (the answer says what retention will do to the imports). */
  retention: () => Settings['retention'];
  clock: Clock;
}): FeatureHandlers<typeof transferCommands> {
  return {
    exportEvents: async ({ format, ids, limit }) => {
      const summaries = ids
        ? await Promise.all(
            ids.map(async (id) => {
              const s = await deps.events.summary(id);
              if (!s) throw new HookscopeError('not_found', `no event "${id}"`);
              return s;
            }),
          )
        : (await deps.events.list({ limit: limit ?? 1000 })).items.reverse();
      // Weighed before anything is built: the summaries carry the body sizes.
      const bodies = summaries.reduce((sum, s) => sum + s.size, 0);
      if (bodies > MAX_EXPORT_BODY_BYTES) {
        throw new HookscopeError(
          'bad_input',
          `the export would hold ${mb(bodies)} of bodies (${summaries.length} events), more than the ${mb(MAX_EXPORT_BODY_BYTES)} one answer can carry: ${WHAT_TO_DO}`,
        );
      }
      const p = exportParts[format];
      const pieces = [p.head];
      let chars = p.head.length;
      for (const [i, s] of summaries.entries()) {
        const e = await deps.events.get(s.id);
        if (!e) throw new HookscopeError('not_found', `no event "${s.id}"`);
        const piece = p.item(e, i);
        chars += piece.length;
        if (chars > MAX_EXPORT_CHARS) {
          throw new HookscopeError(
            'bad_input',
            `the export would be more than ${mb(MAX_EXPORT_CHARS)} of text (${summaries.length} events; headers, escaped text and base64 copies of the bodies count), more than one answer can carry: ${WHAT_TO_DO}`,
          );
        }
        pieces.push(piece);
      }
      pieces.push(p.tail);
      return { content: pieces.join(''), count: summaries.length };
    },
    importEvents: async ({ format, content }) => {
      let items: ImportedDelivery[];
      try {
        items = await readImport(format, content);
      } catch (err) {
        throw new HookscopeError('bad_input', `cannot import ${format}: ${(err as Error).message}`);
      }
      const { imported, skipped } = await deps.store(items);
      const received = items.map((i) => i.delivery.receivedAt);
      return {
        imported,
        ...(skipped > 0 ? { skipped } : {}),
        ...importRetention(received, deps.clock(), deps.retention()),
      };
    },
  };
}
