import { randomBytes, randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { ValidationError } from '../errors';
import type { OutgoingMail } from './compose-mime';

/**
 * Values MailComposer is given in place of each reader's own, found and replaced per recipient. They
 * carry a nonce of their own per template: a subject (an article's title, so a feed's) that spelled out
 * a fixed marker would otherwise take the reader's address, link or body in place of the real one.
 */
function markersOf(nonce: string) {
  const text = `NASHRATEXTPART${nonce}`;
  const html = `NASHRAHTMLPART${nonce}`;
  return {
    to: `nashra-recipient-${nonce}@marker.invalid`,
    unsubscribeUrl: `https://unsubscribe-${nonce}.marker.invalid/`,
    messageId: `<nashra-message-id-${nonce}@marker.invalid>`,
    // MailComposer writes the Date header itself; the epoch is its marker, found in the header block only.
    date: new Date(0),
    text,
    html,
    encodedText: base64(text),
    encodedHtml: base64(html),
  };
}
type Markers = ReturnType<typeof markersOf>;
const encodedDate = 'Thu, 01 Jan 1970 00:00:00 +0000';
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** RFC 2045: base64 lines of at most 76 characters. */
function wrapBase64(encoded: string): string {
  const lines: string[] = [];
  for (let start = 0; start < encoded.length; start += 76) lines.push(encoded.slice(start, start + 76));
  return lines.join('\r\n');
}

export interface RecipientParts {
  to: string;
  unsubscribeUrl: string;
  html: string;
  text: string;
}

/**
 * The MIME of one compiled variant, built ONCE by MailComposer (headers, encodings, multipart
 * structure) with markers where each reader's parts go; `forRecipient` swaps in the reader's
 * address, one-click link, message id, date and base64 bodies. A digest's per-recipient cost is then
 * two native base64 encodings and a few string replacements, not a MIME build. Recipient values
 * with CR/LF are refused; a non-ASCII address (which needs header encoding) is refused too, and the
 * caller builds that one message with composeMime instead.
 */
export class MimeTemplate {
  private constructor(
    private readonly skeleton: string,
    private readonly marker: Markers,
    private readonly domain: string,
  ) {}

  static async build(
    mail: Omit<OutgoingMail, 'to' | 'unsubscribeUrl' | 'html' | 'text'>,
  ): Promise<MimeTemplate> {
    const marker = markersOf(randomBytes(12).toString('hex').toUpperCase());
    const composer = new MailComposer({
      from: mail.from,
      to: marker.to,
      subject: mail.subject,
      messageId: marker.messageId,
      date: marker.date,
      text: { content: marker.text, contentTransferEncoding: 'base64' },
      html: { content: marker.html, contentTransferEncoding: 'base64' },
      headers: {
        'List-Unsubscribe': `<${marker.unsubscribeUrl}>, <mailto:${mail.unsubscribeMailto}?subject=unsubscribe>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'List-Id': `<${mail.listId}>`,
        'Content-Language': mail.contentLanguage,
        'Feedback-ID': mail.feedbackId,
      },
    });
    for (const [name, value] of Object.entries({
      subject: mail.subject,
      from: mail.from,
      listId: mail.listId,
      feedbackId: mail.feedbackId,
      contentLanguage: mail.contentLanguage,
      unsubscribeMailto: mail.unsubscribeMailto,
    })) {
      if (/[\r\n]/.test(value)) throw new ValidationError(`line break in the ${name} header`);
    }
    const skeleton = (await composer.compile().build()).toString('utf8');
    for (const expected of [
      marker.to,
      marker.unsubscribeUrl,
      marker.messageId,
      `Date: ${encodedDate}`,
      marker.encodedText,
      marker.encodedHtml,
    ]) {
      if (!skeleton.includes(expected)) throw new Error(`MIME template is missing its ${expected} marker`);
    }
    const domain = /@([^>\s]+)>?\s*$/.exec(mail.from)?.[1] ?? 'nashra.invalid';
    return new MimeTemplate(skeleton, marker, domain);
  }

  /** True when this template can carry the address (plain ASCII, no line break). */
  static fits(address: string): boolean {
    return /^[\x21-\x7e]+$/.test(address);
  }

  forRecipient(parts: RecipientParts, now: Date): Buffer {
    if (!MimeTemplate.fits(parts.to))
      throw new ValidationError('the address needs header encoding: compose this message in full');
    if (/[\r\n\s<>]/.test(parts.unsubscribeUrl))
      throw new ValidationError('invalid character in the unsubscribe URL');
    const date = now.toUTCString().replace('GMT', '+0000');
    const marker = this.marker;
    return Buffer.from(
      this.skeleton
        // Replacer functions: a `$` in an address must not be read as a replacement pattern.
        .replace(marker.to, () => parts.to)
        .replace(marker.unsubscribeUrl, () => parts.unsubscribeUrl)
        .replace(marker.messageId, () => `<${randomUUID()}@${this.domain}>`)
        .replace(`\r\nDate: ${encodedDate}\r\n`, () => `\r\nDate: ${date}\r\n`)
        .replace(marker.encodedText, () => wrapBase64(base64(parts.text)))
        .replace(marker.encodedHtml, () => wrapBase64(base64(parts.html))),
      'utf8',
    );
  }
}
