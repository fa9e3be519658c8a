import { describe, expect, it } from 'vitest';
import { PushQueue, type LiveOp } from '../../src/renderer/src/model/push-queue';
import { range } from './fixtures';

function harness(slice = 2000) {
  const frames: (() => void)[] = [];
  const applied: LiveOp[][] = [];
  const q = new PushQueue(
    (ops) => applied.push(ops),
    (run) => {
      frames.push(run);
      return () => frames.splice(frames.indexOf(run), 1);
    },
    slice,
  );
  const frame = (): void => frames.shift()?.();
  return { q, frames, applied, frame };
}

describe('PushQueue', () => {
  it('hands over all pushes of a frame at once, merging batches', () => {
    const { q, frames, applied, frame } = harness();
    q.push({ kind: 'batch', items: range(2, 1) });
    q.push({ kind: 'batch', items: range(4, 3) });
    expect(frames).toHaveLength(1);
    expect(applied).toHaveLength(0);
    frame();
    expect(applied).toHaveLength(1);
    expect(applied[0]).toEqual([{ kind: 'batch', items: [...range(2, 1), ...range(4, 3)] }]);
    expect(frames).toHaveLength(0);
  });

  it('cuts large batches into slices, one per frame, in order', () => {
    const { q, applied, frame } = harness(100);
    q.push({ kind: 'batch', items: range(250, 1) });
    q.push({ kind: 'deleted', payload: { ids: ['x'], all: false } });
    frame();
    frame();
    frame();
    const sizes = applied.map((ops) =>
      ops.map((o) => (o.kind === 'batch' ? o.items.length : o.kind)),
    );
    expect(sizes).toEqual([[100], [100], [50, 'deleted']]);
    const seqs = applied
      .flat()
      .flatMap((o) => (o.kind === 'batch' ? o.items.map((e) => e.seq) : []));
    expect(seqs).toEqual(range(250, 1).map((e) => e.seq));
  });

  it('holds everything while paused and counts what waits', () => {
    const { q, frames, applied, frame } = harness();
    q.pause();
    q.push({ kind: 'batch', items: range(3, 1) });
    expect(frames).toHaveLength(0);
    expect(q.pending()).toBe(3);
    q.resume();
    frame();
    expect(applied.flat()).toHaveLength(1);
    expect(q.pending()).toBe(0);
  });

  it('drops what is queued before a reset', () => {
    const { q, applied, frame } = harness();
    q.push({ kind: 'batch', items: range(3, 1) });
    q.push({ kind: 'reset' });
    frame();
    expect(applied).toEqual([[{ kind: 'reset' }]]);
  });
});
