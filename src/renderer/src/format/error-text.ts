/**
 * An error as a sentence for the user. The engine's messages name each field in the user's
 * words and say what is expected (the issues beside them are for placing the text in a form).
 */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
