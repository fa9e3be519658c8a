// electron-vite's `?nodeWorker` import: the module bundled as a worker chunk of its own, and a
// factory that starts it (declared as in electron-vite/node.d.ts). Tests get the same through
// vitest.config.ts.
declare module '*?nodeWorker' {
  import type { Worker, WorkerOptions } from 'node:worker_threads';
  export default function createWorker(options: WorkerOptions): Worker;
}
