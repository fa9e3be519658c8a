import { describe, expect, it } from 'vitest';
import { HookscopeError, toErrorBody } from '../../src/shared/errors';

describe('toErrorBody', () => {
  it('keeps our own errors and error bodies as they are', () => {
    expect(toErrorBody(new HookscopeError('not_found', 'no event "x"'))).toEqual({
      code: 'not_found',
      message: 'no event "x"',
    });
    expect(toErrorBody({ code: 'conflict', message: 'taken' })).toEqual({
      code: 'conflict',
      message: 'taken',
    });
  });

  it('turns Node and SQLite errors, which also have a code and a message, into internal', () => {
    const reset = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    expect(toErrorBody(reset)).toEqual({ code: 'internal', message: 'aborted' });
    expect(toErrorBody({ code: 'SQLITE_IOERR', message: 'disk I/O error' })).toEqual({
      code: 'internal',
      message: 'disk I/O error',
    });
  });
});
