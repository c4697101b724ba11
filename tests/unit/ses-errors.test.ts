import { describe, expect, it } from 'vitest';
import { classifySesError } from '../../functions/adapters/ses-mailer';

const sesError = (name: string, message: string, status: number) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('classifySesError', () => {
  it('retries throttling, 5xx and dropped connections', () => {
    expect(classifySesError(sesError('Throttling', 'Maximum sending rate exceeded.', 400)).name).toBe(
      'TransientSendError',
    );
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

  it('gives up on a rejected message', () => {
    expect(classifySesError(sesError('MessageRejected', 'Email address is not verified.', 400)).name).toBe(
      'PermanentSendError',
    );
  });
});
