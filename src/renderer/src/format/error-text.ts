import { HookscopeError } from '../../../shared/errors';

/** An error as a sentence for the user: the message, plus the contract's issues if any. */
export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof HookscopeError) || !err.issues?.length) return message;
  const issues = err.issues.map((i) =>
    i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message,
  );
  return `${message}: ${issues.join('; ')}`;
}
