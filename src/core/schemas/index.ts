import { checkGitHub } from './github';
import {
  countValues,
  issue,
  MAX_CHECKED_VALUES,
  tooManyValuesIssue,
  type SchemaResult,
} from './issues';
import { checkOpenAi } from './openai';
import { checkClerk, checkResend, checkStandardWebhooks, checkSvix } from './standard-webhooks';
import { checkStripe } from './stripe';

export { MAX_CHECKED_VALUES } from './issues';
export { USER_SCHEMA_NAME } from './issues';
export { openAiJob, openAiEventTypes, type OpenAiJob, type OpenAiJobKind } from './openai';
export type { SchemaResult } from './issues';

/** The built-in schema check of each provider that has one (a Map: ids are untrusted). */
const builtins = new Map<string, (json: unknown) => SchemaResult>([
  ['openai', checkOpenAi],
  ['stripe', checkStripe],
  ['github', checkGitHub],
  ['standard-webhooks', checkStandardWebhooks],
  ['svix', checkSvix],
  ['clerk', checkClerk],
  ['resend', checkResend],
]);

/** The providers with a built-in schema. */
export const providersWithSchema = [...builtins.keys()];

/**
 * Checks a parsed JSON body against the built-in schema of its provider. `json` is undefined
 * when the body is not JSON: then, and for a provider without a built-in schema, the status is
 * 'none'. The built-in schemas are zod shapes that walk only the fields they name (arrays
 * stop after MAX_ISSUES bad elements), so a check is linear in the body and runs on the
 * receiver's thread; an endpoint's own JSON Schema never does (see SchemaChecker). Never
 * throws: a failing check gives 'none' with the reason.
 */
export function checkSchema(provider: string | null, json: unknown): SchemaResult {
  if (json === undefined) return { status: 'none' };
  try {
    const check = provider === null ? undefined : builtins.get(provider);
    if (!check) return { status: 'none' };
    if (countValues(json, MAX_CHECKED_VALUES) > MAX_CHECKED_VALUES) {
      return { status: 'none', issues: [tooManyValuesIssue] };
    }
    return check(json);
  } catch (err) {
    // A schema bug must never take a delivery down; report it as the reason.
    const why = err instanceof Error ? err.message : 'unexpected error';
    return { status: 'none', issues: [issue('(root)', `could not be checked: ${why}`)] };
  }
}
