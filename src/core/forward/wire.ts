import type { DeadLetter, EventSummary, ForwardAttempt } from '../../shared/model';
import { bodyText } from '../store/event-rows';
import type { AttemptRecord, ForwardJob } from '../store/forward-store';
import type { QueueOutcome } from './forwarder';

/** An attempt as the contract carries it; with `queue`, where its job stands (pushes). */
export function toWireAttempt(a: AttemptRecord, queue?: QueueOutcome): ForwardAttempt {
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
    targetUrl: a.targetUrl,
    status: a.status,
    error: a.error,
    durationMs: a.durationMs,
    at: new Date(a.at).toISOString(),
    attempt: a.attempt,
    response:
      a.status === null
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
export function toDeadLetter(j: ForwardJob, event: EventSummary | undefined): DeadLetter {
  return {
    id: j.id,
    eventId: j.eventId,
    targetUrl: j.targetUrl,
    attempts: j.attempts,
    lastStatus: j.lastStatus,
    lastError: j.lastError,
    updatedAt: new Date(j.updatedAt).toISOString(),
    event: event ?? null,
  };
}
