import { checkGitHub } from './github';
import { countValues, issue, type SchemaResult } from './issues';
import { checkOpenAi } from './openai';
import { checkClerk, checkResend, checkStandardWebhooks, checkSvix } from './standard-webhooks';
import { checkStripe } from './stripe';
import { checkUserSchema, USER_SCHEMA_NAME } from './user-schema';

export { compileUserSchema, USER_SCHEMA_NAME } from './user-schema';
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

/**
 * Bodies with more JSON values than this are not checked (about 1-2 MB of typical JSON; a
 * GitHub push with its maximum of 2048 commits stays well below). Keeps a hostile body from
 * stalling the receiver, which runs the check before it answers.
 */
export const MAX_CHECKED_VALUES = 100_000;

/** The providers with a built-in schema. */
export const providersWithSchema = [...builtins.keys()];

/**
 * Checks a parsed JSON body against the schema that applies: the endpoint's own JSON Schema
 * (`userSchema`) when given, else the built-in schema of the provider. `json` is undefined when
 * the body is not JSON: then, and for a provider without a built-in schema, the status is
 * 'none'. Never throws: a broken schema or a failing check gives 'none' with the reason.
 */
export function checkSchema(
  provider: string | null,
  json: unknown,
  userSchema?: unknown,
): SchemaResult {
  if (json === undefined) return { status: 'none' };
  try {
    const own = userSchema !== undefined && userSchema !== null;
    const check = own || provider === null ? undefined : builtins.get(provider);
    if (!own && !check) return { status: 'none' };
    const size = countValues(json, MAX_CHECKED_VALUES);
    if (size > MAX_CHECKED_VALUES) {
      return {
        status: 'none',
        ...(own ? { name: USER_SCHEMA_NAME } : {}),
        issues: [`(root): not checked: the body holds more than ${MAX_CHECKED_VALUES} values`],
      };
    }
    if (own) return checkUserSchema(userSchema, json, size);
    return check ? check(json) : { status: 'none' };
  } catch (err) {
    // A schema bug must never take a delivery down; report it as the reason.
    const why = err instanceof Error ? err.message : 'unexpected error';
    return { status: 'none', issues: [issue('(root)', `could not be checked: ${why}`)] };
  }
}
