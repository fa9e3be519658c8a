import { useEffect, useState } from 'react';
import type { Output } from '../../../shared/contract';
import type { Client } from '../../../shared/dispatch';

type Decoded = Output<'decodeBody'>;

/** The body with its Content-Encoding undone (by the engine), when `encoded`; else null. */
export function useDecodedBody(
  client: Client,
  id: string,
  encoded: boolean,
): { decoded: Decoded | null; error: string | null } {
  const [state, setState] = useState<{
    id: string;
    decoded: Decoded | null;
    error: string | null;
  } | null>(null);
  useEffect(() => {
    if (!encoded) return;
    let alive = true;
    client.decodeBody({ id }).then(
      (decoded) => alive && setState({ id, decoded, error: decoded.error ?? null }),
      (err: Error) => alive && setState({ id, decoded: null, error: err.message }),
    );
    return () => {
      alive = false;
    };
  }, [client, id, encoded]);
  if (!encoded || state?.id !== id) return { decoded: null, error: null };
  return { decoded: state.decoded, error: state.error };
}
