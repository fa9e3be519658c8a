import { forwardUrl, type ForwardUrl } from '../../shared/forward-url';
import type { Endpoint } from '../../shared/model';
import type { EndpointRepo } from '../store/ports';
import type { StoredRequest } from '../types';

/**
 * Where a stored delivery's forward goes now: its endpoint's forward target as it is at this
 * moment (not the one the job was queued with) plus the path's suffix, by the one path rule
 * (`forwardUrl`). Used by every attempt (live, retry, redrive), so fixing an endpoint's target
 * takes effect for everything still to be sent. `plan` is null when the endpoint has no forward
 * target now.
 */
export function currentTarget(
  endpoints: EndpointRepo,
  src: Pick<StoredRequest, 'endpointId' | 'path' | 'query'>,
): { endpoint: Endpoint; plan: ForwardUrl | null } {
  const endpoint = endpoints.get(src.endpointId) ?? endpoints.match(src.path);
  if (!endpoint.forwardTo) return { endpoint, plan: null };
  const plan = forwardUrl({
    target: endpoint.forwardTo,
    endpointPath: endpoint.path,
    path: src.path,
    query: src.query,
  });
  return { endpoint, plan };
}
