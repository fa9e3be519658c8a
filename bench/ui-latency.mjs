// UI benchmark (docs/ARCHITECTURE.md §9): time from a delivery's 2xx to its row being on screen in the
// browser UI, and the renderer's JS heap with 1,000 vs 100,000 events in the log. Runs the
// built UI in Chromium (Playwright) against `hookscope serve`.
// Functions passed to page.evaluate run in the browser:
/* global window, document, requestAnimationFrame, MutationObserver */
import { performance } from 'node:perf_hooks';
import { heapAfterGc, launchChromium } from './browser.mjs';
import { seedLog } from '../test/e2e/helpers/seed-log.mjs';
import { percentile, postJson, startHookscope, stopChild, tempDir } from './lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const epochNow = () => performance.timeOrigin + performance.now();

/** Opens the UI and resolves once its first page is listed and its push stream attached. */
async function openUi(browser, ready) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const path = (r) => new URL(r.url()).pathname;
  const stream = page.waitForResponse((r) => path(r) === '/api/stream' && r.ok());
  const list = page.waitForResponse((r) => path(r) === '/api/listEvents' && r.ok());
  await page.goto(`${ready.apiUrl}/#token=${ready.token}`);
  await Promise.all([stream, list]);
  return page;
}

/**
 * Posts `count` deliveries at `rate`/s (each at its own scheduled time, not back to back),
 * notes when each 2xx arrived, and in the page when each row was first painted (the animation
 * frame after the row entered the DOM). Both clocks are the system clock (timeOrigin + now).
 */
async function latency(browser, { count, rate, log }) {
  const proc = await startHookscope(tempDir());
  try {
    const page = await openUi(browser, proc.ready);
    await page.evaluate(() => {
      const seen = (window.__seen = {});
      const scan = () => {
        const fresh = [];
        for (const el of document.querySelectorAll('[data-testid="event-path"]')) {
          const m = /^\/lat\/(\d+)$/.exec(el.textContent ?? '');
          if (m && seen[m[1]] === undefined) fresh.push(m[1]);
        }
        if (fresh.length === 0) return;
        for (const i of fresh) seen[i] = null;
        requestAnimationFrame(() => {
          const t = performance.timeOrigin + performance.now();
          for (const i of fresh) seen[i] = t;
        });
      };
      new MutationObserver(scan).observe(document.body, {
        childList: true,
        subtree: true,
        characterData: true,
      });
    });
    log(`ui: posting ${count} deliveries at ${rate}/s`);
    const acked = new Array(count);
    const t0 = performance.now() + 200;
    const sends = [];
    for (let i = 0; i < count; i++) {
      const due = t0 + (i * 1000) / rate;
      await sleep(Math.max(0, due - performance.now()));
      sends.push(
        postJson(
          `${proc.ready.receiverUrl}/lat/${i}`,
          JSON.stringify({ type: 'bench.latency', i }),
        ).then(() => {
          acked[i] = epochNow();
        }),
      );
    }
    await Promise.all(sends);
    await page.waitForFunction(
      (n) => Object.values(window.__seen).filter((t) => t).length >= n,
      count,
      {
        timeout: 30_000,
      },
    );
    const seen = await page.evaluate(() => window.__seen);
    const ms = acked.map((t, i) => seen[i] - t).sort((a, b) => a - b);
    await page.close();
    return {
      count,
      rate,
      p50: percentile(ms, 50),
      p95: percentile(ms, 95),
      max: ms[ms.length - 1],
    };
  } finally {
    await stopChild(proc);
  }
}

/** A stopped log of `events` events: one real delivery, multiplied in SQLite. */
async function seededDir(events) {
  const dir = tempDir();
  const proc = await startHookscope(dir);
  await postJson(`${proc.ready.receiverUrl}/seed/0`, '{"type":"seed.event","n":0}');
  await stopChild(proc);
  if (events > 1) seedLog(dir, events);
  return dir;
}

/** Heap and DOM rows with the UI opened on a log of `events`; then after scrolling `deepRows`. */
async function heap(browser, events, deepRows, log) {
  log(`ui: heap with ${events.toLocaleString('en-US')} events stored`);
  const dir = await seededDir(events);
  const proc = await startHookscope(dir);
  try {
    const page = await openUi(browser, proc.ready);
    await page.getByTestId('event-row').first().waitFor();
    const formatted = events.toLocaleString('en-US');
    await page.waitForFunction(
      (t) => document.querySelector('[data-testid="event-count"]')?.textContent === t,
      formatted,
    );
    const loaded = await heapAfterGc(page);
    const rows = await page.locator('.row').count();
    let deep = null;
    if (deepRows) {
      const list = page.getByTestId('event-list');
      while ((await list.evaluate((el) => el.scrollHeight / 48)) < deepRows) {
        const h = await list.evaluate(
          (el) => (el.scrollTo({ top: el.scrollHeight }), el.scrollHeight),
        );
        await page.waitForFunction(
          (before) => document.querySelector('[data-testid="event-list"]').scrollHeight > before,
          h,
        );
      }
      deep = {
        rows: deepRows,
        heap: await heapAfterGc(page),
        domRows: await page.locator('.row').count(),
      };
    }
    await page.close();
    return { events, heap: loaded, domRows: rows, deep };
  } finally {
    await stopChild(proc);
  }
}

/**
 * Runs both UI measurements; resolves `{ skipped }` when no Chromium is installed.
 * `count` deliveries at `rate`/s for the latency; heaps at 1,000 and 100,000 events.
 */
export async function runUi({ count = 200, rate = 20, log = () => {} } = {}) {
  const { browser, skipped } = await launchChromium();
  if (!browser) return { skipped };
  try {
    const lat = await latency(browser, { count, rate, log });
    const small = await heap(browser, 1_000, 0, log);
    const large = await heap(browser, 100_000, 20_000, log);
    return { latency: lat, small, large };
  } finally {
    await browser.close();
  }
}

const UI_TARGET = { p95Ms: 150, heapGrowth: 1.2 };
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const ms = (n) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;

/** Rows for the bench's targets table: `[figure, measured, target, result]`. */
export function uiRows(ui, yesNo) {
  if (ui.skipped) return [['UI figures', `skipped: ${ui.skipped}`, '', 'n/a']];
  const { latency: l, small, large } = ui;
  const growth = large.heap / small.heap;
  return [
    [
      `Delivery visible in the UI after its 2xx (p95 of ${l.count} at ${l.rate}/s)`,
      `${ms(l.p95)} (p50 ${ms(l.p50)})`,
      `≤ ${UI_TARGET.p95Ms} ms`,
      yesNo(l.p95 <= UI_TARGET.p95Ms),
    ],
    [
      'Renderer JS heap, UI opened on 100,000 vs 1,000 stored events',
      `${mb(large.heap)} vs ${mb(small.heap)} (×${growth.toFixed(2)})`,
      `does not grow (≤ ×${UI_TARGET.heapGrowth})`,
      yesNo(growth <= UI_TARGET.heapGrowth),
    ],
    [
      'DOM rows of the list with 100,000 events stored',
      `${large.domRows} (${large.deep.domRows} after scrolling ${large.deep.rows.toLocaleString('en-US')} rows)`,
      '< 200',
      yesNo(Math.max(large.domRows, large.deep.domRows) < 200),
    ],
  ];
}

/** The Markdown section describing how the UI figures were taken. */
export function uiSection(ui) {
  if (ui.skipped) return `## UI\n\nNot measured: ${ui.skipped}.\n`;
  const { latency: l, large } = ui;
  return `## UI

The built UI in Chromium (Playwright, 1280×720) against \`hookscope serve\` on a fresh data dir.
Latency: ${l.count} deliveries posted at ${l.rate}/s, each at its own scheduled time; for each,
the time from its 2xx reaching the poster to the animation frame after its row entered the
DOM (a MutationObserver in the page), both on the system clock. This covers the engine's
50 ms live batch, SSE, the per-frame push queue and React: p50 ${ms(l.p50)}, p95 ${ms(l.p95)},
max ${ms(l.max)}.

Heap: JS heap used after two forced garbage collections (CDP), the UI opened on a log of
1,000 and of 100,000 events (copies of one real delivery written into SQLite). The list
loads pages on demand and keeps at most 8 older pages of 500 summaries, so memory follows
what is on screen, not the log: after scrolling ${large.deep.rows.toLocaleString('en-US')} rows
deep it held ${mb(large.deep.heap)}.
`;
}
