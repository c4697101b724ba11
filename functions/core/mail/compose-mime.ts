import MailComposer, { type MailComposerOptions } from 'nodemailer/lib/mail-composer';
import { ValidationError } from '../errors';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** `ar`, `en`, or `ar, en` for a bilingual mail: the Content-Language header. */
  contentLanguage: string;
  listId: string;
  /** The HTTPS one-click unsubscribe URL (RFC 8058) and the mailto fallback, in one header. */
  unsubscribeUrl: string;
  unsubscribeMailto: string;
  /** SES Feedback-ID: `issue:kind:list:sender`-style, naming the issue. */
  feedbackId: string;
}

/** The headers every reader of one variant shares: all of a mail but its reader and bodies. */
export type VariantHeaders = Omit<OutgoingMail, 'to' | 'unsubscribeUrl' | 'html' | 'text'>;

const lineBreak = /[\r\n]/;

function headerValue(name: string, value: string): string {
  if (lineBreak.test(value)) throw new ValidationError(`line break in the ${name} header`);
  return value;
}

/**
 * MailComposer's options for one list mail: the one place that says which headers a mail carries and
 * how its bodies are encoded, shared by composeMime and the per-variant MimeTemplate so that both
 * write the same message. Any header value with a CR or LF is refused (header injection).
 */
export function listMailOptions(mail: OutgoingMail): MailComposerOptions {
  const unsubscribe = `<${headerValue('List-Unsubscribe', mail.unsubscribeUrl)}>, <mailto:${headerValue('List-Unsubscribe', mail.unsubscribeMailto)}?subject=unsubscribe>`;
  return {
    from: headerValue('From', mail.from),
    to: headerValue('To', mail.to),
    subject: headerValue('Subject', mail.subject),
    html: mail.html,
    text: mail.text,
    textEncoding: 'base64',
    headers: {
      'List-Unsubscribe': unsubscribe,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `<${headerValue('List-Id', mail.listId)}>`,
      'Content-Language': headerValue('Content-Language', mail.contentLanguage),
      'Feedback-ID': headerValue('Feedback-ID', mail.feedbackId),
    },
  };
}

/**
 * Builds one RFC 5322 message with nodemailer's MailComposer: HTML and plain-text alternatives and the
 * list headers Gmail and RFC 8058 ask for — ONE `List-Unsubscribe` holding the HTTPS URL and the
 * mailto, `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, `List-Id`. Any header value with a CR or
 * LF is refused (header injection), whatever field it came from.
 */
export async function composeMime(mail: OutgoingMail): Promise<Buffer> {
  return new MailComposer(listMailOptions(mail)).compile().build();
}

/**
 * The opt-in confirmation: the one mail sent to an address whose owner has not (yet) subscribed. It
 * carries no `List-Unsubscribe`: whoever typed the address may not be its owner, there is nothing to
 * leave yet, and an unsubscribe link here would let a mail client change state for someone who never
 * subscribed. The mail itself says to ignore it. `List-Id` stays, so filters can still sort it.
 */
export async function composeOptInMime(
  mail: Omit<OutgoingMail, 'unsubscribeUrl' | 'unsubscribeMailto'>,
): Promise<Buffer> {
  const composer = new MailComposer({
    from: headerValue('From', mail.from),
    to: headerValue('To', mail.to),
    subject: headerValue('Subject', mail.subject),
    html: mail.html,
    text: mail.text,
    textEncoding: 'base64',
    headers: {
      'List-Id': `<${headerValue('List-Id', mail.listId)}>`,
      'Content-Language': headerValue('Content-Language', mail.contentLanguage),
      'Feedback-ID': headerValue('Feedback-ID', mail.feedbackId),
    },
  });
  return composer.compile().build();
}
