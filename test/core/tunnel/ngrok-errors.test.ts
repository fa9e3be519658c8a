import { describe, expect, it } from 'vitest';
import { describeNgrokError } from '../../../src/core/tunnel/ngrok-errors';

/** An error shaped like the SDK's: message with ngrok's text, errorCode filled by its wrapper. */
function sdkError(message: string, errorCode?: string): Error {
  return Object.assign(new Error(message), errorCode ? { errorCode } : {});
}

describe('ngrok SDK errors → what the user sees', () => {
  it('a connection that never reached ngrok is a retryable network problem', () => {
    const f = describeNgrokError(
      sdkError('failed to connect session: failed to establish tcp connection'),
      ['tok'],
    );
    expect(f).toEqual({
      message:
        'could not reach the ngrok service (failed to connect session: failed to establish tcp connection)',
      hint: expect.stringContaining('connect.ngrok-agent.com:443'),
      retryable: true,
    });
  });

  it('a malformed authtoken: ngrok quotes it back, the token is blanked out', () => {
    const token = '2abcSECRETtoken_xyz';
    const f = describeNgrokError(
      sdkError(
        `failed to connect session: authentication failed: The authtoken you specified does not look like a proper ngrok authtoken.\r\nYour authtoken: ${token}\r\n\r\nERR_NGROK_105, error_code: ERR_NGROK_105`,
        'ERR_NGROK_105',
      ),
      [token],
    );
    expect(f.errorCode).toBe('ERR_NGROK_105');
    expect(f.message).toMatch(/^ngrok refused the authtoken: /);
    expect(f.message).toContain('Your authtoken: [redacted]');
    expect(f.message).not.toContain(token);
    expect(f.message).not.toContain('ERR_NGROK');
    expect(f.hint).toContain('dashboard.ngrok.com/get-started/your-authtoken');
    expect(f.retryable).toBe(false);
  });

  it('takes the code from the message when the wrapper did not set errorCode', () => {
    const f = describeNgrokError(
      sdkError(
        'failed to start listener: The domain x.ngrok.app is not reserved by your account., error_code: ERR_NGROK_7118',
      ),
      [],
    );
    expect(f).toMatchObject({ errorCode: 'ERR_NGROK_7118', retryable: false });
    expect(f.message).toBe(
      'ngrok refused the domain: failed to start listener: The domain x.ngrok.app is not reserved by your account.',
    );
    expect(f.hint).toContain('dashboard.ngrok.com/domains');
  });

  it.each([
    ['ERR_NGROK_4018', /needs an authtoken/, /dashboard\.ngrok\.com/],
    ['ERR_NGROK_108', /no more agent sessions/, /stop the other ngrok agent/],
    ['ERR_NGROK_9016', /webhook verification/, /provider and secret/],
    ['ERR_NGROK_360', /basic auth/, /8 to 128/],
    ['ERR_NGROK_99999', /^ngrok error: /, /ngrok\.com\/docs\/errors\/err_ngrok_99999/],
  ])('%s', (code, message, hint) => {
    const f = describeNgrokError(sdkError(`something, error_code: ${code}`, code), []);
    expect(f.message).toMatch(message);
    expect(f.hint).toMatch(hint);
    expect(f.errorCode).toBe(code);
    expect(f.retryable).toBe(false);
  });

  it('blanks every secret it is given, wherever it appears', () => {
    const f = describeNgrokError(sdkError('bad thing with pw12345678 and whsec_1'), [
      'pw12345678',
      'whsec_1',
    ]);
    expect(f.message).toBe('ngrok error: bad thing with [redacted] and [redacted]');
  });
});
