import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { MIN_HEIGHT, MIN_WIDTH, type WindowBounds } from './window';

/** The window's last size and place, kept in `window-state.json` in userData. */
export interface WindowState extends WindowBounds {
  maximized: boolean;
}

/** A display's work area (screen minus task bar, dock, menu bar). */
export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_STATE: WindowState = { width: 1280, height: 800, maximized: false };

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

function overlap(a: Area, b: Area): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * A saved state made safe for today's displays: bad or missing values fall back to the
 * default size (centred by the OS); the size fits the display it was on (never below the
 * window's minimum when the display allows it); a window that is off every display (a monitor
 * was unplugged) loses its position; one partly off is moved fully onto the display it
 * overlaps most.
 */
export function clampState(saved: unknown, displays: readonly Area[]): WindowState {
  const s = (typeof saved === 'object' && saved !== null ? saved : {}) as Record<string, unknown>;
  const maximized = s.maximized === true;
  if (!isNum(s.width) || !isNum(s.height) || displays.length === 0) {
    return { ...DEFAULT_STATE, maximized };
  }
  const pos = isNum(s.x) && isNum(s.y) ? { x: s.x, y: s.y } : null;
  const rect: Area = { x: pos?.x ?? 0, y: pos?.y ?? 0, width: s.width, height: s.height };
  let best = displays[0]!;
  let bestOverlap = -1;
  for (const d of displays) {
    const o = pos ? overlap(rect, d) : d.width * d.height;
    if (o > bestOverlap) [best, bestOverlap] = [d, o];
  }
  const width = Math.round(clamp(rect.width, Math.min(MIN_WIDTH, best.width), best.width));
  const height = Math.round(clamp(rect.height, Math.min(MIN_HEIGHT, best.height), best.height));
  if (!pos || bestOverlap <= 0) return { width, height, maximized };
  return {
    x: Math.round(clamp(rect.x, best.x, best.x + best.width - width)),
    y: Math.round(clamp(rect.y, best.y, best.y + best.height - height)),
    width,
    height,
    maximized,
  };
}

/** Reads the saved state (missing or corrupt file: the default) and clamps it. */
export function loadWindowState(file: string, displays: readonly Area[]): WindowState {
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    saved = null;
  }
  return clampState(saved, displays);
}

/** Writes the state atomically; a failure to save is not worth a crash. */
export function saveWindowState(file: string, state: WindowState): void {
  try {
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
  } catch {
    // The next launch falls back to the default size.
  }
}

/** The parts of a BrowserWindow whose size and place are tracked. */
export interface TrackedWindow {
  getNormalBounds(): Area;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  on(event: 'resize', listener: () => void): unknown;
  on(event: 'move', listener: () => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/** Saves the window's normal bounds and maximized flag after moves and resizes, and on close. */
export function trackWindowState(win: TrackedWindow, file: string, debounceMs = 500): void {
  let timer: NodeJS.Timeout | null = null;
  const save = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (win.isDestroyed()) return;
    saveWindowState(file, { ...win.getNormalBounds(), maximized: win.isMaximized() });
  };
  const later = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, debounceMs);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('close', () => save());
}
