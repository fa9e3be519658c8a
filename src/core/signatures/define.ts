import type { ProviderId } from '../../shared/model';
import { providerName } from '../../shared/providers';
import type { SignatureScheme } from './types';

/** A scheme as its module writes it: everything but the id and the catalogue's name. */
export type SchemeDefinition = Omit<SignatureScheme, 'id' | 'name'>;

/** The scheme of catalogue row `id`: its display name comes from the row (src/shared/providers). */
export function defineScheme(id: ProviderId, def: SchemeDefinition): SignatureScheme {
  return { ...def, id, name: providerName(id) };
}
