import { Logger } from '@aws-lambda-powertools/logger';
import type { Context as LambdaContext } from 'aws-lambda';
import { hashForLog, redactAddresses } from '../core/redact';

/**
 * Powertools' Logger, which can also speak to a person at a terminal: a staff command's warnings and
 * errors go to stderr as one line of words each (stdout stays the command's own output), and its
 * informational lines are not shown.
 */
class NashraLogger extends Logger {
  #terminal = false;

  /** From now on: warnings and errors only, as words on stderr. The CLI's composition root calls this. */
  speakToTerminal(): void {
    this.#terminal = true;
    this.setLogLevel('WARN');
  }

  protected override printLog(logLevel: number, log: Parameters<Logger['printLog']>[1]): void {
    if (!this.#terminal) {
      super.printLog(logLevel, log);
      return;
    }
    const { level, message, timestamp, service, sampling_rate, xray_trace_id, error, ...rest } =
      log.getAttributes() as Record<string, unknown>;
    const details = Object.entries(rest)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    const reason =
      error && typeof error === 'object' && 'message' in error ? `: ${String(error.message)}` : '';
    const kind = String(level).toLowerCase() === 'warn' ? 'warning' : 'error';
    process.stderr.write(
      `nashra: ${kind}: ${message}${reason}${details.length ? ` (${details.join(', ')})` : ''}\n`,
    );
  }
}

/**
 * The one logger. Structured JSON on AWS (CloudWatch), the same locally. Never log an email address
 * or an IP: log `hashForLog(value)` instead, which still lets an operator correlate lines.
 */
export const logger = new NashraLogger({ serviceName: 'nashra' });

export { hashForLog };

/**
 * An error as it may be logged: name, message and stack with every email or IPv4 address in them
 * replaced by its `hashForLog`. For errors whose text nashra does not write: a mail service's
 * rejection can name the recipient ("…failed the check in region EU-WEST-1: reader@example.org").
 */
export function logSafeError(error: unknown): { name: string; message: string; stack?: string } {
  if (!(error instanceof Error)) return { name: 'NonError', message: redactAddresses(String(error)) };
  return {
    name: error.name,
    message: redactAddresses(error.message),
    ...(error.stack ? { stack: redactAddresses(error.stack) } : {}),
  };
}

/**
 * Gives the logger the invocation's Lambda context, so each line carries its request id, cold start
 * and function name. Outside Lambda (local triggers, the CLI) there is none and nothing changes.
 */
export function withLambdaContext(context: LambdaContext | undefined): void {
  if (context) logger.addContext(context);
}
