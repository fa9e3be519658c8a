// The UI on a big log (issue 16): in Chromium, against a running `hookscope serve` on a log of
// about a million events, the time from a user's action to the rows (or the body) on screen:
// open the UI, jump to the oldest event (End, the list header's "Oldest ↓") and back (Home),
// search, open an event; and the renderer's heap before and after going up from the oldest. Every time is on the page's clock, from the input event's timeStamp (or
// navigation start) to the animation frame after the DOM has the result (bench/browser.mjs).
// Functions passed to page.evaluate run in the browser:
/* global window, document */
import { loadavg } from 'node:os';
import { api, median } from './lib.mjs';
import {
  ROW_PX,
  heapAfterGc,
  launchChromium,
  openUi,
  probedContext,
  stats,
  timeAction,
} from './browser.mjs';

/** The list's page of older rows (src/renderer/src/model/event-pages.ts, PAGE_LIMIT). */
const PAGE_ROWS = 500;
const TARGET_MS = 150;
const HEAP_GROWTH = 1.2;

/** Rows the list has loaded (its scroll height in rows, a "Loading newer" row included). */
const loadedRows = (page) =>
  page.getByTestId('event-list').evaluate((el, px) => Math.round(el.scrollHeight / px), ROW_PX);

/** The first id of the list for `query` ('' for none), as the engine answers it. */
async function firstId(ready, query, order = 'newest') {
  const r = await api(ready, 'listEvents', { ...(query ? { query } : {}), order, limit: 1 });
  return r.items[0]?.id ?? null;
}

/**
 * Measures the UI against `ready` (a `hookscope serve` ready line: apiUrl, token) on a big log.
 * `runs` of each action; `walkSteps` pages loaded going up from the oldest (for the heap).
 * Resolves `{ skipped }` when no Chromium is installed.
 */
export async function uiOnBigLog(
  ready,
  {
    log = () => {},
    runs = 5,
    walkSteps = 20,
    words = { rare: 'zebracorn', common: 'headphones' },
  } = {},
) {
  const { browser, skipped } = await launchChromium();
  if (!browser) return { skipped };
  try {
    const events = (await api(ready, 'getStatus')).events;
    const newest = await firstId(ready, '');
    const oldest = await firstId(ready, '', 'oldest');
    const context = await probedContext(browser);
    const out = { events, runs, pageRows: PAGE_ROWS, loadAverage: loadavg() };

    // Open the UI: navigation to the first screen of rows, a fresh page each run.
    const loads = [];
    let page = null;
    for (let i = 0; i < runs; i++) {
      if (page) await page.close();
      const { page: next, ...times } = await openUi(context, ready);
      page = next;
      loads.push(times);
    }
    const open = loads.map((o) => o.ms);
    const mid = (k) => median(loads.map((o) => o[k]));
    out.open = {
      ...stats(open),
      domContentLoaded: mid('domContentLoaded'),
      listSent: mid('listSent'),
      listAnswered: mid('listAnswered'),
    };
    log(`ui-million: open ${open.map((x) => x.toFixed(0)).join(', ')} ms`);
    await page.getByTestId('list-count').filter({ hasNotText: 'Loading' }).waitFor();
    out.heapBefore = await heapAfterGc(page);

    // Jump to the oldest event and back: End → the oldest event's row on screen (all rows real),
    // Home → the newest's; then the same with the list header's "Oldest ↓" button (a click).
    const list = page.getByTestId('event-list');
    await list.focus();
    const ends = [];
    const homes = [];
    const buttons = [];
    const press = (key) => () => page.keyboard.press(key);
    for (let i = 0; i < runs; i++) {
      ends.push(await timeAction(page, 'keydown', 'rowShown', { id: oldest }, press('End')));
      homes.push(await timeAction(page, 'keydown', 'rowShown', { id: newest }, press('Home')));
    }
    for (let i = 0; i < runs; i++) {
      const oldestButton = () => page.getByTestId('jump-oldest').click();
      buttons.push(await timeAction(page, 'click', 'rowShown', { id: oldest }, oldestButton));
      await timeAction(page, 'keydown', 'rowShown', { id: newest }, press('Home'));
    }
    out.jump = { oldest: stats(ends), newest: stats(homes), button: stats(buttons) };
    log(
      `ui-million: End → oldest ${ends.map((x) => x.ms.toFixed(0)).join(', ')} ms; ` +
        `Home → newest ${homes.map((x) => x.ms.toFixed(0)).join(', ')} ms`,
    );

    // Going up from the oldest: each scroll to the top loads the next newer page above; the
    // heap after half of the pages and after all of them (the list keeps at most 8 pages).
    await timeAction(page, 'keydown', 'rowShown', { id: oldest }, press('End'));
    let reached = await loadedRows(page);
    let heapHalfway = null;
    let steps = 0;
    for (; steps < walkSteps; steps++) {
      if (steps === Math.floor(walkSteps / 2)) heapHalfway = await heapAfterGc(page);
      const before = reached;
      await list.evaluate((el) => el.scrollTo({ top: 0 }));
      await page.waitForFunction(
        ([n, px]) => {
          const el = document.querySelector('[data-testid="event-list"]');
          return el && Math.round(el.scrollHeight / px) !== n;
        },
        [before, ROW_PX],
        { timeout: 60_000 },
      );
      reached = await loadedRows(page);
      if (reached <= before) break; // the newest reached
    }
    out.up = {
      steps,
      loadedRows: reached,
      heapHalfway,
      heap: await heapAfterGc(page),
      domRows: await page.locator('.row').count(),
    };
    log(`ui-million: up from the oldest ×${steps}, ${reached} rows loaded`);

    // Search: type the word, then Enter (which skips the box's 250 ms debounce) → the filtered
    // list's first rows; then clearing it (Enter on an empty box) → the whole log's rows again.
    // Once more typed without Enter, the debounce included.
    const search = page.getByTestId('search');
    const clear = async () => {
      await search.fill('');
      return timeAction(page, 'keydown', 'reloaded', { id: newest }, () => search.press('Enter'));
    };
    out.search = {};
    const clears = [];
    for (const [kind, word] of Object.entries(words)) {
      const expect = await firstId(ready, word);
      const enter = [];
      for (let i = 0; i < runs; i++) {
        await search.fill(word);
        enter.push(
          await timeAction(page, 'keydown', 'reloaded', { id: expect }, () =>
            search.press('Enter'),
          ),
        );
        clears.push(await clear());
      }
      await search.click();
      const typed = await timeAction(page, 'keydown', 'reloaded', { id: expect }, () =>
        page.keyboard.type(word),
      );
      clears.push(await clear());
      out.search[kind] = { word, ...stats(enter), typed: typed.ms };
      log(`ui-million: search ${word}: ${enter.map((x) => x.ms.toFixed(0)).join(', ')} ms`);
    }
    out.clear = stats(clears);

    // Open an event: a click on a row → its body on the Body tab (chosen once beforehand).
    // The search box is left first (Escape): while it is focused its hint is shown above the
    // list, and the mousedown's blur removes it, so the rows move up under the pointer and the
    // click lands on no row (a UI bug, reported with the figures).
    await search.press('Escape');
    await page.getByTestId('search-hint').waitFor({ state: 'detached' });
    const rows = await page.evaluate(() => window.__hs.viewRows().map((r) => r.id));
    await page.locator(`.row[data-id="${rows[0]}"]`).click();
    await page.getByTestId('tab-body').click();
    const opens = [];
    for (let i = 1; i <= runs && i < rows.length; i++) {
      const row = page.locator(`.row[data-id="${rows[i]}"]`);
      opens.push(await timeAction(page, 'click', 'detail', { id: rows[i] }, () => row.click()));
    }
    out.openEvent = stats(opens);
    log(`ui-million: open event ${opens.map((x) => x.ms.toFixed(0)).join(', ')} ms`);

    out.heapAfter = await heapAfterGc(page);
    out.domRows = await page.locator('.row').count();
    out.loadAverageAfter = loadavg();
    await context.close();
    return out;
  } finally {
    await browser.close();
  }
}

const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** Rows for the targets table: `[figure, measured, target, result]`. */
export function uiOnBigLogRows(u, yesNo, fmt) {
  if (u.skipped) return [['UI on a big log', `skipped: ${u.skipped}`, '', 'n/a']];
  const n = fmt.int(u.events);
  const t = `≤ ${TARGET_MS} ms`;
  const mm = (s) => `${fmt.ms(s.median)} (max ${fmt.ms(s.max)})`;
  const deep = u.up.heap / u.up.heapHalfway;
  return [
    [
      `UI on ${n} events: open, navigation → first rows (median of ${u.runs})`,
      mm(u.open),
      t,
      yesNo(u.open.median <= TARGET_MS),
    ],
    [
      `UI on ${n} events: jump to the oldest event, End → its row shown (median of ${u.runs})`,
      mm(u.jump.oldest),
      t,
      yesNo(u.jump.oldest.median <= TARGET_MS),
    ],
    [
      `UI on ${n} events: search a rare word, Enter → rows (median of ${u.runs})`,
      mm(u.search.rare),
      t,
      yesNo(u.search.rare.median <= TARGET_MS),
    ],
    [
      `UI on ${n} events: search a common word, Enter → rows (median of ${u.runs})`,
      mm(u.search.common),
      t,
      yesNo(u.search.common.median <= TARGET_MS),
    ],
    [
      `UI on ${n} events: open an event, click → body shown (median of ${u.openEvent.samples.length})`,
      mm(u.openEvent),
      t,
      yesNo(u.openEvent.median <= TARGET_MS),
    ],
    [
      `UI on ${n} events: renderer JS heap after ${u.up.steps} newer pages loaded going up from the oldest vs after half of them (opened: ${mb(u.heapBefore)}, at the end: ${mb(u.heapAfter)})`,
      `${mb(u.up.heap)} vs ${mb(u.up.heapHalfway)} (×${deep.toFixed(2)})`,
      `flat (≤ ×${HEAP_GROWTH})`,
      yesNo(deep <= HEAP_GROWTH),
    ],
  ];
}

/** The Markdown section for the UI on a big log. */
export function uiOnBigLogSection(u, { table, fmt }) {
  if (u.skipped) return `## UI on a big log\n\nNot measured: ${u.skipped}.\n`;
  const list = (s) => s.samples.map((x) => fmt.ms(x)).join(', ');
  const row = (name, s) => [
    name,
    fmt.ms(s.median),
    fmt.ms(s.max),
    s.apiMedian === undefined ? '' : fmt.ms(s.apiMedian),
    list(s),
  ];
  return `## UI on a big log

The built UI in Chromium (Playwright, 1280×720) against \`hookscope serve\` on the log of
${fmt.int(u.events)} events. Each time runs on the page's clock, from the input event (its
\`timeStamp\`; navigation start for opening) to the animation frame after the DOM holds the
result: the list's rows in its viewport all real (no placeholder, no "Loading older
deliveries…"), or the open event's body. Search is typed and sent with Enter (typed without
Enter, the box waits 250 ms before it searches: ${fmt.ms(u.search.rare.typed)} for the rare word,
${fmt.ms(u.search.common.typed)} for the common one); the condition is the list going through
"Loading…" and then showing, first, the event the engine lists first for that query.

${table(
  ['action', 'median', 'max', 'last API answer (median)', 'runs'],
  [
    row('open the UI (navigation → first rows)', u.open),
    row('End → the oldest event shown', u.jump.oldest),
    row('Home → the newest event shown', u.jump.newest),
    row('"Oldest ↓" (click) → the oldest event shown', u.jump.button),
    row(`search "${u.search.rare.word}" (rare), Enter → rows`, u.search.rare),
    row(`search "${u.search.common.word}" (common), Enter → rows`, u.search.common),
    row('clear the search, Enter → the whole log', u.clear),
    row('open an event (click → its body, Body tab)', u.openEvent),
  ],
)}

Opening, where the time goes (medians from navigation start): the page's script loaded and run
by DOMContentLoaded at ${fmt.ms(u.open.domContentLoaded)}; the first \`listEvents\` sent at
${fmt.ms(u.open.listSent)} and answered at ${fmt.ms(u.open.listAnswered)}; rows on screen at
${fmt.ms(u.open.median)}. "Last API answer" is from the input to the end of the last control
API answer begun since (the rest is the page's own work: React, layout, paint).
Load average (1, 5, 15 min) at the start ${u.loadAverage.map((x) => x.toFixed(2)).join(', ')},
at the end ${u.loadAverageAfter.map((x) => x.toFixed(2)).join(', ')}: the machine is shared, so
these times carry its noise.

Jumping to the oldest event: End (or the list header's "Oldest ↓") asks for the oldest page
(\`listEvents\` with \`order: 'oldest'\`) and shows it at the bottom of the list, the oldest event
last and open; Home (or "Newest ↑") goes back to the newest. Going up from the oldest loads
newer pages above (\`afterSeq\`, oldest first) without moving the rows in view.

Heap (JS heap used after two forced garbage collections, CDP): ${mb(u.heapBefore)} with the UI
just opened; ${mb(u.up.heapHalfway)} after ${Math.floor(u.up.steps / 2)} newer pages loaded going
up from the oldest and ${mb(u.up.heap)} after ${u.up.steps} (${fmt.int(u.up.loadedRows)} rows
tall, ${u.up.domRows} DOM rows; the list keeps at most 8 pages of summaries besides the top one,
so the heap follows what is near the screen, not how far one goes); ${mb(u.heapAfter)} at the end, after
the searches and the opened events (${u.domRows} DOM rows).
`;
}
