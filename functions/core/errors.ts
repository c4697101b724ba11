/**
 * Typed errors of the core. Each has a `name`, and the HTTP layer maps names to status codes in one
 * place (functions/shared/http-errors.ts), so a use case never thinks about HTTP.
 */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** A page cursor that is not one nashra handed out (forged, truncated, from another listing). */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

export class ConflictError extends Error {
  override name = 'ConflictError';
}

export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
}

/** A request the route refuses whoever sends it from where it came (a form posted from another site). */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
}

/** A request body of a type the route does not take (a form route sent XML, say). */
export class UnsupportedMediaTypeError extends Error {
  override name = 'UnsupportedMediaTypeError';
}

/** A request body over the route's size limit. */
export class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
}

/** SES or another downstream said "try again later" (throttling, 5xx, dropped connection). */
export class TransientSendError extends Error {
  override name = 'TransientSendError';
}

/** SES asks to slow down ("Maximum sending rate exceeded"): a transient failure that is counted apart. */
export class ThrottledError extends TransientSendError {
  override name = 'ThrottledError';
}

/**
 * SES refuses every message for now, whoever it is to: no reader is at fault, so nobody is marked
 * failed. The issue is parked, the alarm rings, and `nashra digest resume` sends the rest once the
 * cause is fixed. The message says the cause as SES gave it.
 */
export class SendingHaltedError extends Error {
  override name = 'SendingHaltedError';
}

/** SES's daily quota is spent: stop, park the issue, resume later. */
export class QuotaExceededError extends SendingHaltedError {
  override name = 'QuotaExceededError';
}

/** SES refused this one message for good (bad address, rejected content). */
export class PermanentSendError extends Error {
  override name = 'PermanentSendError';
}
