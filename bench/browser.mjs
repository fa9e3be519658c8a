// Chromium for the UI benchmarks (bench/ui-million.mjs, bench/big-body.mjs): the browser, the
// renderer's heap, and timing a user action to the animation frame after its result is in the
// DOM, on the page's own clock (the input event's timeStamp to requestAnimationFrame).
// Functions passed to page.evaluate and addInitScript run in the browser:
/* global window, document, requestAnimationFrame, MutationObserver */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { median } from './lib.mjs';

export const CHROMIUM =
  process.env.HOOKSCOPE_CHROMIUM ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Row height of the list in px (src/renderer/src/components/event-list.tsx). */
export const ROW_PX = 48;

/** Chromium through Playwright, or null (with the reason) when it is not installed. */
export async function launchChromium() {
  if (!existsSync(CHROMIUM)) return { browser: null, skipped: `no Chromium at ${CHROMIUM}` };
  return { browser: await chromium.launch({ executablePath: CHROMIUM, args: ARGS }) };
}

/** The page's JS heap after two forced garbage collections, in bytes. */
export async function heapAfterGc(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

/**
 * Median and max of a list of milliseconds, with the samples; given timeAction's results, also
 * the median time to the last API answer (`apiMedian`: the rest is the page's own work).
 */
export function stats(samples) {
  const ms = samples.map((x) => (typeof x === 'number' ? x : x.ms));
  const api = samples.map((x) => x?.apiMs).filter((x) => typeof x === 'number');
  return {
    samples: ms,
    median: median(ms),
    max: Math.max(...ms),
    ...(api.length ? { apiMedian: median(api) } : {}),
  };
}

/**
 * Installed in every page before its scripts run: `window.__hs`.
 * - `viewRows()`: the list's rows inside its viewport, `{ index, id, kind }` (kind is the
 *   row's test id: `event-row`, `event-row-placeholder` or `list-loader`).
 * - `conds`: the conditions a measurement waits for (all read the DOM only).
 * - `arm(trigger, name, arg)`: from the last `trigger` input event (its timeStamp) to the
 *   animation frame after `conds[name](arg)` first holds (`ms`), and to the end of the last
 *   control API answer begun since (`apiMs`, null if none); the promise is `window.__pending`.
 * - `firstRowsAt`: navigation start to the frame after the list first showed only real rows.
 */
function pageProbe(rowPx) {
  const list = () => document.querySelector('[data-testid="event-list"]');
  const viewRows = () => {
    const el = list();
    if (!el) return [];
    const top = el.scrollTop;
    const bottom = top + el.clientHeight;
    const out = [];
    for (const r of el.querySelectorAll('.row')) {
      const m = /translateY\(([\d.]+)px\)/.exec(r.style.transform);
      const y = m ? Number(m[1]) : -1;
      if (y + rowPx > top && y < bottom) {
        out.push({
          index: Math.round(y / rowPx),
          id: r.dataset.id ?? null,
          kind: r.dataset.testid,
        });
      }
    }
    return out;
  };
  const allReal = (rows) => rows.length > 0 && rows.every((r) => r.kind === 'event-row');
  const conds = {
    // The list shows only real rows and one of them is at `minIndex` or further down.
    rowsFrom: ({ minIndex }) => {
      const rows = viewRows();
      return allReal(rows) && rows.some((r) => r.index >= minIndex);
    },
    // The list shows only real rows and its first row is `id` (a reloaded list, scrolled top).
    firstRow: ({ id }) => {
      const rows = viewRows();
      return allReal(rows) && rows.some((r) => r.index === 0 && r.id === id);
    },
    // The list shows only real rows and one of them is `id` (the jump to the oldest, Home).
    rowShown: ({ id }) => {
      const rows = viewRows();
      return allReal(rows) && rows.some((r) => r.id === id);
    },
    // The list went through "Loading…" (a reload) and then shows `id` first, or says that no
    // delivery matches when `id` is null.
    reloaded: ({ id }, state) => {
      if (!state.loading) {
        state.loading =
          document.querySelector('[data-testid="list-count"]')?.textContent === 'Loading…';
        if (!state.loading) return false;
      }
      if (id === null) return document.querySelector('[data-testid="no-match"]') !== null;
      return conds.firstRow({ id });
    },
    // Row `id` is the open one and the detail pane shows its body (the Body tab).
    detail: ({ id }) =>
      document.querySelector(`.row-open[data-id="${id}"]`) !== null &&
      document.querySelector(
        '[data-testid="event-detail"] :is(.body-view, [data-testid="event-body-empty"])',
      ) !== null,
    // The Body tab's text starts with `prefix` (a large body, shown as text).
    bodyText: ({ prefix }) =>
      (document.querySelector('[data-testid="event-body"]')?.textContent ?? '').startsWith(prefix),
  };
  const hs = { viewRows, conds, firstRowsAt: null };
  hs.arm = (trigger, name, arg) => {
    let t0 = null;
    let done = false;
    let obs = null;
    const state = {};
    performance.clearResourceTimings();
    window.__pending = new Promise((resolve) => {
      const check = () => {
        if (done || t0 === null || !conds[name](arg, state)) return;
        done = true;
        obs.disconnect();
        window.removeEventListener(trigger, onInput, true);
        window.removeEventListener('scroll', check, true);
        requestAnimationFrame(() => {
          // The last control API answer since the input (the push stream left out).
          let answered = null;
          for (const e of performance.getEntriesByType('resource')) {
            if (!/\/api\/(?!stream)/.test(e.name) || e.startTime < t0) continue;
            answered = Math.max(answered ?? 0, e.responseEnd - t0);
          }
          resolve({ ms: performance.now() - t0, apiMs: answered });
        });
      };
      // The last such event counts (typing: the last key).
      const onInput = (ev) => {
        t0 = ev.timeStamp;
        hs.t0 = t0;
        queueMicrotask(check);
      };
      window.addEventListener(trigger, onInput, true);
      window.addEventListener('scroll', check, true);
      obs = new MutationObserver(check);
      obs.observe(document.documentElement, {
        childList: true,
        subtree: true,
        characterData: true,
        attributes: true,
        attributeFilter: ['style', 'class'],
      });
    });
  };
  window.__hs = hs;
  // Navigation to the first screen of rows.
  const first = new MutationObserver(() => {
    if (!allReal(viewRows())) return;
    first.disconnect();
    requestAnimationFrame(() => {
      hs.firstRowsAt = performance.now();
    });
  });
  const watch = () =>
    first.observe(document.documentElement, { childList: true, subtree: true, attributes: true });
  if (document.documentElement) watch();
  else document.addEventListener('DOMContentLoaded', watch);
}

/** A context whose pages carry `window.__hs` (see pageProbe). */
export async function probedContext(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.addInitScript(pageProbe, ROW_PX);
  return context;
}

/**
 * Runs `action` (which must cause a `trigger` input event in the page) and resolves with `ms`
 * from the last such event to the frame after `cond` held, and `apiMs` to the last API answer.
 */
export async function timeAction(page, trigger, cond, arg, action, timeoutMs = 60_000) {
  await page.evaluate(([t, c, a]) => window.__hs.arm(t, c, a), [trigger, cond, arg ?? {}]);
  await action();
  return page.evaluate(
    (ms) =>
      Promise.race([
        window.__pending,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`not shown within ${ms} ms`)), ms),
        ),
      ]),
    timeoutMs,
  );
}

/**
 * Opens the UI in a new page of `context`; resolves with the page, `ms` (navigation start →
 * first rows) and, from the same start, `domContentLoaded` and the first listEvents' `listSent`
 * and `listAnswered`.
 */
export async function openUi(context, ready, timeoutMs = 60_000) {
  const page = await context.newPage();
  await page.goto(`${ready.apiUrl}/#token=${ready.token}`);
  await page.waitForFunction(() => window.__hs.firstRowsAt, null, { timeout: timeoutMs });
  // Where the time went: the script loaded and run (DOMContentLoaded), the first listEvents.
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const list = performance
      .getEntriesByType('resource')
      .find((e) => e.name.endsWith('/api/listEvents'));
    return {
      ms: window.__hs.firstRowsAt,
      domContentLoaded: nav?.domContentLoadedEventEnd ?? NaN,
      listSent: list?.startTime ?? NaN,
      listAnswered: list?.responseEnd ?? NaN,
    };
  });
  return { page, ...t };
}
