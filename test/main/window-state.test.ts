import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  clampState,
  DEFAULT_STATE,
  loadWindowState,
  saveWindowState,
  trackWindowState,
} from '../../src/main/window-state';
import { tempDir } from '../helpers/engine';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const right = { x: 1440, y: 0, width: 1920, height: 1050 };

describe('clampState', () => {
  it('keeps a state that fits', () => {
    const s = { x: 100, y: 50, width: 1200, height: 700, maximized: false };
    expect(clampState(s, [laptop])).toEqual(s);
  });

  it('falls back to the default size for missing or bad values', () => {
    for (const bad of [null, 'x', {}, { width: 'big', height: 1 }, { width: NaN, height: 500 }]) {
      expect(clampState(bad, [laptop])).toEqual(DEFAULT_STATE);
    }
    expect(clampState({ width: 900, height: 600 }, [])).toEqual(DEFAULT_STATE);
  });

  it('drops the position of a window that is on no display any more', () => {
    const s = { x: 2000, y: 100, width: 1200, height: 800, maximized: true };
    expect(clampState(s, [laptop])).toEqual({ width: 1200, height: 800, maximized: true });
  });

  it('moves a window that hangs off its display fully onto it', () => {
    expect(clampState({ x: 1000, y: -40, width: 1200, height: 700 }, [laptop])).toEqual({
      x: 240,
      y: 0,
      width: 1200,
      height: 700,
      maximized: false,
    });
  });

  it('shrinks a window bigger than its display and grows one below the minimum', () => {
    expect(clampState({ x: 1500, y: 10, width: 3000, height: 2000 }, [laptop, right])).toEqual({
      x: 1440,
      y: 0,
      width: 1920,
      height: 1050,
      maximized: false,
    });
    expect(clampState({ width: 100, height: 100 }, [laptop])).toMatchObject({
      width: 800,
      height: 500,
    });
    // A display smaller than the minimum still gets a window that fits it.
    const tiny = { x: 0, y: 0, width: 640, height: 480 };
    expect(clampState({ x: 0, y: 0, width: 900, height: 900 }, [tiny])).toMatchObject({
      width: 640,
      height: 480,
    });
  });

  it('picks the display the window overlaps most', () => {
    const s = clampState({ x: 1300, y: 100, width: 1000, height: 700 }, [laptop, right]);
    expect(s.x).toBe(1440);
  });
});

describe('the window-state file', () => {
  const { dir, cleanup } = tempDir('hookscope-winstate-');
  afterAll(cleanup);
  afterEach(() => vi.useRealTimers());

  it('round-trips, and a corrupt or missing file gives the default', () => {
    const file = join(dir, 'window-state.json');
    expect(loadWindowState(file, [laptop])).toEqual(DEFAULT_STATE);
    saveWindowState(file, { x: 10, y: 20, width: 1000, height: 600, maximized: true });
    expect(loadWindowState(file, [laptop])).toEqual({
      x: 10,
      y: 20,
      width: 1000,
      height: 600,
      maximized: true,
    });
    writeFileSync(file, '{oops');
    expect(loadWindowState(file, [laptop])).toEqual(DEFAULT_STATE);
    saveWindowState(join(dir, 'missing', 'dir', 'x.json'), DEFAULT_STATE);
  });

  it('saves after moves and resizes settle, and at close', () => {
    vi.useFakeTimers();
    const file = join(dir, 'tracked.json');
    const l = new Map<string, () => void>();
    let bounds = { x: 1, y: 2, width: 900, height: 600 };
    const win = {
      getNormalBounds: () => bounds,
      isMaximized: () => false,
      isDestroyed: () => false,
      on: (e: string, f: () => void) => l.set(e, f),
    };
    trackWindowState(win, file, 100);
    l.get('resize')!();
    bounds = { x: 3, y: 4, width: 901, height: 601 };
    l.get('move')!();
    vi.advanceTimersByTime(99);
    expect(() => readFileSync(file)).toThrow();
    vi.advanceTimersByTime(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ ...bounds, maximized: false });
    bounds = { x: 5, y: 6, width: 902, height: 602 };
    l.get('close')!();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ ...bounds, maximized: false });
  });
});
