import { describe, expect, it } from 'vitest';
import { Loader } from '../../src/renderer/src/model/loader';

/** A request the test answers by hand, in any order. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Loader', () => {
  it('drops a slow first answer that arrives after a fast second one', async () => {
    const loader = new Loader<string>();
    const slow = deferred<string>();
    const fast = deferred<string>();
    const first = loader.load(() => slow.promise, false);
    const second = loader.load(() => fast.promise, true);
    fast.resolve('second');
    await second;
    expect(loader.getSnapshot()).toEqual({ data: 'second', error: null, loading: false });
    slow.resolve('first');
    await first;
    expect(loader.getSnapshot().data).toBe('second');
  });

  it('drops a failure of a superseded request too', async () => {
    const loader = new Loader<string>();
    const slow = deferred<string>();
    const first = loader.load(() => slow.promise, false);
    await loader.load(() => Promise.resolve('second'), true);
    slow.reject(new Error('gone'));
    await first;
    expect(loader.getSnapshot()).toEqual({ data: 'second', error: null, loading: false });
  });

  it('drops an answer that arrives after cancel (unmount), and its progress', async () => {
    const taken: string[] = [];
    const loader = new Loader<string>();
    const req = deferred<string>();
    let progress!: (p: string) => void;
    const done = loader.load(
      (p) => {
        progress = p;
        return req.promise;
      },
      false,
      { onData: (d) => taken.push(d) },
    );
    loader.cancel();
    progress('part');
    req.resolve('late');
    await done;
    expect(loader.getSnapshot().data).toBeUndefined();
    expect(taken).toEqual([]);
  });

  it('keeps the data shown while reloading with keep, clears it for new inputs without', async () => {
    const loader = new Loader<number>();
    await loader.load(() => Promise.resolve(1), false);
    const next = deferred<number>();
    const kept = loader.load(() => next.promise, true);
    expect(loader.getSnapshot()).toEqual({ data: 1, error: null, loading: true });
    next.resolve(2);
    await kept;
    const other = deferred<number>();
    const cleared = loader.load(() => other.promise, false);
    expect(loader.getSnapshot()).toEqual({ data: undefined, error: null, loading: true });
    other.resolve(3);
    await cleared;
    expect(loader.getSnapshot().data).toBe(3);
  });

  it('says a failure in words and keeps the data it had', async () => {
    const errors: string[] = [];
    const loader = new Loader<number>();
    await loader.load(() => Promise.resolve(1), false);
    await loader.load(() => Promise.reject(new Error('The engine is not running.')), true, {
      onError: (e) => errors.push(e),
    });
    expect(loader.getSnapshot()).toEqual({
      data: 1,
      error: 'The engine is not running.',
      loading: false,
    });
    expect(errors).toEqual(['The engine is not running.']);
    await loader.load(() => Promise.resolve(2), true);
    expect(loader.getSnapshot().error).toBeNull();
  });

  it('applies an update made while loading to the answer (a push that overtook the load)', async () => {
    const loader = new Loader<string[]>();
    const req = deferred<string[]>();
    const done = loader.load(() => req.promise, false);
    loader.update((list) => [...list, 'pushed']);
    expect(loader.getSnapshot().data).toBeUndefined();
    req.resolve(['loaded']);
    await done;
    expect(loader.getSnapshot().data).toEqual(['loaded', 'pushed']);
    loader.update((list) => list.filter((x) => x !== 'loaded'));
    expect(loader.getSnapshot().data).toEqual(['pushed']);
  });

  it('takes progress from the current request, then its answer', async () => {
    const loader = new Loader<string>();
    const req = deferred<string>();
    const done = loader.load((progress) => {
      progress('first part');
      return req.promise;
    }, false);
    expect(loader.getSnapshot()).toEqual({ data: 'first part', error: null, loading: true });
    req.resolve('whole');
    await done;
    expect(loader.getSnapshot()).toEqual({ data: 'whole', error: null, loading: false });
  });

  it('tells subscribers of each change', async () => {
    const loader = new Loader<number>();
    let calls = 0;
    const off = loader.subscribe(() => calls++);
    await loader.load(() => Promise.resolve(1), false);
    expect(calls).toBe(2); // loading, answer
    off();
    await loader.load(() => Promise.resolve(2), false);
    expect(calls).toBe(2);
  });
});
