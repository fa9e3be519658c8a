import { providerIds } from '../../../shared/model';
import { providerName } from '../format/provider-names';

/** One `<option>` per provider id, by display name, for a provider `<select>`. */
export function ProviderOptions() {
  return providerIds.map((p) => (
    <option key={p} value={p}>
      {providerName(p)}
    </option>
  ));
}
