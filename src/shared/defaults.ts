import type { Settings } from './model';

/** Settings of a fresh install (older saved settings are completed from these). */
export const DEFAULT_SETTINGS: Settings = {
  retention: { maxEvents: 200_000, maxAgeDays: 90 },
  forwarding: { paused: false, concurrency: 4, timeoutMs: 30_000, maxAttempts: 5 },
  receiver: {
    maxBodyBytes: 25 * 1024 * 1024,
    maxHeaders: 10_000,
    maxHeaderBytes: 64 * 1024,
    headersTimeoutMs: 30_000,
    requestTimeoutMs: 120_000,
    keepAliveTimeoutMs: 5_000,
    maxConnections: 1_000,
    // Generous for a provider's retry storm, tight enough that one IP cannot fill the log.
    rateLimit: { perSecond: 50, burst: 200 },
    minFreeDiskBytes: 200 * 1024 * 1024,
    maxConnectionsPerClient: 64,
  },
};
