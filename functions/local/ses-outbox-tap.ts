import { join } from 'node:path';
import { makePrivateDir, writePrivateFile } from '../shared/private-files';
import { queryFormOf, type Tap } from './service-tap';

/** The file name a message id is kept under: SES ids are safe already; anything else is made so. */
export function outboxFileName(messageId: string): string {
  return `${messageId.replace(/[^A-Za-z0-9._@-]/g, '_')}.eml`;
}

/**
 * Writes without overwriting: the SES emulator draws its ids from nine random digits, so over a
 * large run two messages can share one; the second is kept as `<id>-2.eml`.
 */
function keep(outboxDir: string, messageId: string, raw: Buffer): void {
  const base = outboxFileName(messageId).replace(/\.eml$/, '');
  for (let n = 1; ; n++) {
    try {
      writePrivateFile(join(outboxDir, n === 1 ? `${base}.eml` : `${base}-${n}.eml`), raw, 'wx');
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * Keeps every raw message that SES accepted as `<outbox>/<message-id>.eml`, byte for byte. The SES
 * emulator parses raw mail on receipt and drops its headers; the outbox is where a person or a test
 * reads exactly what was sent.
 */
export function sesOutboxTap(outboxDir: string): Tap {
  makePrivateDir(outboxDir);
  return async (request, forward) => {
    const response = await forward();
    if (response.status !== 200 || request.method !== 'POST') return response;
    const form = queryFormOf(request);
    const data = form.get('RawMessage.Data');
    if (form.get('Action') !== 'SendRawEmail' || !data) return response;
    const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(response.body.toString('utf8'))?.[1];
    if (messageId) keep(outboxDir, messageId, Buffer.from(data, 'base64'));
    return response;
  };
}
