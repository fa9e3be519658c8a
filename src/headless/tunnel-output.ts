import { isDeepStrictEqual } from 'node:util';
import type { Client } from '../shared/dispatch';
import { toErrorBody } from '../shared/errors';
import type { TunnelState } from '../shared/model';
import type { Output } from './output';

const SOURCES: Record<string, string> = {
  settings: 'saved in Hookscope',
  env: 'from NGROK_AUTHTOKEN',
  'ngrok-config': "from ngrok's config file",
};

/** One tunnel state as the human line(s) `hookscope serve|listen --tunnel` prints. */
export function tunnelLine(s: TunnelState, receiverUrl: string): string {
  const from = s.authtokenSource ? ` (authtoken ${SOURCES[s.authtokenSource]})` : '';
  switch (s.state) {
    case 'off':
      return 'Tunnel      off';
    case 'connecting':
      return `Tunnel      connecting to ngrok${from}…`;
    case 'online':
      return [
        `Public URL  ${s.publicUrl}   (forwards to the receiver only; the UI stays local)`,
        ...(s.message ? [`            ${s.message}`] : []),
      ].join('\n');
    case 'reconnecting':
      return `Tunnel      reconnecting: ${s.message ?? 'connection to ngrok lost'}`;
    case 'error':
      return [
        `Tunnel      error: ${s.message ?? 'unknown'}${s.errorCode ? ` [${s.errorCode}]` : ''}${from}`,
        ...(s.hint ? [`            → ${s.hint}`] : []),
        `            Webhooks sent to ${receiverUrl} are still received.`,
      ].join('\n');
  }
}

/**
 * Starts the engine's tunnel for a CLI command and prints every state change: one JSON line
 * `{"event":"tunnel","state":…,"publicUrl"?,…}` with --json, human lines otherwise. Never prints
 * the authtoken. A failure is printed, never thrown: the local receiver stays up. Returns the
 * function that stops printing.
 */
export function startTunnelWithOutput(
  client: Client,
  out: Output,
  receiverUrl: string,
): () => void {
  let last: TunnelState | null = null;
  const print = (s: TunnelState): void => {
    if (last && isDeepStrictEqual(last, s)) return;
    last = s;
    out.info('tunnel', { ...s }, tunnelLine(s, receiverUrl));
  };
  const unsubscribe = client.on('tunnel.state', print);
  void client.startTunnel().catch((err: unknown) => {
    const e = toErrorBody(err);
    out.error(`tunnel not started: ${e.message}`, { tunnel: true });
  });
  return unsubscribe;
}
