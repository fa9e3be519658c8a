/**
 * What search means, as data: deliveries and, for each query, exactly which of them match.
 * Backend-neutral (no SQLite here), so any store that implements search (the SQLite one in
 * search.test.ts, a PostgreSQL one later) runs the same table.
 */
import { brotliCompressSync, gzipSync } from 'node:zlib';

export interface SearchDelivery {
  id: string;
  method?: string;
  path?: string;
  query?: string;
  headers?: [string, string][];
  body: Buffer;
}

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const HOST: [string, string] = ['Host', '127.0.0.1:7700'];
const JSON_TYPE: [string, string] = ['Content-Type', 'application/json'];

/** 2 MB of text: a word near the start, another past the first MB (not searched). */
const big = Buffer.from(
  'alphaword ' + 'lorem ipsum '.repeat(125_000) + 'omegaword ' + 'dolor '.repeat(90_000),
);

/** Every delivery carries the Host header `127.0.0.1:7700`, as the receiver stores it. */
export const SEARCH_DELIVERIES: SearchDelivery[] = [
  { id: 'bulk_5', path: '/bulk', body: json({ id: 'evt_bulk_5' }) },
  { id: 'bulk_50', path: '/bulk', body: json({ id: 'evt_bulk_50' }) },
  { id: 'bulk_59', path: '/bulk', body: json({ id: 'evt_bulk_59' }) },
  { id: 'mark_12', path: '/mark', body: json({ mark: 'bulkmark-12' }) },
  {
    id: 'stripe',
    path: '/stripe/webhooks',
    query: 'mode=test',
    body: json({ type: 'payment_intent.succeeded', note: 'payment succeeded' }),
  },
  { id: 'reversed', path: '/other', body: json({ note: 'succeeded payment' }) },
  {
    id: 'github',
    path: '/github',
    headers: [HOST, JSON_TYPE, ['X-GitHub-Event', 'pull_request']],
    body: json({ action: 'opened' }),
  },
  {
    id: 'gzip',
    path: '/compressed',
    headers: [HOST, JSON_TYPE, ['Content-Encoding', 'gzip']],
    body: gzipSync(json({ secret_word: 'zanzibar' })),
  },
  {
    id: 'brotli',
    path: '/compressed',
    headers: [HOST, JSON_TYPE, ['Content-Encoding', 'br']],
    body: brotliCompressSync(json({ city: 'Reykjavík' })),
  },
  { id: 'big', path: '/big', headers: [HOST, ['Content-Type', 'text/plain']], body: big },
  {
    id: 'binary',
    path: '/upload',
    headers: [HOST, ['Content-Type', 'application/octet-stream']],
    body: Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(' binaryword ')]),
  },
  { id: 'cafe', path: '/menu', body: Buffer.from('Café crème, naïve') },
  { id: 'quokka_path', path: '/orders/quokka', body: json({ x: 'nothing' }) },
  { id: 'quokka_body', path: '/orders', body: json({ animal: 'quokka' }) },
];

/** For each query, the ids of the deliveries it must find (and no others). */
export const SEARCH_CASES: { query: string; expected: string[]; why: string }[] = [
  { query: 'evt_bulk_5', expected: ['bulk_5'], why: 'a word joined by _ is a phrase' },
  { query: '"evt_bulk_5"', expected: ['bulk_5'], why: 'quoted: the same exact phrase' },
  { query: 'evt_bulk_5*', expected: ['bulk_5', 'bulk_50', 'bulk_59'], why: 'prefix on request' },
  { query: 'bulk', expected: ['bulk_5', 'bulk_50', 'bulk_59'], why: 'whole token (path, body)' },
  { query: 'bulkmark-12', expected: ['mark_12'], why: 'not every delivery through Host 127' },
  { query: '12', expected: ['mark_12'], why: 'a number is a whole token, 12 is not 127' },
  { query: '127', expected: SEARCH_DELIVERIES.map((d) => d.id), why: 'header values' },
  { query: 'body:127', expected: [], why: 'the field limits it' },
  { query: 'header:host', expected: SEARCH_DELIVERIES.map((d) => d.id), why: 'header names' },
  { query: '"payment succeeded"', expected: ['stripe'], why: 'phrase: adjacent, in order' },
  { query: 'succeeded payment', expected: ['stripe', 'reversed'], why: 'words: all, any order' },
  { query: 'paym*', expected: ['stripe', 'reversed'], why: 'prefix' },
  { query: 'paym', expected: [], why: 'no prefix unless asked' },
  { query: 'payment_intent.succeeded', expected: ['stripe'], why: 'punctuation joins a phrase' },
  { query: 'path:mode', expected: ['stripe'], why: 'the query string is part of the path' },
  { query: 'mode=test', expected: ['stripe'], why: 'path and query' },
  { query: 'header:pull_request', expected: ['github'], why: 'header value' },
  { query: 'PULL_REQUEST', expected: ['github'], why: 'case-folded' },
  { query: 'body:pull_request', expected: [], why: 'not in a body' },
  { query: 'zanzibar', expected: ['gzip'], why: 'gzip body searched decoded' },
  { query: 'body:secret_word', expected: ['gzip'], why: 'gzip body searched decoded' },
  { query: 'reykjavik', expected: ['brotli'], why: 'br decoded; diacritics folded' },
  { query: 'alphaword', expected: ['big'], why: 'within the first MB of a 2 MB body' },
  { query: 'omegaword', expected: [], why: 'past the first MB: not searched' },
  { query: 'lorem', expected: ['big'], why: 'large body' },
  { query: 'binaryword', expected: [], why: 'a body that is not text is not searched' },
  { query: 'upload', expected: ['binary'], why: 'its path still is' },
  { query: 'cafe', expected: ['cafe'], why: 'diacritics folded' },
  { query: 'CAFÉ CRÈME', expected: ['cafe'], why: 'either way, any case' },
  { query: 'naive', expected: ['cafe'], why: 'diacritics folded' },
  { query: 'quokka', expected: ['quokka_path', 'quokka_body'], why: 'any field' },
  { query: 'path:quokka', expected: ['quokka_path'], why: 'path only' },
  { query: 'body:quokka', expected: ['quokka_body'], why: 'body only' },
  { query: 'Path:"orders quokka"', expected: ['quokka_path'], why: 'field + phrase' },
  { query: 'post', expected: [], why: 'the method is not searched (the Method filter is)' },
  { query: 'quokka OR zanzibar', expected: [], why: 'operators are plain words' },
  { query: '"unbalanced AND ( NEAR', expected: [], why: 'no syntax error, ever' },
  { query: 'nothing-like-this', expected: [], why: 'no match' },
  { query: '***', expected: SEARCH_DELIVERIES.map((d) => d.id), why: 'no words: no filter' },
];
