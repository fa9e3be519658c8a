import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The modules main.tsx loads before the first screen: static, non-type imports, followed. */
function firstScreenModules(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (graph.has(file)) return;
    const src = readFileSync(file, 'utf8');
    const deps: string[] = [];
    graph.set(file, deps);
    // `import x from '…'` / `import { a, type B } from '…'` / `import '…'`, not `import type`.
    for (const m of src.matchAll(/^import\s+(?!type\s)(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (!spec.startsWith('.')) {
        deps.push(spec);
        continue;
      }
      if (spec.endsWith('.css')) continue;
      const base = resolve(dirname(file), spec);
      const path = ['.ts', '.tsx', '/index.ts'].map((x) => base + x).find((p) => existsSync(p));
      if (!path) throw new Error(`cannot resolve ${spec} from ${file}`);
      deps.push(path);
      visit(path);
    }
  };
  visit(entry);
  return graph;
}

describe("the UI's first screen", () => {
  it('loads no zod and no contract schemas: they come with the panels that parse input', () => {
    const graph = firstScreenModules(join(ROOT, 'src/renderer/src/main.tsx'));
    const rel = (p: string): string => p.replace(ROOT + '/', '');
    const zod = [...graph].filter(([, deps]) => deps.includes('zod')).map(([f]) => rel(f));
    expect(zod).toEqual([]);
    expect([...graph.keys()].map(rel)).not.toContain('src/shared/contract.ts');
    // The graph is the real one: the list, the app and the shared filters are in it.
    expect([...graph.keys()].map(rel)).toEqual(
      expect.arrayContaining([
        'src/renderer/src/app.tsx',
        'src/renderer/src/model/live-list.ts',
        'src/shared/filters.ts',
      ]),
    );
  });
});
