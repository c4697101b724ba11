import { randomBytes, randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import MailComposer from 'nodemailer/lib/mail-composer';
import { foldLines } from 'nodemailer/lib/mime-funcs';
import { ValidationError } from '../errors';
import { Base64Body, type MessagePiece } from './base64-body';
import type { CompiledMail } from './compiled-mail';
import { listMailOptions, type VariantHeaders } from './compose-mime';
import { linkValues, type PersonalLinks, splitAtPlaceholders } from './personalise';

/**
 * Values MailComposer is given in place of each reader's own, found once in the message it builds.
 * They carry a nonce of their own per template: a subject (an article's title, so a feed's) that
 * spelled out a fixed marker would otherwise take the reader's address, link or body in place of the
 * real one.
 */
function markersOf(nonce: string) {
  return {
    to: `nashra-recipient-${nonce}@marker.invalid`,
    unsubscribeUrl: `https://unsubscribe-${nonce}.marker.invalid/`,
    messageId: `<nashra-message-id-${nonce}@marker.invalid>`,
    // MailComposer writes the Date header itself; the epoch is its marker, found in the header block only.
    date: new Date(0),
    text: `NASHRATEXTPART${nonce}`,
    html: `NASHRAHTMLPART${nonce}`,
  };
}
const epochDate = 'Thu, 01 Jan 1970 00:00:00 +0000';
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * A plain dot-atom address (RFC 5322 § 3.2.3) at a lower-case ASCII domain: MailComposer writes it
 * unchanged (it would lower-case a domain, and encode anything else).
 */
const plainAddress =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[a-z0-9-]+(\.[a-z0-9-]+)*$/;
/** What may stand between the angle brackets of List-Unsubscribe: printable ASCII, no bracket. */
const headerUrl = /^[\x21-\x3b\x3d\x3f-\x7e]+$/;

/** Where a reader's own value goes in the message. */
type Slot =
  | { kind: 'header'; field: 'to' | 'unsubscribeUrl' | 'messageId' | 'date'; before: string; after: string }
  | { kind: 'body'; body: Base64Body; values: 'html' | 'text' };

/**
 * The MIME of one compiled variant, built ONCE by MailComposer (headers, encodings, multipart
 * structure, through the same options as composeMime) with markers where each reader's parts go.
 * Then, per reader, `forReader` puts in the reader's address, one-click link, message id and date —
 * each header line folded again by MailComposer's own `foldLines`, so the header reads exactly as a
 * full compose would write it — and the bodies, pre-encoded around their links (Base64Body). A reader
 * costs a few small encodings and one copy of the message, not a MIME build nor a base64 pass over
 * the bodies. Links are checked as `personalise` checks them; an address that MailComposer would have
 * to encode or rewrite does not fit (`fits`) and is composed in full instead.
 */
export class MimeTemplate {
  private constructor(
    /** The message's fixed bytes: one more than `slots`. */
    private readonly fixed: Buffer[],
    private readonly slots: Slot[],
    /** The links every reader must give: the bodies' placeholders and the unsubscribe link. */
    private readonly needed: readonly string[],
    private readonly domain: string,
  ) {}

  /** Builds the variant's template; a header value with a CR or LF is refused (ValidationError). */
  static async build(compiled: CompiledMail, headers: VariantHeaders): Promise<MimeTemplate> {
    const marker = markersOf(randomBytes(12).toString('hex').toUpperCase());
    const options = listMailOptions({
      ...headers,
      to: marker.to,
      unsubscribeUrl: marker.unsubscribeUrl,
      html: marker.html,
      text: marker.text,
    });
    const skeleton = await new MailComposer({
      ...options,
      messageId: marker.messageId,
      date: marker.date,
      text: { content: marker.text, contentTransferEncoding: 'base64' },
      html: { content: marker.html, contentTransferEncoding: 'base64' },
    })
      .compile()
      .build();

    const split = splitAtPlaceholders(compiled);
    const headerEnd = skeleton.indexOf('\r\n\r\n');
    const found: Array<{ start: number; end: number; slot: Slot }> = [
      headerSlot(skeleton, headerEnd, marker.to, 'to'),
      headerSlot(skeleton, headerEnd, marker.unsubscribeUrl, 'unsubscribeUrl'),
      headerSlot(skeleton, headerEnd, marker.messageId, 'messageId'),
      headerSlot(skeleton, headerEnd, `\r\nDate: ${epochDate}\r\n`, 'date'),
      bodySlot(skeleton, headerEnd, base64(marker.text), new Base64Body(split.text), 'text'),
      bodySlot(skeleton, headerEnd, base64(marker.html), new Base64Body(split.html), 'html'),
    ].sort((a, b) => a.start - b.start);
    const fixed: Buffer[] = [];
    let position = 0;
    for (const { start, end } of found) {
      fixed.push(skeleton.subarray(position, start));
      position = end;
    }
    fixed.push(skeleton.subarray(position));
    // Message ids at the sender's domain, as MailComposer makes them; in ASCII, as the message is.
    const domain = domainToASCII(/@([^>\s]+)>?\s*$/.exec(headers.from)?.[1] ?? '') || 'nashra.invalid';
    // The unsubscribe link is checked like the body's links even where no body holds it: the header does.
    const checked = [...new Set([...split.needed, 'unsubscribeUrl'])];
    return new MimeTemplate(
      fixed,
      found.map(({ slot }) => slot),
      checked,
      domain,
    );
  }

  /** True when this template can carry the address: one MailComposer writes as it is (plain ASCII). */
  static fits(address: string): boolean {
    return plainAddress.test(address);
  }

  /**
   * One reader's message. Throws ValidationError for an address that does not `fit`, and for a missing
   * or malformed link (as `personalise` does; the unsubscribe link also goes in the header).
   */
  forReader(to: string, links: PersonalLinks, now: Date): Buffer {
    if (!MimeTemplate.fits(to))
      throw new ValidationError('the address needs header encoding: compose this message in full');
    const values = linkValues(this.needed, links);
    const unsubscribeUrl = links.unsubscribeUrl;
    if (unsubscribeUrl === undefined || !headerUrl.test(unsubscribeUrl))
      throw new ValidationError(
        'the unsubscribe URL must be printable ASCII for the List-Unsubscribe header',
      );
    const readerValues = {
      to,
      unsubscribeUrl,
      messageId: `<${randomUUID()}@${this.domain}>`,
      date: now.toUTCString().replace('GMT', '+0000'),
    };
    const pieces: MessagePiece[] = [];
    for (let index = 0; index < this.slots.length; index++) {
      pieces.push(this.fixed[index] as Buffer);
      const slot = this.slots[index] as Slot;
      if (slot.kind === 'header')
        pieces.push(foldLines(slot.before + readerValues[slot.field] + slot.after, 76));
      else slot.body.appendTo(pieces, values[slot.values]);
    }
    pieces.push(this.fixed[this.slots.length] as Buffer);
    // One copy into the message: every piece is ASCII (the reader's values are checked to be), so a
    // string's length is its length in bytes.
    let length = 0;
    for (const piece of pieces) length += piece.length;
    const message = Buffer.allocUnsafe(length);
    let at = 0;
    for (const piece of pieces) {
      if (typeof piece === 'string') at += message.write(piece, at, 'latin1');
      else {
        message.set(piece, at);
        at += piece.length;
      }
    }
    return message;
  }
}

/**
 * The whole header field holding `marker` (with its folds), as the text before and after the marker
 * once unfolded: per reader the field is rebuilt around the reader's value and folded again.
 */
function headerSlot(
  skeleton: Buffer,
  headerEnd: number,
  marker: string,
  field: 'to' | 'unsubscribeUrl' | 'messageId' | 'date',
) {
  const found = skeleton.indexOf(marker);
  if (found < 0 || found > headerEnd) throw new Error(`MIME template is missing its ${field} marker`);
  // The date's marker starts with the line break before its field.
  const at = field === 'date' ? found + 2 : found;
  // A field goes on over the lines that start with white space (folds, RFC 5322 § 2.2.3).
  const folded = (position: number) => skeleton[position] === 0x20 || skeleton[position] === 0x09;
  const lineStart = (position: number) => skeleton.lastIndexOf(0x0a, position - 1) + 1;
  let start = lineStart(at);
  while (folded(start)) start = lineStart(start - 2);
  let end = skeleton.indexOf('\r\n', at);
  while (folded(end + 2)) end = skeleton.indexOf('\r\n', end + 2);
  const unfolded = skeleton.toString('latin1', start, end).replace(/\r\n(?=[ \t])/g, '');
  const [before, after] = unfolded.split(field === 'date' ? epochDate : marker) as [string, string];
  return { start, end, slot: { kind: 'header' as const, field, before, after } };
}

/** The one base64 line MailComposer wrote for a body's marker, where the reader's body goes. */
function bodySlot(
  skeleton: Buffer,
  headerEnd: number,
  encodedMarker: string,
  body: Base64Body,
  values: 'html' | 'text',
) {
  const at = skeleton.indexOf(`\r\n\r\n${encodedMarker}\r\n`, headerEnd);
  if (at < 0) throw new Error(`MIME template is missing its ${values} body marker`);
  const start = at + 4;
  return { start, end: start + encodedMarker.length, slot: { kind: 'body' as const, body, values } };
}
