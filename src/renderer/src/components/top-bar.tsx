import type { TunnelState } from '../../../shared/model';
import { formatCount } from '../format/format';
import { CopyButton } from './copy-button';
import { DataMenu } from './data-menu';
import { TunnelControl } from './tunnel-control';
import { WorkspaceSwitcher } from './workspace-switcher';

/**
 * Receiver and public URLs with copy buttons, tunnel state, event count, pause, endpoints,
 * check-up, dead letters, settings.
 */
export function TopBar({
  receiverUrl,
  tunnel,
  onTunnel,
  events,
  paused,
  pending,
  onTogglePause,
  onEndpoints,
  onCheckup,
  onDeadLetters,
  onSettings,
  onSendSample,
  deadLetters = null,
}: {
  receiverUrl: string;
  tunnel: TunnelState | null;
  onTunnel: (t: TunnelState) => void;
  events: number | null;
  paused: boolean;
  pending: number;
  onTogglePause: () => void;
  onEndpoints: () => void;
  onCheckup: () => void;
  onDeadLetters: () => void;
  onSettings: () => void;
  /** Opens the "Send a sample" dialog (from the Data menu). */
  onSendSample: () => void;
  /** Forwards on the dead-letter list (null until known). */
  deadLetters?: number | null;
}) {
  const publicUrl =
    tunnel?.state === 'online' || tunnel?.state === 'reconnecting' ? tunnel.publicUrl : undefined;
  return (
    <header className="topbar">
      <div className="brand" aria-label="Hookscope">
        <span className="brand-mark" aria-hidden="true" />
        {/* In the desktop app the name gives way to the workspace shown (the title says Hookscope). */}
        <WorkspaceSwitcher fallback="Hookscope" />
      </div>
      <div className="url-field" title="Send webhooks here (any method, any path)">
        <span className="url-label">Receiver</span>
        <code className="url-value" data-testid="receiver-url">
          {receiverUrl}
        </code>
        <CopyButton
          text={() => receiverUrl}
          label="Copy"
          title="Copy the receiver URL"
          testId="copy-receiver"
        />
      </div>
      {publicUrl && (
        <div className="url-field url-public" title="The public tunnel URL">
          <span className="url-label">Public</span>
          <code className="url-value" data-testid="public-url">
            {publicUrl}
          </code>
          <CopyButton text={() => publicUrl} label="Copy" title="Copy the public URL" />
        </div>
      )}
      <TunnelControl tunnel={tunnel} onState={onTunnel} />
      <div className="topbar-spacer" />
      <span className="count" title="Deliveries stored in the log">
        <span data-testid="event-count">{events === null ? '…' : formatCount(events)}</span>{' '}
        {events === 1 ? 'event' : 'events'}
      </span>
      <button
        type="button"
        className={`btn${paused ? ' btn-warn' : ''}`}
        aria-pressed={paused}
        data-testid="pause-live"
        onClick={onTogglePause}
        title={
          paused ? 'Apply the held deliveries and follow live again' : 'Hold new deliveries back'
        }
      >
        {paused
          ? `▶ Resume${pending ? ` (${formatCount(pending)} waiting)` : ''}`
          : '❚❚ Pause live'}
      </button>
      <DataMenu onSendSample={onSendSample} />
      <button type="button" className="btn" onClick={onEndpoints} data-testid="open-endpoints">
        Endpoints
      </button>
      <button
        type="button"
        className="btn"
        onClick={onCheckup}
        data-testid="open-checkup"
        title="Grade your own receiver: signatures, duplicates, timing, bursts"
      >
        Check-up
      </button>
      <button
        type="button"
        className="btn"
        onClick={onDeadLetters}
        data-testid="open-dead-letters"
        title="Forwards that gave up: redrive or purge them"
      >
        Dead letters
        {deadLetters !== null && deadLetters > 0 && (
          <span
            className="count-badge"
            data-testid="dead-letter-count"
            aria-label={`${deadLetters} ${deadLetters === 1 ? 'forward' : 'forwards'} gave up`}
          >
            {formatCount(deadLetters)}
          </span>
        )}
      </button>
      <button
        type="button"
        className="btn"
        onClick={onSettings}
        data-testid="open-settings"
        aria-label="Settings"
        title="Settings: retention, forwarding and the receiver's limits"
      >
        ⚙
      </button>
    </header>
  );
}
