/** Error codes every transport maps to the same meaning (and HTTP status in headless mode). */
export type ErrorCode =
  | 'bad_input'
  | 'unauthorized'
  | 'forbidden'
  | 'unknown_command'
  | 'not_found'
  | 'conflict'
  | 'not_implemented'
  | 'internal';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  issues?: { path: (string | number)[]; message: string }[];
}

/** An error a command handler throws on purpose; its message is safe to show the user. */
export class HookscopeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorBody['issues'],
  ) {
    super(message);
    this.name = 'HookscopeError';
  }

  toBody(): ErrorBody {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
}

/** Converts anything thrown into the wire error shape; unknown errors become `internal`. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof HookscopeError) return err.toBody();
  if (isErrorBody(err)) return err;
  const message = (err as { message?: unknown } | null)?.message;
  return { code: 'internal', message: typeof message === 'string' ? message : String(err) };
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'bad_input',
  'unauthorized',
  'forbidden',
  'unknown_command',
  'not_found',
  'conflict',
  'not_implemented',
  'internal',
]);

/**
 * True for a plain `{ code, message }` object as carried over a transport, with one of our
 * codes: a Node or SQLite error (`{ code: 'ECONNRESET' | 'SQLITE_IOERR', message }`) is not one.
 */
export function isErrorBody(v: unknown): v is ErrorBody {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ErrorBody).code === 'string' &&
    ERROR_CODES.has((v as ErrorBody).code) &&
    typeof (v as ErrorBody).message === 'string'
  );
}
