import { describe, expect, it } from 'vitest';
import { classifySesError } from '../../functions/adapters/ses-mailer';
import { SendingHaltedError, TransientSendError } from '../../functions/core/errors';

const sesError = (name: string, message: string, status: number) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('classifySesError', () => {
  it('retries throttling, 5xx and dropped connections', () => {
    const throttled = classifySesError(sesError('Throttling', 'Maximum sending rate exceeded.', 400));
    expect(throttled.name).toBe('ThrottledError');
    expect(throttled).toBeInstanceOf(TransientSendError);
    expect(classifySesError(sesError('InternalFailure', 'oops', 500)).name).toBe('TransientSendError');
    expect(classifySesError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).name).toBe(
      'TransientSendError',
    );
  });

  it('stops for the day on the daily quota, even though SES also calls it Throttling', () => {
    expect(classifySesError(sesError('Throttling', 'Daily message quota exceeded.', 400)).name).toBe(
      'QuotaExceededError',
    );
  });

  it('gives up on a rejected message, keeping the code in the reason', () => {
    const rejected = classifySesError(sesError('MessageRejected', 'Email address is not verified.', 400));
    expect(rejected.name).toBe('PermanentSendError');
    expect(rejected.message).toBe('MessageRejected: Email address is not verified.');
  });

  it.each([
    'AccountSendingPausedException',
    'ConfigurationSetSendingPausedException',
    'ConfigurationSetDoesNotExistException',
    'MailFromDomainNotVerifiedException',
  ])('halts the issue on %s: every message would be refused the same way', (name) => {
    const halted = classifySesError(sesError(name, 'refused', 400));
    expect(halted).toBeInstanceOf(SendingHaltedError);
    expect(halted.message).toBe(`${name}: refused`);
  });

  it('halts on AccessDenied for the sending identity, fails one reader for a sandbox recipient identity', () => {
    const denied = (resource: string) =>
      classifySesError(
        sesError(
          'AccessDenied',
          `User \`arn:aws:sts::111111111111:assumed-role/r/x' is not authorized to perform \`ses:SendRawEmail' on resource \`${resource}'`,
          403,
        ),
      );
    expect(denied('arn:aws:ses:eu-west-1:111111111111:identity/news.example.org')).toBeInstanceOf(
      SendingHaltedError,
    );
    expect(denied('arn:aws:ses:eu-west-1:111111111111:configuration-set/nashra-prod')).toBeInstanceOf(
      SendingHaltedError,
    );
    expect(denied('arn:aws:ses:eu-west-1:111111111111:identity/tester@example.org').name).toBe(
      'PermanentSendError',
    );
  });
});
