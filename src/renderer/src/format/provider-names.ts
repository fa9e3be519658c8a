import { providerName as catalogueName } from '../../../shared/providers';

/** The display name of a provider id, from the provider catalogue (the id itself when unknown). */
export function providerName(id: string): string {
  return id === 'auto' ? 'detect from headers' : catalogueName(id);
}
