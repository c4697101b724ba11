import * as z from 'zod';
import { InvalidCursorError } from '../../core/errors';

/** Page cursors are opaque to callers: DynamoDB's last evaluated key, base64url-encoded JSON. */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;

/** A key attribute as DynamoDB takes it in a key: a non-empty string of at most 1024 bytes. */
export const keyString = z
  .string()
  .min(1)
  .refine((value) => Buffer.byteLength(value) <= 1024);

/**
 * The key a cursor holds, checked against the exact shape of the key the query pages by. A cursor
 * from a request is input like any other: one that does not decode to that key (a forged or
 * truncated one) is an InvalidCursorError, never a starting key DynamoDB would refuse with a 500.
 */
export function decodeCursor<Key extends Record<string, unknown>>(
  cursor: string | undefined,
  keySchema: z.ZodType<Key>,
): Key | undefined {
  if (!cursor) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('invalid page cursor');
  }
  const key = keySchema.safeParse(decoded);
  if (!key.success) throw new InvalidCursorError('invalid page cursor');
  return key.data;
}
