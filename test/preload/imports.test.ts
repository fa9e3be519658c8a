import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(import.meta.dirname, '..', '..', 'src', 'preload');

/** Value (non-type) imports of a source file. */
function valueImports(file: string): string[] {
  const src = readFileSync(join(DIR, file), 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+'([^']+)';/gms)) {
    if (!m[1]) out.push(m[2]!);
  }
  for (const m of src.matchAll(/\brequire\(\s*'([^']+)'\s*\)|\bimport\(\s*'([^']+)'\s*\)/g)) {
    out.push(m[1] ?? m[2]!);
  }
  return out;
}

describe('the sandboxed preload', () => {
  // A sandboxed preload can require `electron` only: any npm package (zod included) would
  // fail to load at run time, and the window would have no bridge.
  it('loads nothing at run time but electron and its own files', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('index.ts');
    for (const f of files) {
      for (const spec of valueImports(f)) {
        expect(spec === 'electron' || /^\.\/[\w-]+$/.test(spec), `${f} imports ${spec}`).toBe(true);
      }
    }
  });
});
