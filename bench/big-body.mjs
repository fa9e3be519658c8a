// A 25 MB delivery in the UI (issue 16): a fresh `hookscope serve`, one JSON delivery of the
// receiver's largest size, then in Chromium the time from the click on its row to the first
// screen of its body, what the UI fetched for it (getEvent's first part, getEventBody's ranges:
// the body once, not twice), and whether search finds a word in the body's first MB and, as
// README.md says, not one past it.
// Functions passed to page.evaluate run in the browser:
/* global window, document, MutationObserver */
import { performance } from 'node:perf_hooks';
import { api, postJson, startHookscope, stopChild, tempDir } from './lib.mjs';
import { launchChromium, openUi, probedContext, timeAction } from './browser.mjs';

/** The receiver's default largest body (src/shared/defaults.ts: maxBodyBytes). */
export const BIG_BODY_BYTES = 25 * 1024 * 1024;
/** What search reads of a large body (README.md, Search). */
const SEARCHED_BYTES = 1024 * 1024;
/** What getEvent carries of a body (src/shared/model.ts: FIRST_BODY_BYTES). */
const FIRST_PART_BYTES = 256 * 1024;
const EARLY_WORD = 'bigbodyearly';
const LATE_WORD = 'bigbodylate';
/** Where the late word sits: well past the searched MB. */
const LATE_AT = 2 * 1024 * 1024;
const TARGET_MS = 300;

/** A JSON body of exactly `size` bytes: the early word near its start, the late one at LATE_AT. */
function bigJson(size) {
  const head = `{"type":"bench.bigbody","early":"${EARLY_WORD}","pad":"`;
  const tail = '"}';
  const filler = 'lorem ipsum dolor sit amet consectetur adipiscing elit ';
  let pad = filler.repeat(Math.ceil(size / filler.length));
  const late = ` ${LATE_WORD} `;
  const at = LATE_AT - head.length;
  pad = pad.slice(0, at) + late + pad.slice(at + late.length);
  pad = pad.slice(0, size - head.length - tail.length);
  const text = head + pad + tail;
  if (Buffer.byteLength(text) !== size) throw new Error('big body size mismatch');
  return text;
}

/**
 * Watches what the page asks of getEvent and getEventBody for event `id`: the body ranges it
 * received and the bytes on the wire. `take()` returns what was seen since the last take.
 */
function watchBodyFetches(page, id) {
  let seen = [];
  const pending = [];
  page.on('requestfinished', (req) => {
    const path = new URL(req.url()).pathname;
    if (path !== '/api/getEvent' && path !== '/api/getEventBody') return;
    const input = req.postDataJSON();
    if (input?.id !== id) return;
    pending.push(
      (async () => {
        const [res, sizes] = await Promise.all([req.response(), req.sizes()]);
        const out = await res.json();
        const part = path === '/api/getEvent' ? out.body : out;
        const offset = path === '/api/getEvent' ? 0 : input.offset;
        seen.push({
          command: path.slice(5),
          offset,
          length: part.length,
          wire: sizes.responseBodySize,
        });
      })(),
    );
  });
  return async () => {
    await Promise.all(pending.splice(0));
    const calls = seen.sort((a, b) => a.offset - b.offset);
    seen = [];
    let covered = 0;
    let end = 0;
    for (const c of calls) {
      const from = Math.max(c.offset, end);
      const to = c.offset + c.length;
      if (to > from) covered += to - from;
      end = Math.max(end, to);
    }
    const bodyBytes = calls.reduce((n, c) => n + c.length, 0);
    return {
      calls,
      bodyBytes,
      wireBytes: calls.reduce((n, c) => n + c.wire, 0),
      distinctBytes: covered,
      overlapBytes: bodyBytes - covered,
    };
  };
}

/**
 * The big-body figures: a fresh serve, one `BIG_BODY_BYTES` JSON delivery (and a small one, to
 * choose the Body tab on first), then the UI: `runs` opens of the big one (the small one opened
 * in between). Resolves `{ skipped }` without Chromium.
 */
export async function runBigBody({ log = () => {}, runs = 2 } = {}) {
  const { browser, skipped } = await launchChromium();
  if (!browser) return { skipped };
  const proc = await startHookscope(tempDir());
  try {
    const { ready } = proc;
    const body = bigJson(BIG_BODY_BYTES);
    await postJson(`${ready.receiverUrl}/big/small`, '{"type":"bench.small"}');
    log(`big-body: posting ${BIG_BODY_BYTES} bytes`);
    const ackMs = await postJson(`${ready.receiverUrl}/big/body`, body);
    const items = (await api(ready, 'listEvents', { limit: 2 })).items;
    const big = items.find((e) => e.path === '/big/body');
    const small = items.find((e) => e.path === '/big/small');
    const out = { bytes: BIG_BODY_BYTES, ackMs, runs };

    const context = await probedContext(browser);
    const { page } = await openUi(context, ready);
    const take = watchBodyFetches(page, big.id);
    await page.locator(`.row[data-id="${small.id}"]`).click();
    await page.getByTestId('tab-body').click();
    await page.getByTestId('event-detail').locator('.body-view').waitFor();
    // When "Loading the body: … of …" first shows (the detail is there, the body is not).
    await page.evaluate(() => {
      window.__loadingAt = [];
      new MutationObserver(() => {
        const shown = document.querySelector('[data-testid="body-loading"]') !== null;
        const last = window.__loadingAt.at(-1);
        if (shown && (last === undefined || last.done)) {
          window.__loadingAt.push({ at: performance.now() - window.__hs.t0, done: false });
        } else if (!shown && last && !last.done) last.done = true;
      }).observe(document.documentElement, { childList: true, subtree: true });
    });
    const prefix = body.slice(0, 64);
    const open = async () => {
      await page.locator(`.row[data-id="${small.id}"]`).click();
      await page.getByTestId('event-detail').locator('.body-view').waitFor();
      const t = await timeAction(
        page,
        'click',
        'bodyText',
        { prefix },
        () => page.locator(`.row[data-id="${big.id}"]`).click(),
        120_000,
      );
      const loading = await page.evaluate(() => window.__loadingAt.at(-1)?.at ?? null);
      // The first screen shows before the rest of the body is in: count what the whole open
      // fetched, once it is done.
      await page
        .getByTestId('body-loading')
        .waitFor({ state: 'detached', timeout: 120_000 })
        .catch(() => undefined);
      return { ...t, loadingMs: loading, fetched: await take() };
    };
    out.first = await open();
    log(`big-body: first open ${out.first.ms.toFixed(0)} ms`);
    out.again = [];
    for (let i = 1; i < runs; i++) out.again.push(await open());
    log(`big-body: opened again ${out.again.map((x) => x.ms.toFixed(0)).join(', ')} ms`);
    out.searchNote =
      (await page
        .getByTestId('tab-overview')
        .click()
        .then(() => page.getByTestId('body-search-note').textContent({ timeout: 5_000 }))
        .catch(() => null)) ?? null;

    // Search: through the UI (Enter → the rows) and the API, for each word.
    out.search = {};
    const search = page.getByTestId('search');
    for (const [kind, word, at] of [
      ['early', EARLY_WORD, body.indexOf(EARLY_WORD)],
      ['late', LATE_WORD, body.indexOf(LATE_WORD)],
    ]) {
      const r = await api(ready, 'listEvents', { query: word, limit: 5 });
      const found = r.items.some((e) => e.id === big.id);
      await search.fill(word);
      const ui = await timeAction(page, 'keydown', 'reloaded', { id: found ? big.id : null }, () =>
        search.press('Enter'),
      );
      out.search[kind] = { word, at, found, uiMs: ui.ms };
      await search.fill('');
      await search.press('Enter');
    }
    log(`big-body: search early found ${out.search.early.found}, late ${out.search.late.found}`);
    await context.close();
    return out;
  } finally {
    await browser.close();
    await stopChild(proc);
  }
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(2)} MB`;

/** Rows for the targets table: `[figure, measured, target, result]`. */
export function bigBodyRows(b, yesNo, fmt) {
  if (b.skipped) return [['25 MB delivery in the UI', `skipped: ${b.skipped}`, '', 'n/a']];
  const f = b.first.fetched;
  const { early, late } = b.search;
  return [
    [
      `${mib(b.bytes)} JSON delivery: click → first screen of its body (first open)`,
      `${fmt.ms(b.first.ms)} (body fetched by ${fmt.ms(b.first.apiMs)})`,
      `≤ ${TARGET_MS} ms`,
      yesNo(b.first.ms <= TARGET_MS),
    ],
    [
      `${mib(b.bytes)} delivery: body bytes the UI fetched on first open`,
      `${mib(f.bodyBytes)} in ${f.calls.length} parts (${mib(f.overlapBytes)} twice), ${mib(f.wireBytes)} on the wire`,
      'the body once',
      yesNo(f.overlapBytes === 0 && f.distinctBytes === b.bytes),
    ],
    [
      `Search in a ${mib(b.bytes)} body: a word at byte ${fmt.int(early.at)} / one at byte ${fmt.int(late.at)}`,
      `${early.found ? 'found' : 'not found'} / ${late.found ? 'found' : 'not found'}`,
      'found / not found (first 1 MB searched)',
      yesNo(early.found && !late.found),
    ],
  ];
}

/** The Markdown section for the big body. */
export function bigBodySection(b, { table, fmt }) {
  if (b.skipped) return `## A 25 MB delivery\n\nNot measured: ${b.skipped}.\n`;
  const row = (name, o) => [
    name,
    fmt.ms(o.ms),
    o.loadingMs === null ? 'not shown' : fmt.ms(o.loadingMs),
    fmt.ms(o.apiMs),
    `${o.fetched.calls.length}: ${o.fetched.calls.map((c) => `${c.command} ${fmt.int(c.offset)}+${fmt.int(c.length)}`).join(', ')}`,
    mib(o.fetched.wireBytes),
  ];
  return `## A 25 MB delivery

A fresh \`hookscope serve\`; one JSON delivery of ${fmt.int(b.bytes)} bytes (the receiver's
default largest body), acknowledged in ${fmt.ms(b.ackMs)}. In Chromium (Playwright,
1280×720) with the Body tab chosen on a small delivery first: from the click on the big
delivery's row (the input event's \`timeStamp\`) to the animation frame after the Body tab shows
the first characters of the body. "Loading" is when the tab's "Loading the body: … of …" line
first showed; "last API answer" is when the last body part had arrived. Requests are
getEvent (the headers and the first 256 KB) and getEventBody (a range, up to 4 MB a part), as
seen by the page (offset+length in bytes of the body; wire bytes are the JSON answers).

${table(
  ['open', 'body on screen', 'loading shown', 'last API answer', 'requests', 'on the wire'],
  [row('first', b.first), ...b.again.map((o, i) => row(`again (${i + 2})`, o))],
)}

The Body tab shows getEvent's first 256 KB at once, under a line saying how much of the body
has come (\`useEventDetail\` in src/renderer/src/hooks/use-event-detail.ts paints that part
before it fetches the rest with getEventBody), and the whole body once all of its
${mib(b.bytes)} arrived. One open fetches the body once: ${mib(b.first.fetched.distinctBytes)} distinct
bytes of ${mib(b.bytes)}, ${mib(b.first.fetched.overlapBytes)} of them twice.${
    b.again.length
      ? ` Opened again after the small delivery, in the same page, it fetched ${mib(b.again[0].fetched.bodyBytes)} again${
          b.again[0].fetched.bodyBytes > FIRST_PART_BYTES
            ? ': `useEventDetail` (src/renderer/src/hooks/use-event-detail.ts) keeps only the last opened whole body (its `kept` ref), which the small delivery replaced'
            : ''
        }.`
      : ''
  }

Search (README.md: of a large body the first 1 MB of text): "${b.search.early.word}" at byte
${fmt.int(b.search.early.at)} is ${b.search.early.found ? 'found' : 'not found'} (the UI's
list showed it ${fmt.ms(b.search.early.uiMs)} after Enter), "${b.search.late.word}" at byte
${fmt.int(b.search.late.at)} (past the ${fmt.int(SEARCHED_BYTES)} bytes searched) is
${b.search.late.found ? 'found' : 'not found'}. The Overview says: "${(b.searchNote ?? '(no note)').trim()}".
`;
}
