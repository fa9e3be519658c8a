import type { SignatureScheme } from './types';

/** Schemes of this group, most specific detection first. */
export const commerceSchemes: SignatureScheme[] = [];
