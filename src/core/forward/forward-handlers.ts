import { randomUUID } from 'node:crypto';
import type { FeatureHandlers } from '../../shared/dispatch';
import type { forwardingCommands } from '../../shared/forwarding-contract';
import { HookscopeError } from '../../shared/errors';
import type { EndpointRepo, EventLog, ForwardJob, ForwardQueue } from '../store/ports';
import type { Clock } from '../types';
import type { ResignAbility } from '../../shared/model';
import { currentTarget } from './current-target';
import type { Forwarder } from './forwarder';
import { replayEvent } from './replay';
import { resignerFor, staleWarning, type Resigner } from './resign';
import { toDeadLetter, toWireAttempt } from './wire';
import { VERIFIED_SIGNATURES } from '../signatures/common';
import { currentPerson } from '../actor';

/**
 * Where a dead job goes when redriven: its endpoint's forward target as it is now (not the one
 * it failed with) plus the event's path suffix, by the same rule as a live forward. A null
 * `targetUrl` means the endpoint has no target now; `refused` says why it may not be sent.
 */
async function redrivePlan(
  deps: { events: EventLog; endpoints: EndpointRepo },
  job: ForwardJob,
): Promise<{
  job: ForwardJob;
  endpoint: string;
  targetUrl: string | null;
  refused: string | null;
}> {
  const src = await deps.events.source(job.eventId);
  if (!src) {
    return { job, endpoint: '', targetUrl: job.targetUrl, refused: 'the event was deleted' };
  }
  const { endpoint, plan } = currentTarget(deps.endpoints, src);
  if (!plan) return { job, endpoint: endpoint.name, targetUrl: null, refused: null };
  return plan.ok
    ? { job, endpoint: endpoint.name, targetUrl: plan.url, refused: null }
    : { job, endpoint: endpoint.name, targetUrl: endpoint.forwardTo, refused: plan.refused };
}

/** How a dead job's event would be re-signed now, or null when the event is gone. */
export async function resignerOfEvent(
  deps: { events: EventLog; endpoints: EndpointRepo },
  eventId: string,
  now: number,
): Promise<Resigner | null> {
  const src = await deps.events.envelope(eventId);
  if (!src) return null;
  const own = deps.endpoints.get(src.endpointId);
  const endpoint = own ?? deps.endpoints.match(src.path);
  const r = resignerFor(deps.endpoints, endpoint, src.headers, now);
  // Only what Hookscope verified is signed again, and only with the secret of the endpoint it
  // arrived on: re-signing a forged or unsigned body would vouch for it to the app.
  if (!own) {
    const why = "the endpoint it arrived on was deleted (another endpoint's secret is never used)";
    return { ok: false, why, scheme: r.scheme, endpoint };
  }
  if (!r.ok) return r;
  // Stale or future: the signature verified, only its time was off; the body is the sender's.
  if (!VERIFIED_SIGNATURES.has(src.signatureStatus)) {
    const why = `its signature was not verified when it arrived (${UNVERIFIED[src.signatureStatus] ?? src.signatureStatus}): only a delivery Hookscope verified is signed again, so a forged body never gets a real signature`;
    return { ok: false, why, scheme: r.scheme, endpoint, unverified: true };
  }
  return r;
}

/** Verdicts in words, for why a redrive cannot re-sign. */
const UNVERIFIED: Record<string, string> = {
  invalid: 'invalid signature',
  missing: 'signature missing',
  'no-secret': 'the endpoint had no secret',
  none: 'not signed',
  error: 'it could not be checked',
};

/** Whether a redrive can re-sign the event (for the UI's Redrive choice). */
export async function resignAbility(
  deps: { events: EventLog; endpoints: EndpointRepo },
  eventId: string,
  now: number,
): Promise<ResignAbility | undefined> {
  const r = await resignerOfEvent(deps, eventId, now);
  if (!r) return undefined;
  return r.ok ? { possible: true, why: null } : { possible: false, why: r.why };
}

/** Replay and the dead-letter list. */
export function createForwardHandlers(deps: {
  events: EventLog;
  endpoints: EndpointRepo;
  forwards: ForwardQueue;
  forwarder: Forwarder;
  clock: Clock;
  timeoutMs: () => number;
  /** The attempts a forward may make (the settings now). */
  maxAttempts: () => number;
  published: (attempt: ReturnType<typeof toWireAttempt>) => void;
  /** Called after redrives and purges are committed (the dead-letter count may have moved). */
  deadLettersMaybeChanged?: () => Promise<void>;
}): FeatureHandlers<typeof forwardingCommands> {
  const { events, forwards, forwarder, clock } = deps;
  const mask = (url: string): string => events.maskUrl(url);
  return {
    replayEvent: async (input) => {
      const attempt = toWireAttempt(await replayEvent(deps, input), mask);
      deps.published(attempt);
      return attempt;
    },
    replayEvents: async ({ ids, ...options }) => {
      // Oldest first, so the app sees them in the order the provider sent them.
      const seqs = await Promise.all(ids.map(async (id) => (await events.summary(id))?.seq));
      const ordered = ids
        .map((id, i) => ({ id, seq: seqs[i] }))
        .sort((x, y) => (x.seq ?? Infinity) - (y.seq ?? Infinity));
      const items = [];
      for (const { id } of ordered) {
        const attempt = toWireAttempt(await replayEvent(deps, { id, ...options }), mask);
        deps.published(attempt);
        items.push(attempt);
      }
      return { items };
    },
    listDeadLetters: async ({ limit = 100, beforeId }) => {
      const jobs = await forwards.listDead(limit + 1, beforeId);
      const now = clock();
      const items = await Promise.all(
        jobs.slice(0, limit).map(async (j) => {
          const [summary, resign] = await Promise.all([
            events.summary(j.eventId),
            resignAbility(deps, j.eventId, now),
          ]);
          return { ...toDeadLetter(j, summary, mask), ...(resign ? { resign } : {}) };
        }),
      );
      return {
        items,
        hasMore: jobs.length > limit,
      };
    },
    redriveDeadLetters: async ({ ids, all, resign = false }) => {
      const plans = await Promise.all(
        (await forwards.deadJobs(all ? 'all' : (ids ?? []))).map((job) => redrivePlan(deps, job)),
      );
      const stuck = [...new Set(plans.filter((p) => p.targetUrl === null).map((p) => p.endpoint))];
      if (stuck.length > 0) {
        throw new HookscopeError(
          'bad_input',
          `nothing redriven: ${stuck.map((n) => `endpoint "${n}"`).join(', ')} ${stuck.length > 1 ? 'have' : 'has'} no forward target now; set one (its dead letters then go there), or purge those dead letters`,
        );
      }
      const now = clock();
      const resigners = await Promise.all(
        plans.map((p) => resignerOfEvent(deps, p.job.eventId, now)),
      );
      const items = plans.map((p, k) => {
        const r = resigners[k] ?? null;
        const resigned = resign && r !== null && r.ok && p.refused === null;
        // Not re-signed: say when the original signature may be too old for the app.
        const warning = r && !resigned && p.refused === null ? staleWarning(r) : null;
        return {
          job: p.job,
          targetUrl: p.targetUrl!,
          refused: p.refused,
          resign: resigned,
          warning,
        };
      });
      // A refused redrive is dead again at once: its push says it gave up.
      const gaveUp = { maxAttempts: deps.maxAttempts(), deadLettered: true };
      const refused = await forwards.redrive(items, now);
      for (const a of refused) deps.published(toWireAttempt(a, mask, gaveUp));
      for (const i of items)
        if (i.refused === null) await events.setForwardStatus(i.job.eventId, 'pending');
      forwarder.kick();
      await deps.deadLettersMaybeChanged?.();
      return {
        redriven: items.filter((i) => i.refused === null).length,
        items: items.map((i) => ({
          id: i.job.id,
          eventId: i.job.eventId,
          targetUrl: i.targetUrl,
          refused: i.refused,
          resigned: i.resign,
          warning: i.warning,
        })),
      };
    },
    recordListenerAttempt: async (input) => {
      if (!(await events.summary(input.eventId))) {
        throw new HookscopeError('not_found', `no event ${input.eventId} (deleted?)`);
      }
      const attempt = {
        id: randomUUID(),
        eventId: input.eventId,
        jobId: null,
        kind: 'listener' as const,
        targetUrl: input.targetUrl,
        attempt: input.attempt,
        status: input.status,
        error: input.error,
        durationMs: input.durationMs,
        at: input.at !== undefined ? Date.parse(input.at) : clock(),
        responseHeaders: [],
        responseBody: Buffer.alloc(0),
        responseTruncated: false,
        // The person whose token reported it (their listener's name beside it), else as told.
        by: sentBy(input.by),
      };
      await forwards.recordAttempt(attempt);
      const wire = toWireAttempt(attempt, mask);
      deps.published(wire);
      return wire;
    },
    purgeDeadLetters: async ({ ids, all }) => {
      const purged = await forwards.purge(all ? 'all' : (ids ?? []));
      await deps.deadLettersMaybeChanged?.();
      return { purged };
    },
  };
}

/** Who sent a listener's attempt: the person calling, with the name their listener gave. */
function sentBy(given: string): string {
  const person = currentPerson();
  if (person === null || person === given) return given;
  return `${person} (${given})`;
}
