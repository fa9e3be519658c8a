import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Import patterns a layer may not use (docs/ARCHITECTURE.md §1). */
const electron = {
  group: ['electron', 'electron/*'],
  message: 'only src/main and src/preload may import electron',
};
const react = {
  group: ['react', 'react-dom', 'react/*', 'react-dom/*'],
  message: 'React belongs to src/renderer',
};
/** The PostgreSQL client stays inside the PostgreSQL backend (docs/ARCHITECTURE.md §7). */
const pgClient = {
  group: ['pg', 'pg/*', 'pg-*'],
  message: 'only src/core/store/pg may import pg (the PostgreSQL backend)',
};
const layer = (name, message) => ({ group: [`**/${name}`, `**/${name}/**`], message });

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!zod$|\\./|\\.\\./shared/)', message: 'src/shared imports zod only' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            electron,
            react,
            pgClient,
            layer('headless', 'core must not depend on headless'),
            layer('main', 'core must not depend on the Electron shell'),
            layer('renderer', 'core must not depend on the UI'),
            layer('preload', 'core must not depend on the preload'),
          ],
        },
      ],
    },
  },
  {
    // The PostgreSQL backend: core's rules, with its client.
    files: ['src/core/store/pg/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            electron,
            react,
            layer('headless', 'core must not depend on headless'),
            layer('main', 'core must not depend on the Electron shell'),
            layer('renderer', 'core must not depend on the UI'),
            layer('preload', 'core must not depend on the preload'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/headless/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            electron,
            react,
            pgClient,
            layer('main', 'headless must not depend on the Electron shell'),
            layer('renderer', 'headless must not depend on the UI'),
            layer('preload', 'headless must not depend on the preload'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            react,
            pgClient,
            layer('headless', 'main uses core, not headless'),
            layer('renderer', 'main must not import the UI'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            react,
            pgClient,
            layer('core', 'the preload exposes the contract only'),
            layer('headless', 'the preload exposes the contract only'),
            layer('renderer', 'the preload exposes the contract only'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // useLoad(fetcher, deps) lists what its fetcher reads, as useEffect does.
      'react-hooks/exhaustive-deps': ['error', { additionalHooks: '^useLoad$' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            electron,
            { group: ['node:*'], message: 'the renderer runs in a browser' },
            layer('core', 'the renderer talks to the engine only through the Transport'),
            layer('headless', 'the renderer talks to the engine only through the Transport'),
            layer('main', 'the renderer talks to the engine only through the Transport'),
            layer('preload', 'the renderer talks to the engine only through the Transport'),
          ],
        },
      ],
    },
  },
);
