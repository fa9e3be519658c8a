import type { Endpoint } from '../../shared/model';
import type { Inspection } from '../types';

/**
 * Checks a parsed JSON body against the schema that applies: the endpoint's own JSON Schema
 * when set, else the built-in schema of the provider. `json` is undefined when the body is
 * not JSON. Never throws.
 */
export function checkSchema(
  _provider: string | null,
  _json: unknown,
  _endpoint: Endpoint,
): Inspection['schema'] {
  return { status: 'none' };
}
