import { useId, useState } from 'react';
import type { CheckupRequest, CheckupResponse, ProbeResult } from '../../../shared/checkup';
import {
  VERDICTS,
  checkupCurl,
  formatMs,
  latencyText,
  requestBodyText,
  responseLine,
} from '../model/checkup-report';
import { ChunkedText } from './chunked-text';
import { CopyButton } from './copy-button';
import { KvTable } from './kv-table';

/** The exact request a probe sent, with "Copy as cURL". */
function Sent({ req }: { req: CheckupRequest }) {
  return (
    <section className="checkup-exchange-part" data-testid="probe-request">
      <div className="body-toolbar">
        <h4>Sent</h4>
        <span className="mono break" data-testid="probe-request-line">
          {req.method} {req.url}
        </span>
        <span className="toolbar-spacer" />
        <CopyButton
          text={() => checkupCurl(req)}
          label="Copy as cURL"
          testId="probe-curl"
          title="A curl command that sends this exact request again"
        />
      </div>
      <KvTable rows={req.headers} empty="No headers." testId="probe-request-headers" />
      {req.bodyBase64 !== '' && (
        <ChunkedText text={requestBodyText(req)} testId="probe-request-body" />
      )}
    </section>
  );
}

/** What the target answered (status or error, time, headers, the first 4 KB of the body). */
function CameBack({ res }: { res: CheckupResponse }) {
  return (
    <section className="checkup-exchange-part" data-testid="probe-response">
      <div className="body-toolbar">
        <h4>Came back</h4>
        <span
          className={`mono ${res.status !== null && res.status < 300 ? 'ok' : 'bad'}`}
          data-testid="probe-response-line"
        >
          {responseLine(res)}
        </span>
      </div>
      {res.status !== null && (
        <>
          <KvTable rows={res.headers} empty="No headers." testId="probe-response-headers" />
          {res.body !== '' || res.truncated ? (
            <pre className="code" data-testid="probe-response-body">
              {res.body}
              {res.truncated ? '\n[… only the first 4 KB is kept]' : ''}
            </pre>
          ) : (
            <p className="muted small">Empty body.</p>
          )}
        </>
      )}
    </section>
  );
}

/**
 * One probe of a check-up: verdict (icon, word and colour), title, what was expected, what
 * happened, the fix, latency figures for series; expands to the exact request and the answer.
 */
export function CheckupProbe({ probe }: { probe: ProbeResult }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const v = VERDICTS[probe.verdict];
  const exchange = probe.request !== null || probe.response !== null;
  return (
    <li
      className={`checkup-probe checkup-probe-${v.tone}`}
      data-testid="checkup-probe"
      data-probe={probe.id}
      data-verdict={probe.verdict}
    >
      <div className="checkup-probe-head">
        <span className={`checkup-icon tone-${v.tone}`} aria-hidden="true">
          {v.icon}
        </span>
        <h4 className="checkup-probe-title">{probe.title}</h4>
        <span className={`pill pill-${v.tone}`} data-testid="probe-verdict">
          {v.label}
        </span>
        {probe.mustPass && probe.verdict === 'fail' && (
          <span className="pill pill-bad" title="A failed must-pass probe fails the check-up">
            must pass
          </span>
        )}
        <span className="toolbar-spacer" />
        {probe.response && probe.stats === null && (
          <span className="muted small">{formatMs(probe.response.durationMs)}</span>
        )}
        {exchange && (
          <button
            type="button"
            className="btn btn-small"
            aria-expanded={open}
            aria-controls={open ? panelId : undefined}
            data-testid="probe-toggle"
            onClick={() => setOpen(!open)}
          >
            {open ? 'Hide request' : 'Request and answer'}
          </button>
        )}
      </div>
      <dl className="checkup-probe-facts">
        <dt>Expected</dt>
        <dd data-testid="probe-expected">{probe.expected}</dd>
        <dt>Result</dt>
        <dd data-testid="probe-summary">{probe.summary}</dd>
        {probe.stats && (
          <>
            <dt>Latency</dt>
            <dd className="mono" data-testid="probe-stats">
              {latencyText(probe.stats)}
            </dd>
          </>
        )}
        {probe.fix && (
          <>
            <dt>Fix</dt>
            <dd className="checkup-fix" data-testid="probe-fix">
              {probe.fix}
            </dd>
          </>
        )}
      </dl>
      {open && (
        <div className="checkup-exchange" id={panelId}>
          {probe.request && <Sent req={probe.request} />}
          {probe.response && <CameBack res={probe.response} />}
        </div>
      )}
    </li>
  );
}
