import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { build, type Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const SUFFIX = '?nodeWorker';

/**
 * electron-vite's `?nodeWorker` imports for vitest, which runs the TypeScript sources: the
 * worker module is bundled once per run (dependencies stay external, resolved from the
 * project's node_modules) into a folder under out/ removed when the run ends, and the import
 * gives the same factory as in the build: `(options) => new Worker(bundle, options)`.
 */
function nodeWorkers(root: string): Plugin {
  const built = new Map<string, Promise<string>>();
  let dir: string | null = null;
  const bundle = async (entry: string): Promise<string> => {
    if (dir === null) {
      mkdirSync(resolve(root, 'out'), { recursive: true });
      const made = mkdtempSync(join(resolve(root, 'out'), 'test-workers-'));
      dir = made;
      process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    }
    const name = basename(entry).replace(/\.[cm]?ts$/, '');
    await build({
      configFile: false,
      root,
      logLevel: 'warn',
      build: {
        ssr: entry,
        outDir: dir,
        emptyOutDir: false,
        minify: false,
        rollupOptions: { output: { format: 'es', entryFileNames: `${name}.mjs` } },
      },
    });
    return join(dir, `${name}.mjs`);
  };
  return {
    name: 'hookscope:node-worker',
    enforce: 'pre',
    async resolveId(id, importer) {
      if (!id.endsWith(SUFFIX) || !importer) return null;
      const target = await this.resolve(id.slice(0, -SUFFIX.length), importer, { skipSelf: true });
      return target ? `${target.id}${SUFFIX}` : null;
    },
    async load(id) {
      if (!id.endsWith(SUFFIX)) return null;
      const entry = id.slice(0, -SUFFIX.length);
      let file = built.get(entry);
      if (!file) {
        file = bundle(entry);
        built.set(entry, file);
      }
      return [
        "import { Worker } from 'node:worker_threads';",
        `export default (options) => new Worker(${JSON.stringify(await file)}, options);`,
      ].join('\n');
    },
  };
}

export default defineConfig({
  plugins: [nodeWorkers(import.meta.dirname)],
  test: {
    include: ['test/{core,headless,shared,renderer,main,preload}/**/*.test.{ts,tsx}'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One PostgreSQL server per run, started only when a pg-*.test.ts file is in it.
    globalSetup: ['test/helpers/pg-global-setup.ts'],
  },
});
