import { commands, type Input } from '../../../shared/contract';
import type { Endpoint } from '../../../shared/model';
import { parseInput, zodIssues } from '../../../shared/dispatch';
import { issuesByField } from '../../../shared/input-errors';

/** The endpoint form's fields, as typed. */
export interface EndpointDraft {
  id?: string;
  name: string;
  path: string;
  provider: string;
  /** New secrets, one per line; empty keeps the configured ones when editing. */
  secrets: string;
  clearSecrets: boolean;
  toleranceSec: string;
  forwardTo: string;
  forwardDuplicates: boolean;
  responseStatus: string;
  responseContentType: string;
  responseBody: string;
  responseDelayMs: string;
  /** Answer 401 to invalid, stale or unsigned deliveries, as a production endpoint would. */
  rejectBadSignatures: boolean;
  /** Failure simulation: the next N deliveries and/or X % of them get `failStatus`. */
  failNext: string;
  failPercent: string;
  failStatus: string;
  /** The endpoint's own JSON Schema as text; empty: none (the provider's built-in one). */
  jsonSchema: string;
  /** The endpoint's version the draft was filled from (sent as `rev` on save). */
  rev?: number;
}

/** The endpoint form's fields in the form's words (the merge banner names them). */
export const ENDPOINT_FIELD_LABELS: Record<EndpointDraftField, string> = {
  name: 'Name',
  path: 'Path prefix',
  provider: 'Provider',
  secrets: 'Signing secrets',
  clearSecrets: 'Remove all secrets',
  toleranceSec: 'Tolerance (seconds)',
  forwardTo: 'Forward to',
  forwardDuplicates: 'Forward duplicate deliveries too',
  responseStatus: 'Response status',
  responseContentType: 'Response Content-Type',
  responseBody: 'Response body',
  responseDelayMs: 'Response delay (ms)',
  rejectBadSignatures: 'Answer 401 to bad signatures',
  failNext: 'Simulate failures: next N',
  failPercent: 'Simulate failures: X %',
  failStatus: 'Simulate failures: status',
  jsonSchema: 'JSON Schema',
};
export type EndpointDraftField = Exclude<keyof EndpointDraft, 'id' | 'rev'>;
export const ENDPOINT_FIELDS = Object.keys(ENDPOINT_FIELD_LABELS) as EndpointDraftField[];

export { applyEndpointChange } from './panels';

/** A draft for a new endpoint, or filled from an existing one. */
export function toDraft(e?: Endpoint): EndpointDraft {
  const contentType = e?.response.headers?.find(([n]) => n.toLowerCase() === 'content-type')?.[1];
  return {
    ...(e ? { id: e.id, rev: e.rev } : {}),
    name: e?.name ?? '',
    // A new endpoint starts empty: `/` is the default endpoint's and always taken.
    path: e?.path ?? '',
    provider: e?.provider ?? 'auto',
    secrets: '',
    clearSecrets: false,
    toleranceSec: e?.toleranceSec != null ? String(e.toleranceSec) : '',
    forwardTo: e?.forwardTo ?? '',
    forwardDuplicates: e?.forwardDuplicates ?? true,
    responseStatus: String(e?.response.status ?? 200),
    responseContentType: contentType ?? 'application/json',
    responseBody: e?.response.body ?? '{"ok":true}',
    responseDelayMs: e?.response.delayMs ? String(e.response.delayMs) : '',
    rejectBadSignatures: e?.invalidSignatureResponse != null,
    failNext: e?.simulate ? String(e.simulate.failNext) : '',
    failPercent: e?.simulate ? String(e.simulate.failPercent) : '',
    failStatus: String(e?.simulate?.status ?? 503),
    jsonSchema:
      e?.jsonSchema !== null && e?.jsonSchema !== undefined
        ? JSON.stringify(e.jsonSchema, null, 2)
        : '',
  };
}

const num = (s: string): number => (s.trim() === '' ? NaN : Number(s));

/**
 * The saveEndpoint input for a draft, checked with the contract's own schema. Errors map
 * field names (`path`, `secrets`, `response`, ...) to the contract's messages.
 */
export function fromDraft(d: EndpointDraft): {
  input: Input<'saveEndpoint'> | null;
  errors: Record<string, string>;
} {
  const secrets = d.secrets
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  const headers: [string, string][] = d.responseContentType.trim()
    ? [['Content-Type', d.responseContentType.trim()]]
    : [];
  let jsonSchema: unknown = null;
  if (d.jsonSchema.trim() !== '') {
    try {
      jsonSchema = JSON.parse(d.jsonSchema) as unknown;
    } catch (err) {
      return {
        input: null,
        errors: { jsonSchema: `not valid JSON: ${(err as Error).message}` },
      };
    }
  }
  const input: Input<'saveEndpoint'> = {
    ...(d.id ? { id: d.id } : {}),
    ...(d.id && d.rev !== undefined ? { rev: d.rev } : {}),
    name: d.name.trim(),
    path: d.path.trim(),
    provider: d.provider as Input<'saveEndpoint'>['provider'],
    ...(secrets.length || d.clearSecrets || !d.id
      ? { secrets: d.clearSecrets ? [] : secrets }
      : {}),
    toleranceSec: d.toleranceSec.trim() === '' ? null : num(d.toleranceSec),
    forwardTo: d.forwardTo.trim() === '' ? null : d.forwardTo.trim(),
    forwardDuplicates: d.forwardDuplicates,
    response: {
      status: num(d.responseStatus),
      headers,
      body: d.responseBody,
      ...(d.responseDelayMs.trim() ? { delayMs: num(d.responseDelayMs) } : {}),
    },
    invalidSignatureResponse: d.rejectBadSignatures
      ? {
          status: 401,
          headers: [['Content-Type', 'application/json']],
          body: '{"error":"invalid signature"}',
        }
      : null,
    simulate:
      d.failNext.trim() || d.failPercent.trim()
        ? {
            failNext: d.failNext.trim() ? num(d.failNext) : 0,
            failPercent: d.failPercent.trim() ? num(d.failPercent) : 0,
            status: num(d.failStatus),
          }
        : null,
    jsonSchema: jsonSchema as Input<'saveEndpoint'>['jsonSchema'],
  };
  const parsed = parseInput(commands.saveEndpoint.input, input);
  if (parsed.success) return { input, errors: {} };
  return { input: null, errors: issuesByField(zodIssues(parsed.error)) };
}
