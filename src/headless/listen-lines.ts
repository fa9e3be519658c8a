import { classify } from '../core/forward/retry-policy';
import type { EventSummary, ForwardAttempt, SignatureStatus } from '../shared/model';

/** The lines `hookscope listen` (and `hookscope events`) print, in `stripe listen`'s style. */

const time = (iso: string): string => iso.slice(11, 19);

/** Verdicts in words where the status name alone would mislead. */
const VERDICT_WORDS: Partial<Record<SignatureStatus, string>> = {
  stale: 'too old',
  future: 'from the future (clock skew)',
};

/**
 * How a delivery is referred to: the sender's own delivery or event id (evt_…, msg_…) as
 * `stripe listen` shows it, else Hookscope's id (for `hookscope events show ID`).
 */
export function deliveryRef(e: Pick<EventSummary, 'id' | 'idempotency'>): string {
  const id = e.idempotency.deliveryId;
  return id ? (id.length > 80 ? `${id.slice(0, 80)}…` : id) : e.id;
}

/** One delivery: `--> charge.succeeded [evt_…]  POST /stripe  signature valid (stripe)  first delivery`. */
export function deliveryLine(e: EventSummary): string {
  const status = VERDICT_WORDS[e.signature.status] ?? e.signature.status;
  const sig = e.signature.provider ? `${status} (${e.signature.provider})` : status;
  const { duplicateOf, deliveryCount, byBodyHash, unverified } = e.idempotency;
  const dup = unverified
    ? 'not counted (did not verify)'
    : !duplicateOf
      ? 'first delivery'
      : byBodyHash
        ? `same body as ${duplicateOf}`
        : `duplicate #${deliveryCount}, the sender retried it`;
  const type = e.eventType ? `${e.eventType} ` : '';
  return `${time(e.receivedAt)}  --> ${type}[${deliveryRef(e)}]  ${e.method} ${e.path}  signature ${sig}  ${dup}`;
}

/** Where a forward stands after an attempt, when the queue says so. */
export interface AttemptOutcome {
  /** Attempts the forward gets in all (the forwarding settings). */
  of: number;
  /** The next attempt and when it is due, while it is being retried. */
  retry?: { attempt: number; inMs: number };
}

/** One forward attempt: `<-- [503] http://… [evt_…]  12 ms  attempt 1/5, retry 2/5 in 4 s`. */
export function forwardLine(a: ForwardAttempt, ref = a.eventId, outcome?: AttemptOutcome): string {
  const what = a.status !== null ? `[${a.status}]` : `[failed: ${a.error ?? 'no answer'}]`;
  const kind = a.kind === 'live' ? '' : ` (${a.kind})`;
  const n = outcome ? `${a.attempt}/${outcome.of}` : `${a.attempt}`;
  const retry = outcome?.retry
    ? `, retry ${outcome.retry.attempt}/${outcome.of} in ${Math.max(0, Math.round(outcome.retry.inMs / 1000))} s`
    : '';
  return `${time(a.at)}  <-- ${what} ${a.targetUrl} [${ref}]  ${Math.round(a.durationMs)} ms  attempt ${n}${retry}${kind}`;
}

/** The forward gave up: the delivery is in the dead-letter list. */
export function deadLetterLine(a: ForwardAttempt, ref: string): string {
  const last = a.status !== null ? `last answer ${a.status}` : `last error: ${a.error ?? 'none'}`;
  const why =
    classify(a.status) === 'final'
      ? `${a.status} is not retried`
      : `${a.attempt} attempt${a.attempt === 1 ? '' : 's'}, ${last}`;
  return `${time(a.at)}  [dead letter] [${ref}] not forwarded (${why}): in the dead-letter list, redrive it from the UI's Dead letters panel or with POST /api/redriveDeadLetters`;
}

/**
 * A delivery that went to another endpoint than the one listened on (at `listening`): stored,
 * not forwarded here. `owner` is the path of the endpoint it went to; `more` how many such
 * lines were held back before this one.
 */
export function outsideLine(
  e: EventSummary,
  listening: string,
  owner: string,
  more: number,
): string {
  const where =
    listening === '/'
      ? `not forwarded here: path ${e.path} belongs to the endpoint at ${owner}`
      : `not forwarded: path ${e.path} is outside ${listening}${owner === '/' ? '' : ` (the endpoint at ${owner} took it)`}`;
  const also = more > 0 ? ` (and ${more} more since the last such line)` : '';
  return `${time(e.receivedAt)}  --- [${deliveryRef(e)}]  ${e.method} ${e.path}  stored, ${where}${also}`;
}

/**
 * At most one line per `windowMs` (a flood of deliveries outside --path must not flood the
 * terminal); counts the ones held back so the next line can say how many.
 */
export class LineLimiter {
  private last = -Infinity;
  private held = 0;

  constructor(private readonly windowMs: number) {}

  /** Whether to print now, and how many were held back before it. */
  take(now: number): { print: boolean; held: number } {
    if (now - this.last < this.windowMs) {
      this.held++;
      return { print: false, held: this.held };
    }
    const held = this.held;
    this.last = now;
    this.held = 0;
    return { print: true, held };
  }
}
