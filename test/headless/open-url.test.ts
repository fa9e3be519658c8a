import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openUi } from '../../src/headless/open-url';

/** Calls openUi with an opener that only records what it was asked to start. */
function open(url: string) {
  const calls: string[][] = [];
  const errors: string[] = [];
  let child: EventEmitter | null = null;
  const remove = openUi(
    url,
    (m) => errors.push(m),
    (command, args) => {
      calls.push([command, ...args]);
      child = new EventEmitter();
      return child as ChildProcess;
    },
  );
  return { calls, errors, remove, child: () => child! };
}

const unescape = (s: string): string =>
  s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

/** Where the page's refresh and link send the browser. */
function targets(html: string): string[] {
  const refresh = /<meta http-equiv="refresh" content="0; url='([^']*)'">/.exec(html)![1]!;
  const link = /<a href="([^"]*)">/.exec(html)![1]!;
  return [unescape(refresh), unescape(link)];
}

describe('opening the UI in a browser', () => {
  it('hands the opener only the path of a private page that leads to the UI', () => {
    const url = 'http://127.0.0.1:7701/#token=s3cr3t-T0KEN_x';
    const { calls, errors, remove } = open(url);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.join(' ')).not.toContain('s3cr3t');
    const page = calls[0]!.at(-1)!;
    expect(page).toMatch(/open-hookscope\.html$/);
    if (process.platform !== 'win32') {
      expect(statSync(page).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(page)).mode & 0o777).toBe(0o700);
    }
    expect(targets(readFileSync(page, 'utf8'))).toEqual([url, url]);
    expect(errors).toEqual([]);
    remove();
    expect(existsSync(dirname(page))).toBe(false);
  });

  it('keeps a token with quotes and markup in it as text, not markup', () => {
    const url = `http://127.0.0.1:7701/#token=a"b<script>x</script>&'c`;
    const { calls, remove } = open(url);
    const html = readFileSync(calls[0]!.at(-1)!, 'utf8');
    expect(html).not.toContain('<script>');
    // A quote would end the refresh's quoted URL: it is percent-encoded there.
    expect(targets(html)).toEqual([url.replace("'", '%27'), url.replace("'", '%27')]);
    remove();
  });

  it('says so, with the address to open by hand, when no opener can be started', () => {
    const url = 'http://127.0.0.1:7701/#token=t';
    const { errors, child, remove } = open(url);
    child().emit('error', new Error('spawn xdg-open ENOENT'));
    expect(errors).toEqual([`could not open a browser (spawn xdg-open ENOENT); open ${url}`]);
    remove();
  });
});
