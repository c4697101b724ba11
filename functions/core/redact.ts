import { createHash } from 'node:crypto';

/**
 * A value as it may be written where an operator reads it (a log line, a delivery's failure reason):
 * a truncated SHA-256 of the trimmed, lower-cased value, so lines about one address still correlate.
 */
export function hashForLog(value: string): string {
  return createHash('sha256').update(value.trim().toLowerCase()).digest('hex').slice(0, 16);
}

const addressInText =
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}|(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])/g;

/**
 * Text nashra did not write (a mail service's rejection can name the recipient: "…failed the check in
 * region EU-WEST-1: reader@example.org") with every email or IPv4 address replaced by its
 * `[hashForLog]`.
 */
export function redactAddresses(text: string): string {
  return text.replace(addressInText, (address) => `[${hashForLog(address)}]`);
}
