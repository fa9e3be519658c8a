/**
 * The conformance suite every ForwardQueue backend must pass with its EventLog
 * (docs/ARCHITECTURE.md §7): `describeForwardQueue(name, backend)`. Backend-neutral: it speaks
 * only the ports (src/core/store/ports.ts). SQLite runs it in sqlite-conformance.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  AttemptRecord,
  EventLog,
  ForwardJob,
  ForwardQueue,
  Lease,
} from '../../../src/core/store/ports';
import { delivery } from '../../helpers/events';
import { NOT_FORWARDED, QUEUED, type OpenLog } from './conformance';

/** One open storage: its event log and forward queue; `reopen` is a restart (or a crash). */
export interface OpenStore extends OpenLog {
  queue: ForwardQueue;
  reopen(): Promise<OpenStore>;
}

/** What was in an older log: one delivery, queued for forwarding where the schema had a queue. */
export interface Seed {
  eventId: string;
  targetUrl: string;
  receivedAt: number;
}

export interface QueueBackend {
  open(): Promise<OpenStore>;
  /** A second handle on the same storage (another process on the same queue). */
  peer(o: OpenStore): Promise<{ queue: ForwardQueue; close(): Promise<void> }>;
  /**
   * Schema versions older than the current one this backend can create a log at ([] for a
   * backend with no older version yet: that case then says so and checks nothing).
   */
  olderVersions: number[];
  /**
   * Whether `resetRunning` frees at start every job left running (a backend with one process
   * per log: SQLite's folder lock); a shared backend (false) leaves them to their leases.
   */
  freesAtStart?: boolean;
  /** A log made at `version` holding `seed`, then opened (migrated) as the engine opens it. */
  openAtVersion(version: number, seed: Seed): Promise<OpenStore>;
}

const TARGET = QUEUED.forwardTarget!;
const lease = (owner: string, ms = 60_000): Lease => ({ owner, ms });

/** An attempt as the forwarder records it. */
function attemptOf(job: ForwardJob, status: number | null, at: number): AttemptRecord {
  return {
    id: randomUUID(),
    eventId: job.eventId,
    jobId: job.id,
    kind: job.redriven ? 'redrive' : 'live',
    targetUrl: job.targetUrl,
    attempt: job.attempts + 1,
    status,
    error: status === null ? 'connection refused' : null,
    durationMs: 3,
    at,
    responseHeaders: [['Content-Type', 'text/plain']],
    responseBody: Buffer.from([0x6f, 0x6b, 0x00, 0xff]),
    responseTruncated: false,
  };
}

async function queued(log: EventLog, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await log.append(delivery(), QUEUED)).id);
  return ids;
}

const status = async (log: EventLog, id: string): Promise<string | undefined> =>
  (await log.summary(id))?.forward.status;

export function describeForwardQueue(name: string, backend: QueueBackend): void {
  describe(`ForwardQueue conformance: ${name}`, () => {
    const open: { close(): Promise<void> }[] = [];
    const fresh = async (): Promise<OpenStore> => {
      const o = await backend.open();
      open.push(o);
      return o;
    };
    afterEach(async () => {
      for (const o of open.splice(0).reverse()) await o.close().catch(() => undefined);
    });

    it('queues a job with its event, in due order, claimed once: two claimers never get the same job', async () => {
      const o = await fresh();
      const peer = await backend.peer(o);
      open.push(peer);
      const ids = await queued(o.log, 6);
      expect(await o.queue.pendingCount()).toBe(6);
      const now = Date.now();
      const [a, b] = await Promise.all([
        o.queue.claimDue(now, 4, undefined, lease('A')),
        peer.queue.claimDue(now, 4, undefined, lease('B')),
      ]);
      const claimed = [...a, ...b].map((j) => j.eventId);
      expect(new Set(claimed).size).toBe(claimed.length);
      expect([...claimed].sort()).toEqual([...ids].sort());
      // Due order within one claim: the oldest first.
      expect(a.map((j) => j.eventId)).toEqual(ids.filter((id) => a.some((j) => j.eventId === id)));
      for (const j of [...a, ...b]) expect(j).toMatchObject({ state: 'running', attempts: 0 });
      // Nothing is left to claim while the leases hold, for anyone.
      expect(await o.queue.claimDue(now, 10, undefined, lease('C'))).toEqual([]);
      expect(await o.queue.pendingCount()).toBe(6);
    });

    it('takes over a claim whose lease ran out, never a live one nor its holder’s own', async () => {
      const o = await fresh();
      const [short, long] = await queued(o.log, 2);
      const now = Date.now();
      const [s] = await o.queue.claimDue(now, 1, undefined, lease('A', 1000));
      const [l] = await o.queue.claimDue(now, 1, undefined, lease('B', 60_000));
      expect([s!.eventId, l!.eventId]).toEqual([short, long]);
      // Before A's lease runs out, nothing; after, its job is due for others (and says when).
      expect(await o.queue.claimDue(now + 999, 5, undefined, lease('C'))).toEqual([]);
      expect(await o.queue.nextDueAt('C')).toBe(now + 1000);
      expect(await o.queue.claimDue(now + 2000, 5, undefined, lease('A'))).toEqual([]);
      const taken = await o.queue.claimDue(now + 2000, 5, undefined, lease('C'));
      expect(taken.map((j) => j.eventId)).toEqual([short]);
      // The new holder's lease counts from its claim.
      expect(await o.queue.claimDue(now + 3000, 5, undefined, lease('D'))).toEqual([]);
    });

    it('lets the claimer turn jobs down, seeing every due job, and leaves those pending', async () => {
      const o = await fresh();
      const ids = await queued(o.log, 3);
      const seen: string[][] = [];
      const picked = await o.queue.claimDue(
        Date.now(),
        2,
        (job, due) => {
          seen.push(due.map((d) => d.eventId));
          return job.eventId !== ids[0];
        },
        lease('A'),
      );
      expect(picked.map((j) => j.eventId)).toEqual([ids[1], ids[2]]);
      expect(seen[0]).toEqual(ids);
      const left = await o.queue.claimDue(Date.now(), 5, undefined, lease('B'));
      expect(left.map((j) => j.eventId)).toEqual([ids[0]]);
    });

    it('retries: a released job and a retrying one are due again at their time, attempts counted', async () => {
      const o = await fresh();
      const [id] = await queued(o.log, 1);
      const t0 = Date.now();
      let [job] = await o.queue.claimDue(t0, 1, undefined, lease('A'));
      // Released: nothing was sent, no attempt counted.
      await o.queue.release(job!, t0 + 5000, 'could not read the event', t0);
      expect(await o.queue.nextDueAt('A')).toBe(t0 + 5000);
      expect(await o.queue.claimDue(t0 + 4999, 1, undefined, lease('A'))).toEqual([]);
      [job] = await o.queue.claimDue(t0 + 5000, 1, undefined, lease('A'));
      expect(job).toMatchObject({
        eventId: id,
        attempts: 0,
        lastError: 'could not read the event',
      });
      // A failed attempt: retrying, due at its time, the event's status in the same commit.
      const start = await o.log.currentRev();
      const failed = attemptOf(job!, 503, t0 + 5001);
      await o.queue.settle(
        job!,
        failed,
        { state: 'pending', nextAt: t0 + 9000, status: 503, error: null },
        'retrying',
      );
      expect(await status(o.log, id!)).toBe('retrying');
      expect((await o.log.changesSince(start, 10)).map((c) => [c.id, c.forward.status])).toEqual([
        [id, 'retrying'],
      ]);
      expect(await o.queue.claimDue(t0 + 8999, 1, undefined, lease('A'))).toEqual([]);
      [job] = await o.queue.claimDue(t0 + 9000, 1, undefined, lease('A'));
      expect(job).toMatchObject({ attempts: 1, lastStatus: 503 });
      // Delivered: done, off the queue, the event ok.
      const ok = { ...attemptOf(job!, 200, t0 + 9001), targetUrl: `${TARGET}/moved` };
      await o.queue.settle(
        job!,
        ok,
        { state: 'done', nextAt: t0 + 9001, status: 200, error: null },
        'ok',
      );
      expect(await status(o.log, id!)).toBe('ok');
      expect(await o.queue.pendingCount()).toBe(0);
      expect(await o.queue.nextDueAt('A')).toBeNull();
      expect(await o.queue.job(job!.id)).toMatchObject({
        state: 'done',
        attempts: 2,
        targetUrl: `${TARGET}/moved`,
      });
      const attempts = await o.queue.attemptsFor(id!);
      expect(attempts.map((a) => [a.attempt, a.status, a.targetUrl])).toEqual([
        [1, 503, TARGET],
        [2, 200, `${TARGET}/moved`],
      ]);
      expect(attempts[1]!.responseBody.equals(ok.responseBody)).toBe(true);
      expect(attempts[1]!.responseHeaders).toEqual(ok.responseHeaders);
      expect(await o.queue.deadCount()).toBe(0);
    });

    it('dead-letters, lists, redrives, refuses and purges; the event shows where it stands', async () => {
      const o = await fresh();
      const [a, b] = await queued(o.log, 2);
      const now = Date.now();
      const [ja, jb] = await o.queue.claimDue(now, 2, undefined, lease('A'));
      await o.queue.settle(
        ja!,
        attemptOf(ja!, 500, now),
        { state: 'dead', nextAt: now, status: 500, error: null },
        'dead',
      );
      const refused = await o.queue.refuseJob(jb!, 'not sent: the path leaves the target', now);
      expect(refused).toMatchObject({
        status: null,
        error: 'not sent: the path leaves the target',
      });
      expect([await status(o.log, a!), await status(o.log, b!)]).toEqual(['dead', 'dead']);
      expect(await o.queue.deadCount()).toBe(2);
      expect((await o.queue.listDead(10)).map((j) => j.eventId)).toEqual([b, a]);
      expect((await o.queue.listDead(1, jb!.id)).map((j) => j.eventId)).toEqual([a]);
      expect(await o.queue.deadJobOf(a!)).toBe(ja!.id);
      expect((await o.queue.deadJobs([ja!.id, 999_999])).map((j) => j.id)).toEqual([ja!.id]);
      // Redriven: due now with a fresh count; one refused stays dead with its attempt.
      const [deadA, deadB] = await o.queue.deadJobs('all');
      const again = await o.queue.redrive(
        [
          { job: deadA!, targetUrl: `${TARGET}/new`, refused: null, resign: true },
          { job: deadB!, targetUrl: TARGET, refused: 'not sent: still refused' },
        ],
        now + 1,
      );
      expect(again.map((x) => [x.eventId, x.kind, x.error])).toEqual([
        [b, 'redrive', 'not sent: still refused'],
      ]);
      const [back] = await o.queue.claimDue(now + 1, 5, undefined, lease('A'));
      expect(back).toMatchObject({
        eventId: a,
        attempts: 0,
        redriven: true,
        resign: true,
        targetUrl: `${TARGET}/new`,
      });
      expect(await o.queue.deadCount()).toBe(1);
      expect(await o.queue.purge('all')).toBe(1);
      expect(await o.queue.deadCount()).toBe(0);
      // Attempts outlive the purge (the event's history).
      expect((await o.queue.attemptsFor(b!)).length).toBe(2);
    });

    it('records nothing for an attempt whose event was deleted while it was out, and redrives only dead jobs', async () => {
      const o = await fresh();
      const [gone, kept] = await queued(o.log, 2);
      const now = Date.now();
      const [jg, jk] = await o.queue.claimDue(now, 2, undefined, lease('A'));
      expect(await o.log.deleteIds([gone!])).toEqual([gone]);
      const settled = await o.queue.settle(
        jg!,
        attemptOf(jg!, 200, now),
        { state: 'done', nextAt: now, status: 200, error: null },
        'ok',
      );
      expect(settled).toBe(false);
      expect(await o.queue.attemptsFor(gone!)).toEqual([]);
      expect(await o.queue.job(jg!.id)).toBeUndefined();
      // A job redriven twice at once (two windows): the second finds it no longer dead.
      await o.queue.settle(
        jk!,
        attemptOf(jk!, 500, now),
        { state: 'dead', nextAt: now, status: 500, error: null },
        'dead',
      );
      const [dead] = await o.queue.deadJobs('all');
      await o.queue.redrive([{ job: dead!, targetUrl: TARGET, refused: null }], now + 1);
      const [running] = await o.queue.claimDue(now + 1, 1, undefined, lease('A'));
      expect(running?.eventId).toBe(kept);
      const late = await o.queue.redrive(
        [{ job: dead!, targetUrl: TARGET, refused: 'not sent: refused' }],
        now + 2,
      );
      expect(late).toEqual([]);
      expect(await o.queue.job(jk!.id)).toMatchObject({ state: 'running' });
    });

    it('keeps an attempt a listener reported, with who sent it, beside the queue’s own', async () => {
      const o = await fresh();
      const [id] = await queued(o.log, 1);
      const reported: AttemptRecord = {
        id: randomUUID(),
        eventId: id!,
        jobId: null,
        kind: 'listener',
        targetUrl: 'http://localhost:3000/webhooks',
        attempt: 1,
        status: 200,
        error: null,
        durationMs: 12,
        at: Date.now(),
        responseHeaders: [],
        responseBody: Buffer.alloc(0),
        responseTruncated: false,
        by: 'alice@laptop',
      };
      await o.queue.recordAttempt(reported);
      const [live] = await o.queue.claimDue(Date.now(), 1, undefined, lease('A'));
      const own = attemptOf(live!, 200, Date.now() + 1);
      await o.queue.settle(
        live!,
        own,
        { state: 'done', nextAt: 0, status: 200, error: null },
        'ok',
      );
      const got = await o.queue.attemptsFor(id!);
      expect(got).toEqual([reported, own]);
      expect(got[1]).not.toHaveProperty('by');
    });

    it('keeps an event whose job is pending or running out of retention; once settled it goes with its job and attempts', async () => {
      const o = await fresh();
      const [pending, running, settled] = await queued(o.log, 3);
      for (let i = 0; i < 3; i++) await o.log.append(delivery(), NOT_FORWARDED);
      const now = Date.now();
      const all = await o.queue.claimDue(now, 3, undefined, lease('A'));
      const byEvent = new Map(all.map((j) => [j.eventId, j]));
      await o.queue.release(byEvent.get(pending!)!, now + 60_000, 'later', now);
      await o.queue.settle(
        byEvent.get(settled!)!,
        attemptOf(byEvent.get(settled!)!, 200, now),
        { state: 'done', nextAt: now, status: 200, error: null },
        'ok',
      );
      expect(await o.log.deleteOldest({ keep: 0, limit: 100 })).toContain(settled);
      expect(await o.log.summary(pending!)).toBeDefined();
      expect(await o.log.summary(running!)).toBeDefined();
      expect(await o.log.heldForForwarding({ keep: 0 })).toBe(2);
      expect(await o.queue.attemptsFor(settled!)).toEqual([]);
      expect(await o.queue.job(byEvent.get(settled!)!.id)).toBeUndefined();
      // Deleting an event by hand drops its job: nothing is sent for it.
      await o.log.deleteIds([pending!]);
      expect(await o.queue.claimDue(now + 30_000, 5, undefined, lease('B'))).toEqual([]);
      expect(await o.queue.pendingCount()).toBe(1);
    });

    it('after a crash, a job left running is due again (at start, or when its lease runs out)', async () => {
      const o = await fresh();
      const [id, other] = await queued(o.log, 2);
      const now = Date.now();
      const claimed = await o.queue.claimDue(now, 2, undefined, lease('dead-process'));
      expect(claimed).toHaveLength(2);
      const restarted = await o.reopen();
      open.push(restarted);
      expect(await restarted.queue.pendingCount()).toBe(2);
      // By lease: another claimer takes them over once they run out, not before.
      expect(await restarted.queue.claimDue(now + 1, 5, undefined, lease('new'))).toEqual([]);
      const [taken] = await restarted.queue.claimDue(now + 60_000, 1, undefined, lease('new'));
      expect(taken).toMatchObject({ eventId: id, attempts: 0 });
      const freed = await restarted.queue.resetRunning();
      if (backend.freesAtStart === false) {
        // Shared: another process may hold them, so nothing is freed at start; the other
        // job left running is due once its lease ran out, attempts kept.
        expect(freed).toBe(0);
        expect(await restarted.queue.claimDue(now + 1, 5, undefined, lease('new'))).toEqual([]);
        const rest = await restarted.queue.claimDue(now + 60_000, 5, undefined, lease('other'));
        expect(rest.map((j) => [j.eventId, j.attempts])).toEqual([[other, 0]]);
        return;
      }
      // At start: every job left running is pending again at once, attempts kept.
      expect(freed).toBeGreaterThanOrEqual(1);
      const again = await restarted.queue.claimDue(now + 1, 5, undefined, lease('new'));
      expect(again.map((j) => j.eventId).sort()).toEqual([id, other].sort());
      expect(again.every((j) => j.attempts === 0)).toBe(true);
    });

    it('opens a log made at every older schema version, keeping its events and queued jobs', async () => {
      if (backend.olderVersions.length === 0) {
        console.info(`[${name}] no older schema version to migrate from yet: nothing to check`);
        return;
      }
      for (const version of backend.olderVersions) {
        const seed = {
          eventId: `evt_v${version}_${randomUUID()}`,
          targetUrl: TARGET,
          receivedAt: 1_650_000_000_000 + version,
        };
        const o = await backend.openAtVersion(version, seed);
        open.push(o);
        const old = await o.log.summary(seed.eventId);
        expect(old, `version ${version}`).toMatchObject({ id: seed.eventId, seq: 1 });
        expect((await o.log.source(seed.eventId))!.body.toString()).toBe('{"old":true}');
        const jobs = await o.queue.claimDue(Date.now(), 5, undefined, lease('A'));
        // A queue existed from the version that made it: its job is still due.
        if (jobs.length > 0) {
          expect(
            jobs.map((j) => j.eventId),
            `version ${version}`,
          ).toEqual([seed.eventId]);
          await o.queue.settle(
            jobs[0]!,
            attemptOf(jobs[0]!, 200, Date.now()),
            { state: 'done', nextAt: Date.now(), status: 200, error: null },
            'ok',
          );
          expect(await status(o.log, seed.eventId)).toBe('ok');
        }
        // New deliveries append after it, with their jobs.
        const [next] = await queued(o.log, 1);
        expect((await o.log.summary(next!))!.seq).toBeGreaterThan(1);
        const [job] = await o.queue.claimDue(Date.now(), 5, undefined, lease('A'));
        expect(job?.eventId, `version ${version}`).toBe(next);
        await o.close();
      }
    });
  });
}
