import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The one place a typed error becomes an HTTP status. Anything unnamed here is a 500 whose details
 * stay in the log, never in the page.
 */
const statusByErrorName: Record<string, ContentfulStatusCode> = {
  ValidationError: 400,
  UnauthorizedError: 401,
  ForbiddenError: 403,
  NotFoundError: 404,
  // A link token that is not ours, not for this route or revoked: as if the page did not exist.
  InvalidTokenError: 404,
  ExpiredTokenError: 410,
  // A page cursor nashra did not hand out: a page that does not exist.
  InvalidCursorError: 404,
  ConflictError: 409,
  PayloadTooLargeError: 413,
  UnsupportedMediaTypeError: 415,
  RateLimitedError: 429,
};

export function statusForError(error: unknown): ContentfulStatusCode {
  return (error instanceof Error && statusByErrorName[error.name]) || 500;
}
