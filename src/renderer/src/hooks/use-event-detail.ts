import { useCallback, useEffect, useRef, useState } from 'react';
import type { Client } from '../../../shared/dispatch';
import { partBytes, toBase64, wholeBody } from '../../../shared/event-body';
import type { EventDetail, EventView } from '../../../shared/model';

/**
 * The open event. Its body is base64 (and text when UTF-8) as far as it has arrived:
 * `complete` once it is all here, `length` bytes until then.
 */
export type OpenEvent = EventDetail & {
  body: EventDetail['body'] & { length: number; complete: boolean };
};

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
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<{ detail: OpenEvent | null; error: string | null }>({
    detail: null,
    error: null,
  });
  // The last whole body: a refetch of the same event (a new forward attempt) keeps it.
  const kept = useRef<OpenEvent['body'] & { id: string }>(null);
  useEffect(() => {
    if (!id) return;
    let alive = true;
    client.getEvent({ id }).then(
      (v) => {
        if (!alive) return;
        const prev = kept.current;
        if (prev && prev.id === v.id && prev.size === v.body.size) {
          const { id: _id, ...body } = prev;
          setState({ detail: { ...v, body }, error: null });
          return;
        }
        const first = toOpen(v);
        if (first.body.complete) kept.current = { ...first.body, id: v.id };
        setState({ detail: first, error: null });
        if (v.body.complete) return;
        wholeBody(client, v).then(
          (whole) => {
            const open = toOpen(v, whole);
            kept.current = { ...open.body, id: v.id };
            if (alive) setState({ detail: open, error: null });
          },
          (err: Error) => alive && setState({ detail: null, error: err.message }),
        );
      },
      (err: Error) => alive && setState({ detail: null, error: err.message }),
    );
    return () => {
      alive = false;
    };
  }, [client, id, rev, tick]);
  const current = state.detail?.id === id ? state.detail : null;
  const refresh = useCallback(() => setTick((t) => t + 1), []);
  return { detail: current, error: current ? null : state.error, refresh };
}
