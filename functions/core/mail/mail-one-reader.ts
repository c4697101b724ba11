import { ValidationError } from '../errors';
import type { Mailer } from '../ports';
import type { CompiledMail } from './compiled-mail';
import { composeMime, composeOptInMime, type VariantHeaders } from './compose-mime';
import { MimeTemplate } from './mime-template';
import { type PersonalLinks, personalise } from './personalise';

/** The settings every mail shares, from config. */
export interface MailSettings {
  from: string;
  listId: string;
  unsubscribeMailto: string;
}

/** One compiled mail as all its readers get it, before their own links go in. */
export interface ReaderMail {
  compiled: CompiledMail;
  /** `variantHeaders(compiled, …)`, or with another subject (a test send's `[TEST] …`). */
  headers: VariantHeaders;
  /**
   * `list` (every mail to a subscriber: one-click `List-Unsubscribe` and `List-Unsubscribe-Post`) or
   * `opt-in` (the confirmation, without them: composeOptInMime says why).
   */
  kind: 'list' | 'opt-in';
  /**
   * `MimeTemplate.build(compiled, headers)` of a list mail, built once for a variant's many readers.
   * Without it the message is composed in full, as it is for an address the template cannot carry.
   */
  template?: MimeTemplate;
  /** SES message tags of this mail (values SES-safe). */
  tags?: Record<string, string>;
}

/** The headers of a compiled mail for these settings, named by `feedbackId` (SES Feedback-ID). */
export function variantHeaders(
  compiled: CompiledMail,
  settings: MailSettings,
  feedbackId: string,
): VariantHeaders {
  return {
    from: settings.from,
    subject: compiled.subject,
    contentLanguage: compiled.contentLanguage,
    listId: settings.listId,
    unsubscribeMailto: settings.unsubscribeMailto,
    feedbackId,
  };
}

/**
 * One reader's message: the reader's links filled into the compiled mail and the MIME built — from the
 * variant's template when one is given and the address fits it, else composed in full by MailComposer.
 * Throws ValidationError for a missing or malformed link or a header value with CR/LF.
 */
export async function readerMime(
  mail: ReaderMail,
  reader: { to: string; links: PersonalLinks },
  now: Date,
): Promise<Buffer> {
  if (mail.kind === 'list' && mail.template && MimeTemplate.fits(reader.to))
    return mail.template.forReader(reader.to, reader.links, now);
  const filled = personalise(mail.compiled, reader.links);
  const common = { ...mail.headers, to: reader.to, html: filled.html, text: filled.text };
  if (mail.kind === 'opt-in') return composeOptInMime(common);
  if (reader.links.unsubscribeUrl === undefined)
    throw new ValidationError('unsubscribeUrl must be an absolute http(s) URL for a list mail');
  return composeMime({ ...common, unsubscribeUrl: reader.links.unsubscribeUrl });
}

/**
 * Personalises, builds and sends one mail to one reader: the one path every mail to a reader takes
 * (the sender's digests and alerts, the system mails, a staff test send). `mailer` is the port as the
 * caller wants it used — the sender passes one that waits for a send slot and retries. Returns the
 * mail service's message id.
 */
export async function mailOneReader(
  mail: ReaderMail,
  reader: { to: string; links: PersonalLinks },
  deps: { mailer: Mailer; now: Date },
): Promise<{ messageId: string }> {
  const raw = await readerMime(mail, reader, deps.now);
  return deps.mailer.sendRaw({
    from: mail.headers.from,
    to: reader.to,
    raw,
    ...(mail.tags ? { tags: mail.tags } : {}),
  });
}
