import type { TunnelOptions } from '../../shared/model';

/** What a tunnel needs to start. */
export interface TunnelStartParams {
  options: TunnelOptions;
  authtoken: string;
  /**
   * The local URL the tunnel forwards to: always the receiver's tunnel-ingress listener
   * (`http://127.0.0.1:PORT`), never the control API.
   */
  targetUrl: string;
}

/** Why a tunnel could not start or went away, in words a user can act on. */
export interface TunnelFailure {
  message: string;
  /** ngrok's `ERR_NGROK_…` code, when it gave one. */
  errorCode?: string;
  /** What to do about it. */
  hint: string;
  /** True when trying again later may work (network trouble), false for a setup problem. */
  retryable: boolean;
}

/** A failure thrown by `Tunnel.start`. */
export class TunnelStartError extends Error {
  constructor(readonly failure: TunnelFailure) {
    super(failure.message);
    this.name = 'TunnelStartError';
  }
}

/** Link events of a started tunnel. */
export type TunnelEvent =
  /** The connection to ngrok dropped; the tunnel is trying to get it back by itself. */
  | { type: 'down'; failure: TunnelFailure }
  /** The connection is back after a `down`; the public URL is unchanged. */
  | { type: 'up' }
  /** The tunnel ended and will not come back by itself (the manager starts a new one). */
  | { type: 'closed'; failure: TunnelFailure };

/**
 * One tunnel from a public URL to a local address. Used once: start, events, stop.
 * Implementations: NgrokTunnel (the @ngrok/ngrok SDK in process) and fakes in tests.
 */
export interface Tunnel {
  /**
   * Connects and starts forwarding to `params.targetUrl`; resolves with the public URL.
   * Rejects with a TunnelStartError.
   */
  start(params: TunnelStartParams): Promise<{ publicUrl: string }>;
  /** Closes the tunnel and its connection; safe to call more than once and after a failure. */
  stop(): Promise<void>;
  /** Subscribes to link events; returns the unsubscribe function. */
  onEvent(listener: (event: TunnelEvent) => void): () => void;
}

/** Makes a fresh Tunnel for each start (the engine takes one; tests pass a fake). */
export type TunnelFactory = () => Tunnel;
