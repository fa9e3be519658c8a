import type { Output } from '../../../shared/contract';
import type { Client } from '../../../shared/dispatch';
import { useLoad } from './use-load';

type Decoded = Output<'decodeBody'>;

/** The body with its Content-Encoding undone (by the engine), when `encoded`; else null. */
export function useDecodedBody(
  client: Client,
  id: string,
  encoded: boolean,
): { decoded: Decoded | null; error: string | null } {
  const { data, error } = useLoad(() => client.decodeBody({ id }), [client, id], {
    enabled: encoded,
  });
  if (!encoded) return { decoded: null, error: null };
  return { decoded: data ?? null, error: data?.error ?? error };
}
