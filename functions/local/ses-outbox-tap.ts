import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tap } from './service-tap';

/** The file name a message id is kept under: SES ids are safe already; anything else is made so. */
export function outboxFileName(messageId: string): string {
  return `${messageId.replace(/[^A-Za-z0-9._@-]/g, '_')}.eml`;
}

/**
 * Keeps every raw message that SES accepted as `<outbox>/<message-id>.eml`, byte for byte. The SES
 * emulator parses raw mail on receipt and drops its headers; the outbox is where a person or a test
 * reads exactly what was sent.
 */
export function sesOutboxTap(outboxDir: string): Tap {
  mkdirSync(outboxDir, { recursive: true });
  return async (request, forward) => {
    const response = await forward();
    if (response.status !== 200 || request.method !== 'POST') return response;
    const form = new URLSearchParams(request.body.toString('utf8'));
    const data = form.get('RawMessage.Data');
    if (form.get('Action') !== 'SendRawEmail' || !data) return response;
    const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(response.body.toString('utf8'))?.[1];
    if (messageId) writeFileSync(join(outboxDir, outboxFileName(messageId)), Buffer.from(data, 'base64'));
    return response;
  };
}
