import { parentPort } from 'node:worker_threads';
import { readJsonBody } from '../json-body';
import { unreadVerdict } from './issues';
import type { SchemaJob, SchemaReply } from './schema-thread';
import { checkUserSchema, compileUserSchema, warmUp } from './user-schema';

/**
 * The schema worker: compiles endpoints' JSON Schemas and checks bodies against them, off the
 * receiver's thread. It runs one job at a time; the engine stops it (terminate) when a job
 * passes its deadline and starts a fresh one. Schemas arrive as JSON text and are compiled
 * once per worker (cached by text).
 */

const port = parentPort!;
const compiledHere = new Set<string>();
const post = (reply: SchemaReply): void => port.postMessage(reply);

/** Compiles a schema this worker has not compiled yet; says so, for the compile deadline. */
function compileOnce(id: number, text: string): void {
  if (compiledHere.has(text)) return;
  compileUserSchema(text, true);
  compiledHere.add(text);
  post({ id, stage: 'compiled' });
}

port.on('message', (job: SchemaJob) => {
  if (job.op === 'compile') {
    const outcome = compileUserSchema(job.text, true);
    compiledHere.add(job.text);
    post({ id: job.id, compiled: outcome });
    return;
  }
  compileOnce(job.id, job.text);
  const json = readJsonBody(job.body);
  if (json.skipped !== null) {
    post({ id: job.id, result: unreadVerdict(json.skipped) });
    return;
  }
  const result = checkUserSchema(job.text, json.value, {
    asText: true,
    onFirstIssue: (first) => post({ id: job.id, first }),
  });
  post({ id: job.id, result });
});

// Ready once the meta-schema is compiled: a spare worker does this before it is needed.
warmUp();
post({ ready: true });
