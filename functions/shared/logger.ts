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
