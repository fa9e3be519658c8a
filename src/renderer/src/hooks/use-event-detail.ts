import { useRef } from 'react';
import type { Client } from '../../../shared/dispatch';
import { partBytes, toBase64, wholeBody } from '../../../shared/event-body';
import type { EventDetail, EventView } from '../../../shared/model';
import { useLoad } from './use-load';

/**
 * The open event. Its body is base64 (and text when UTF-8) as far as it has arrived:
 * `complete` once it is all here, `length` bytes until then; `loaded`: the bytes fetched so
 * far while the rest comes (shown once it is all here).
 */
export type OpenEvent = EventDetail & {
  body: EventDetail['body'] & { length: number; complete: boolean; loaded?: number };
};

/** Resolves once the page has painted (a frame, then a task after it). */
function painted(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/** A getEvent answer in the shape the views read (base64 always there). */
function toOpen(v: EventView, whole?: { bytes: Uint8Array; text?: string }): OpenEvent {
  const bytes = whole?.bytes ?? partBytes(v.body);
  const text = whole ? whole.text : v.body.text;
  return {
    ...v,
    body: {
      size: v.body.size,
      base64: toBase64(bytes),
      ...(text !== undefined ? { text } : {}),
      length: bytes.length,
      complete: whole !== undefined || v.body.complete,
    },
  };
}

/**
 * The event (headers, body) for `id`, fetched when it is opened and again when its summary
 * changes (`rev`), e.g. a new forward attempt. getEvent sends the first 256 KB of the body,
 * so the event shows at once; the rest follows with getEventBody.
 */
export function useEventDetail(
  client: Client,
  id: string | null,
  rev: number | undefined,
): { detail: OpenEvent | null; error: string | null; refresh: () => void } {
  // The last whole body: a refetch of the same event (a new forward attempt) keeps it.
  const kept = useRef<OpenEvent['body'] & { id: string }>(null);
  const { data, error, reload } = useLoad<OpenEvent>(
    async (progress) => {
      const v = await client.getEvent({ id: id ?? '' });
      const prev = kept.current;
      if (prev && prev.id === v.id && prev.size === v.body.size) {
        const { id: _id, ...body } = prev;
        return { ...v, body };
      }
      const first = toOpen(v);
      if (first.body.complete) {
        kept.current = { ...first.body, id: v.id };
        return first;
      }
      progress(first);
      // The first part on screen before the rest is fetched: the parts come fast on loopback,
      // and decoding them kept React from painting the first screen until all had arrived.
      await painted();
      // The loading line follows the parts as they come (what is shown stays the first part).
      const whole = await wholeBody(client, v, (loaded) =>
        progress({ ...first, body: { ...first.body, loaded } }),
      );
      const open = toOpen(v, whole);
      kept.current = { ...open.body, id: v.id };
      return open;
    },
    // `rev` is not read: a new one (the summary changed) asks for the event again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [client, id, rev],
    // The event shown stays while it is fetched again (a new forward attempt).
    { enabled: id !== null, keep: true },
  );
  // A failure (the event was deleted) shows instead of the event.
  const current = !error && data?.id === id ? data : null;
  return { detail: current, error: current ? null : error, refresh: reload };
}
