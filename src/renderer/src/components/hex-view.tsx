import { useMemo, useState } from 'react';
import { base64ToBytes } from '../format/base64';
import { formatBytes } from '../format/format';
import { hexDump } from '../format/hex-dump';

const FIRST = 16 * 1024;
const STEP = 256 * 1024;

/** A hex dump of the body, a slice at a time. */
export function HexView({ base64 }: { base64: string }) {
  const bytes = useMemo(() => base64ToBytes(base64), [base64]);
  const [shown, setShown] = useState(FIRST);
  const dump = useMemo(() => hexDump(bytes, 0, shown), [bytes, shown]);
  return (
    <>
      <pre className="code hex" data-testid="hex-dump">
        {dump}
      </pre>
      {bytes.length > shown && (
        <div className="more-bar">
          Showing the first {formatBytes(shown)} of {formatBytes(bytes.length)}.
          <button type="button" className="btn btn-small" onClick={() => setShown((s) => s + STEP)}>
            Show more
          </button>
        </div>
      )}
    </>
  );
}
