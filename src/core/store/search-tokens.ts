/**
 * Search's tokens computed in JavaScript, as SQLite's FTS5 tokenizer (`unicode61
 * remove_diacritics 2`, migration 8) makes them, for a backend without FTS5 (PostgreSQL): the
 * same words give the same matches (search-query.ts says what a query means).
 *
 * FTS5 decides per code point: it separates tokens, is part of one (folded: lower case, Latin
 * diacritics removed, `ς` → `σ`), or is dropped (a combining diacritic). Those classes and
 * folds are read from FTS5 itself into search-classes.ts (scripts/gen-search-classes.mjs), so
 * the answer does not depend on the Unicode tables of the Node that runs it;
 * test/core/store/search-tokens.test.ts checks every code point against FTS5 again.
 */
import { CLASS_RUNS, FOLDS } from './search-classes';

const SEPARATES = 0;
const DROPPED = 2;

const runStarts: number[] = [];
const runClasses: number[] = [];
for (const run of CLASS_RUNS.split(',')) {
  const [start, cls] = run.split(':');
  runStarts.push(parseInt(start!, 36));
  runClasses.push(Number(cls));
}

const folds = new Map<number, string>();
for (const f of FOLDS.split(',')) {
  const [cp, to] = f.split(':');
  folds.set(parseInt(cp!, 36), String.fromCodePoint(...to!.split('.').map((c) => parseInt(c, 36))));
}

function classOfSlow(cp: number): number {
  let lo = 0;
  let hi = runStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (runStarts[mid]! <= cp) lo = mid;
    else hi = mid - 1;
  }
  return runClasses[lo]!;
}

/** The class of each code point of the BMP, looked up once (astral ones by search). */
const BMP = new Uint8Array(0x10000);
for (let cp = 0; cp < 0x10000; cp++) BMP[cp] = classOfSlow(cp);

const classOf = (cp: number): number => (cp < 0x10000 ? BMP[cp]! : classOfSlow(cp));

/** The tokens of a text, in order. */
export function searchTokens(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const cls = classOf(cp);
    if (cls === SEPARATES) {
      if (cur) out.push(cur);
      cur = '';
    } else if (cls !== DROPPED) {
      cur += folds.get(cp) ?? ch;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** A field as stored for matching: its tokens between single spaces, with one at each end. */
export function tokenString(text: string): string {
  const t = searchTokens(text);
  return t.length === 0 ? ' ' : ` ${t.join(' ')} `;
}
