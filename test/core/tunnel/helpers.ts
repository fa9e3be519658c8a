import type { TunnelState } from '../../../src/shared/model';
import type { EngineOptions } from '../../../src/core/engine';
import { startEngine, tempDir, type TestEngine } from '../../helpers/engine';
import { FakeTunnels } from './fake-tunnel';

/** Every `tunnel.state` push, with a way to wait for one (no sleeps). */
export class StateLog {
  readonly states: TunnelState[] = [];
  private waiters: (() => void)[] = [];

  push(s: TunnelState): void {
    this.states.push(s);
    for (const w of this.waiters.splice(0)) w();
  }

  get names(): TunnelState['state'][] {
    return this.states.map((s) => s.state);
  }

  /** Resolves with the first state (from index `from`) that `pred` accepts. */
  async until(pred: (s: TunnelState) => boolean, from = 0, timeoutMs = 5000): Promise<TunnelState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.states.slice(from).find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no such tunnel state; got ${JSON.stringify(this.states)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

export interface TunnelTestEngine extends TestEngine {
  tunnels: FakeTunnels;
  log: StateLog;
  home: string;
}

/**
 * A real engine (SQLite, receiver on port 0) whose tunnels are fakes, with its own home dir
 * and environment for the authtoken lookup (NGROK_AUTHTOKEN set unless `env` says otherwise).
 */
export async function startTunnelEngine(
  opts: { env?: NodeJS.ProcessEnv; engine?: Partial<EngineOptions> } = {},
): Promise<TunnelTestEngine> {
  const home = tempDir('hookscope-home-');
  const tunnels = new FakeTunnels();
  const t = await startEngine({
    tunnelFactory: tunnels.factory,
    authtokenLookup: {
      env: opts.env ?? { NGROK_AUTHTOKEN: 'env-token-0123456789' },
      homeDir: home.dir,
      platform: 'linux',
    },
    tunnelRetryDelayMs: { first: 10, max: 40 },
    ...opts.engine,
  });
  const log = new StateLog();
  t.client.on('tunnel.state', (s) => log.push(s));
  return {
    ...t,
    tunnels,
    log,
    home: home.dir,
    async stop() {
      await t.stop();
      home.cleanup();
    },
  };
}
