import type { DeadLetter, EventSummary, ForwardAttempt } from '../../shared/model';
import { bodyText } from '../store/event-rows';
import type { AttemptRecord, ForwardJob } from '../store/forward-store';
import type { QueueOutcome } from './forwarder';

/**
 * An attempt as the contract carries it. `maskUrl` takes the endpoints' secrets out of the
 * URL it went to (a token the sender put in the query is passed on as sent, and shown as
 * `[secret]`): `EventStore.maskUrl`.
 */
export function toWireAttempt(
  a: AttemptRecord,
  maskUrl: (url: string) => string,
  /** Where its job stands now (pushes of live and redrive attempts). */
  queue?: QueueOutcome,
): ForwardAttempt {
  const text = bodyText(a.responseBody);
  return {
    ...(queue
      ? {
          queue: {
            maxAttempts: queue.maxAttempts,
            ...(queue.next
              ? { next: { attempt: queue.next.attempt, at: new Date(queue.next.at).toISOString() } }
              : {}),
            deadLettered: queue.deadLettered,
          },
        }
      : {}),
    id: a.id,
    eventId: a.eventId,
    kind: a.kind,
    ...(a.by ? { by: a.by } : {}),
    targetUrl: maskUrl(a.targetUrl),
    status: a.status,
    // A refusal quotes the received path, which may hold a secret.
    error: a.error === null ? null : maskUrl(a.error),
    durationMs: a.durationMs,
    at: new Date(a.at).toISOString(),
    attempt: a.attempt,
    response:
      // A listener reports what its app answered, not the answer itself.
      a.status === null || a.kind === 'listener'
        ? null
        : {
            headers: a.responseHeaders,
            base64: a.responseBody.toString('base64'),
            ...(text !== undefined ? { text } : {}),
            truncated: a.responseTruncated,
          },
  };
}

/** A dead job with its event's summary (null when the event is gone). */
export function toDeadLetter(
  j: ForwardJob,
  event: EventSummary | undefined,
  maskUrl: (url: string) => string,
): DeadLetter {
  return {
    id: j.id,
    eventId: j.eventId,
    targetUrl: maskUrl(j.targetUrl),
    attempts: j.attempts,
    lastStatus: j.lastStatus,
    lastError: j.lastError === null ? null : maskUrl(j.lastError),
    updatedAt: new Date(j.updatedAt).toISOString(),
    event: event ?? null,
  };
}
