import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import addressparser from 'nodemailer/lib/addressparser';
import {
  PermanentSendError,
  QuotaExceededError,
  SendingHaltedError,
  ThrottledError,
  TransientSendError,
} from '../core/errors';
import type { Mailer, RawMail } from '../core/ports';
import type { Config } from '../shared/config';
import { clientOptions } from './aws-client-options';

export function createSesClient(config: Config): SESClient {
  // The sender retries with its own backoff and rate budget; the SDK's retries would hide throttling.
  // Each command's middleware is resolved once and kept: it was a tenth of the sender's CPU per mail.
  return new SESClient({
    ...clientOptions(config, config.endpoints.ses),
    maxAttempts: 1,
    cacheMiddleware: true,
  });
}

/**
 * The SendRawEmail `Source` for a From setting such as `ICSSI نشرة <bulletin@example.org>`: the bare
 * address. SES takes Source only as 7-bit ASCII, a non-ASCII friendly name only as an RFC 2047
 * encoded-word (https://docs.aws.amazon.com/ses/latest/APIReference/API_SendRawEmail.html); the name
 * readers see comes from the message's own From header, which MailComposer encodes. The bare address is
 * the verified identity the `ses:FromAddress` policy condition names, and bounces return to it.
 */
export function sesSourceOf(from: string): string {
  const mailboxes = addressparser(from, { flatten: true });
  const address = mailboxes.length === 1 ? mailboxes[0]?.address : undefined;
  if (!address) throw new PermanentSendError('the From setting does not name exactly one address');
  return address;
}

/** Sends raw MIME through SES v1 SendRawEmail with the configuration set, mapping SES errors to ours. */
export class SesMailer implements Mailer {
  /** Each From setting's bare address: a process sends from one or two, and parses each once. */
  private readonly sources = new Map<string, string>();

  constructor(
    private readonly ses: SESClient,
    private readonly configurationSet: string,
  ) {}

  private sourceOf(from: string): string {
    let source = this.sources.get(from);
    if (source === undefined) {
      source = sesSourceOf(from);
      this.sources.set(from, source);
    }
    return source;
  }

  async sendRaw(mail: RawMail): Promise<{ messageId: string }> {
    try {
      const result = await this.ses.send(
        new SendRawEmailCommand({
          Source: this.sourceOf(mail.from),
          Destinations: [mail.to],
          RawMessage: { Data: mail.raw },
          ConfigurationSetName: this.configurationSet,
          Tags: Object.entries(mail.tags ?? {}).map(([Name, Value]) => ({ Name, Value })),
        }),
      );
      if (!result.MessageId) throw new TransientSendError('SES answered without a message id');
      return { messageId: result.MessageId };
    } catch (error) {
      throw classifySesError(error);
    }
  }
}

/**
 * SES refusals that say nothing about the one reader: sending is paused for the account or the
 * configuration set, the configuration set is gone, the MAIL FROM domain is not verified. Every
 * further message would be refused the same way (SendRawEmail's errors:
 * https://docs.aws.amazon.com/ses/latest/APIReference/API_SendRawEmail.html#API_SendRawEmail_Errors).
 * `ConfigurationSetDoesNotExist` is the Query protocol's code, which the SDK names with `Exception`.
 */
const accountWideRefusals = new Set([
  'AccountSendingPausedException',
  'ConfigurationSetSendingPausedException',
  'ConfigurationSetDoesNotExist',
  'ConfigurationSetDoesNotExistException',
  'MailFromDomainNotVerifiedException',
]);

/**
 * Sorts an SES failure into: retry later (throttling counted apart), halt the issue (the daily quota,
 * or a refusal of every message whoever it is to), or give up on this one message. An `AccessDenied`
 * on the sending identity or the configuration set halts; one that names an address identity is a
 * sandbox recipient the role may not send to, which is that reader's failure alone.
 */
export function classifySesError(error: unknown): Error {
  if (
    error instanceof TransientSendError ||
    error instanceof SendingHaltedError ||
    error instanceof PermanentSendError
  )
    return error;
  const e = error as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    code?: string;
    Code?: string;
  };
  const message = e.message ?? String(error);
  const code = e.Code ?? e.name ?? '';
  if (/daily message quota exceeded/i.test(message)) return new QuotaExceededError(message);
  if (accountWideRefusals.has(code)) return new SendingHaltedError(`${code}: ${message}`);
  if (code === 'AccessDenied' || code === 'AccessDeniedException') {
    return /identity\/[^\s`'"]*@/.test(message)
      ? new PermanentSendError(`${code}: ${message}`)
      : new SendingHaltedError(`${code}: ${message}`);
  }
  if (
    code === 'Throttling' ||
    code === 'ThrottlingException' ||
    /maximum sending rate exceeded/i.test(message)
  )
    return new ThrottledError(message);
  const status = e.$metadata?.httpStatusCode;
  if (
    (status !== undefined && status >= 500) ||
    e.name === 'TimeoutError' ||
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND'].includes(e.code ?? '') ||
    /socket hang up|ECONNRESET|ECONNREFUSED|network/i.test(message)
  ) {
    return new TransientSendError(message);
  }
  return new PermanentSendError(`${code || 'Error'}: ${message}`);
}
