import type { Client } from '../../../shared/dispatch';
import type { ReactNode } from 'react';
import type { Endpoint, EventDetail } from '../../../shared/model';
import { SEARCH_BODY_BYTES } from '../../../shared/search';
import { absoluteTime, formatBytes, formatTimestamp } from '../format/format';
import { sentToUrl } from '../format/full-url';
import { DeliveryCard } from './delivery-card';
import { ForwardCard } from './forward-card';
import { RelativeTime } from './relative-time';
import { SchemaCard } from './schema-card';
import { SignatureCard } from './signature-card';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** Request facts and every verdict, in plain words. */
export function OverviewTab({
  detail,
  receiverUrl,
  endpoint,
  onOpen,
  onFilterJob,
  onFilterType,
  onChanged,
}: {
  /** For the Forwarding card's Redrive. */
  client?: Client;
  onChanged?: () => void;
  detail: EventDetail;
  receiverUrl: string;
  endpoint: Endpoint | undefined;
  onOpen: (id: string) => void;
  onFilterJob: (jobId: string) => void;
  onFilterType: (eventType: string) => void;
}) {
  return (
    <div className="tab-pad overview" data-testid="overview">
      {detail.rejected !== undefined && (
        <p className="notice notice-bad" data-testid="refused">
          Refused with {detail.response.status}: {detail.rejected}. The body was not kept; the
          limits are in the receiver settings.
        </p>
      )}
      <dl className="facts">
        <Fact label="URL">
          <span className="mono break" data-testid="sent-to">
            {sentToUrl(detail, receiverUrl)}
          </span>
        </Fact>
        <Fact label="Received">
          <span data-testid="received-at" title={absoluteTime(detail.receivedAt)}>
            {formatTimestamp(detail.receivedAt)}
          </span>{' '}
          (<RelativeTime iso={detail.receivedAt} />){' '}
          <code className="muted">{detail.receivedAt}</code>
          {detail.viaTunnel ? ' · via tunnel' : ''}
        </Fact>
        {detail.eventType && (
          <Fact label="Event type">
            <span className="mono">{detail.eventType}</span>{' '}
            <button
              type="button"
              className="btn btn-link"
              onClick={() => onFilterType(detail.eventType!)}
            >
              Show all of this type
            </button>
          </Fact>
        )}
        {detail.jobId && (
          <Fact label="Job">
            <span className="mono" data-testid="job-id">
              {detail.jobId}
            </span>{' '}
            <button
              type="button"
              className="btn btn-link"
              data-testid="filter-job"
              onClick={() => onFilterJob(detail.jobId!)}
            >
              Show all events of this job
            </button>
          </Fact>
        )}
        <Fact label="Endpoint">
          {endpoint ? (
            <>
              {endpoint.name} <span className="mono muted">{endpoint.path}</span>
            </>
          ) : (
            <span className="mono">{detail.endpointId}</span>
          )}
        </Fact>
        <Fact label="Body">
          {formatBytes(detail.body.size)}
          {detail.contentType ? (
            <span className="mono"> · {detail.contentType}</span>
          ) : (
            ' · no Content-Type'
          )}
          {detail.bodySearch === 'first' && (
            <span className="muted" data-testid="body-search-note">
              {' '}
              · searched: first {SEARCH_BODY_BYTES / 1024 / 1024} MB of this body
            </span>
          )}
          {detail.bodySearch === 'none' && (
            <span className="muted" data-testid="body-search-note">
              {' '}
              · not searched (not text)
            </span>
          )}
        </Fact>
        <Fact label="Source IP">
          <span className="mono">{detail.sourceIp ?? 'unknown'}</span>
        </Fact>
        <Fact label="Answered">
          <span className="mono">{detail.response.status}</span>
        </Fact>
      </dl>
      <SignatureCard detail={detail} />
      <DeliveryCard detail={detail} onOpen={onOpen} />
      <SchemaCard detail={detail} />
      <ForwardCard detail={detail} endpoint={endpoint} onChanged={onChanged} />
    </div>
  );
}
