import { createHash } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger. Structured JSON on AWS (CloudWatch), the same locally. Never log an email address
 * or an IP: log `hashForLog(value)` instead, which still lets an operator correlate lines.
 */
export const logger = new Logger({ serviceName: 'nashra' });

export function hashForLog(value: string): string {
  return createHash('sha256').update(value.trim().toLowerCase()).digest('hex').slice(0, 16);
}

const addressInText =
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}|(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])/g;

/**
 * An error as it may be logged: name, message and stack with every email or IPv4 address in them
 * replaced by its `hashForLog`. For errors whose text nashra does not write: a mail service's
 * rejection can name the recipient ("…failed the check in region EU-WEST-1: reader@example.org").
 */
export function logSafeError(error: unknown): { name: string; message: string; stack?: string } {
  const redact = (text: string) => text.replace(addressInText, (address) => `[${hashForLog(address)}]`);
  if (!(error instanceof Error)) return { name: 'NonError', message: redact(String(error)) };
  return {
    name: error.name,
    message: redact(error.message),
    ...(error.stack ? { stack: redact(error.stack) } : {}),
  };
}
