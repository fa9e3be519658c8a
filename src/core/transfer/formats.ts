import type { EventDetail } from '../../shared/model';
import type { ExportedVerdicts } from './verdicts';
import type { StoredResponse } from '../store/response-store';
import type { IncomingDelivery } from '../types';
import { HAR_HEAD, HAR_TAIL, harEntry, readHar } from './har';
import { ndjsonLine, readNdjson } from './ndjson';

export type TransferFormat = 'har' | 'ndjson';

/** A delivery read back from a file, with what it was answered with. */
export interface ImportedDelivery {
  delivery: IncomingDelivery;
  responseStatus: number;
  /** The answer's headers and body, when the file has them. */
  response?: StoredResponse;
  /**
   * Exported by Hookscope: the event's id and the verdicts it was exported with (kept, not
   * checked again: a signature checked now would be stale).
   */
  origin?: { id: string | null; verdicts: ExportedVerdicts | null };
}

/**
 * An export as pieces: the head, one piece per event, the tail. Written one after the other
 * they make the file, so an export can be streamed event by event.
 */
export const exportParts: Record<
  TransferFormat,
  { head: string; item: (e: EventDetail, index: number) => string; tail: string }
> = {
  har: {
    head: HAR_HEAD,
    item: (e, i) => `${i > 0 ? ',\n' : ''}      ${JSON.stringify(harEntry(e))}`,
    tail: HAR_TAIL,
  },
  ndjson: { head: '', item: ndjsonLine, tail: '' },
};

function whole(format: TransferFormat, events: EventDetail[]): string {
  const p = exportParts[format];
  return p.head + events.map(p.item).join('') + p.tail;
}

/** Events as a HAR 1.2 log. */
export const toHar = (events: EventDetail[]): string => whole('har', events);

/** Events as NDJSON: one EventDetail per line. */
export const toNdjson = (events: EventDetail[]): string => whole('ndjson', events);

/** Reads a HAR log (see readHar); throws an ImportError naming the entry and field. */
export const fromHar = (content: string): ImportedDelivery[] => [...readHar(content)];

/** Reads NDJSON (see readNdjson); throws an ImportError naming the line and field. */
export const fromNdjson = (content: string): ImportedDelivery[] => [...readNdjson(content)];

/** Entries read before the import lets the event loop run (live deliveries) again. */
const READ_CHUNK = 500;

/**
 * Reads a whole file, yielding to the event loop every READ_CHUNK entries so that a 20,000-
 * event import does not hold up live deliveries while it is read and checked. Nothing is
 * stored here: a bad entry anywhere refuses the whole file.
 */
export async function readImport(
  format: TransferFormat,
  content: string,
): Promise<ImportedDelivery[]> {
  const out: ImportedDelivery[] = [];
  for (const item of format === 'har' ? readHar(content) : readNdjson(content)) {
    out.push(item);
    if (out.length % READ_CHUNK === 0) await new Promise((r) => setImmediate(r));
  }
  return out;
}
