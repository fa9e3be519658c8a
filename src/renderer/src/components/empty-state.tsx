import { CopyButton } from './copy-button';

/** Shown before the first delivery: where to send webhooks, and a curl to try right away. */
export function EmptyState({ receiverUrl }: { receiverUrl: string }) {
  const curl =
    `curl -X POST ${receiverUrl}/hello \\\n` +
    `  -H 'Content-Type: application/json' \\\n` +
    `  -d '{"type":"hello.world","data":{"ok":true}}'`;
  return (
    <div className="empty" data-testid="empty-state">
      <h2 className="empty-title">Waiting for your first webhook</h2>
      <p>
        Point a provider (Stripe, GitHub, OpenAI, …) at this address. Any method and any path are
        accepted; each delivery is stored with its exact bytes and shows up here live.
      </p>
      <div className="empty-url">
        <code data-testid="empty-url">{receiverUrl}</code>
        <CopyButton text={() => receiverUrl} label="Copy URL" className="btn" />
      </div>
      <p>Or send one from a terminal now:</p>
      <div className="empty-curl">
        <pre className="mono">{curl}</pre>
        <CopyButton
          text={() => curl}
          label="Copy command"
          className="btn"
          testId="copy-empty-curl"
        />
      </div>
      <p className="hint">
        Tip: give each provider its own path (<code>/stripe</code>, <code>/github</code>) and an
        endpoint with its signing secret, and Hookscope verifies every signature.
      </p>
    </div>
  );
}
