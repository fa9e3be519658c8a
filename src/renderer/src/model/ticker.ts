const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

/**
 * One shared clock for every relative time on screen: a single interval, started while
 * anything listens, so a thousand rows do not each run a timer.
 */
export function subscribeNow(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The shared clock's current time (ms since the epoch). */
export function getNow(): number {
  return now;
}
