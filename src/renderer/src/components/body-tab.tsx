import { useState } from 'react';
import { useClient } from '../client-context';
import { formatBytes, headerValue } from '../format/format';
import type { OpenEvent } from '../hooks/use-event-detail';
import { useDecodedBody } from '../hooks/use-decoded-body';
import { BodyView } from './body-view';
import { ChunkedText } from './chunked-text';

/** The body; gzip/deflate/br bodies are shown decoded (by the engine) with a note. */
export function BodyTab({ detail }: { detail: OpenEvent }) {
  if (!detail.body.complete) {
    // The first part (getEvent's first 256 KB) is shown as text at once while the rest comes:
    // a first screen of a 25 MB body without waiting for all of it.
    return (
      <div className="tab-pad">
        <BodyLoading body={detail.body} />
        {detail.body.text !== undefined && (
          <ChunkedText key="first" text={detail.body.text} testId="event-body" />
        )}
      </div>
    );
  }
  return <WholeBodyTab detail={detail} />;
}

/** Said while the rest of a large body arrives (getEvent sends its first 256 KB). */
export function BodyLoading({ body }: { body: OpenEvent['body'] }) {
  return (
    <p className="muted" role="status" data-testid="body-loading">
      Loading the body: {formatBytes(body.loaded ?? body.length)} of {formatBytes(body.size)}…
    </p>
  );
}

function WholeBodyTab({ detail }: { detail: OpenEvent }) {
  const client = useClient();
  const coding = headerValue(detail.headers, 'content-encoding')?.trim().toLowerCase();
  const encoded = !!coding && coding !== 'identity' && detail.body.size > 0;
  const { decoded, error } = useDecodedBody(client, detail.id, encoded);
  const [stored, setStored] = useState(false);
  const useDecoded = encoded && decoded && !error && !stored;
  const body = useDecoded ? decoded : detail.body;
  return (
    <div className="tab-pad">
      {encoded && (
        <p className={`notice${error ? ' notice-warn' : ''}`} data-testid="decoded-note">
          {error
            ? `The body is ${coding}-encoded and could not be decoded: ${error}. Showing the stored bytes.`
            : !decoded
              ? `Decoding the ${coding}-encoded body…`
              : stored
                ? `Showing the stored ${coding}-encoded bytes.`
                : decoded.shown
                  ? `Decoded from ${decoded.encoding} for display: ${decoded.shown.replace(/^decoded: /, '')}. The stored ${detail.body.size} bytes are unchanged.`
                  : `Decoded from ${decoded.encoding} for display (${decoded.size} bytes); the stored ${detail.body.size} bytes are unchanged.`}
          {decoded && !error && ' '}
          {decoded && !error && (
            <button type="button" className="btn btn-link" onClick={() => setStored(!stored)}>
              {stored ? 'Show decoded' : 'Show stored bytes'}
            </button>
          )}
        </p>
      )}
      {(!encoded || decoded || error) && (
        <BodyView
          key={`${detail.id}:${useDecoded ? 'd' : 's'}`}
          base64={body.base64}
          size={body.size}
          text={body.text}
          contentType={detail.contentType}
        />
      )}
    </div>
  );
}
