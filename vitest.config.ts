import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/{core,headless,shared,renderer,main,preload}/**/*.test.{ts,tsx}'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
