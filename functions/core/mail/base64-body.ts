import type { Segments } from './personalise';

/** RFC 2045 § 6.8: base64 lines of at most 76 characters, that is 57 bytes each. */
const lineChars = 76;

/**
 * `bytes` — a binary string, one character per byte (latin1) — in base64, in lines of at most 76
 * characters joined by CRLF. `btoa` is the one encoder that takes a binary string as it is (Node calls
 * it legacy because of that very input); going through a Buffer cost a reader about 2 µs more.
 */
function base64Lines(bytes: string): string {
  const encoded = btoa(bytes);
  if (encoded.length <= lineChars) return encoded;
  let lines = encoded.slice(0, lineChars);
  for (let at = lineChars; at < encoded.length; at += lineChars) {
    lines += `\r\n${encoded.slice(at, at + lineChars)}`;
  }
  return lines;
}

/** The UTF-8 bytes of `text` as a binary string. */
const utf8Bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

/** A link is (nearly always) printable ASCII: then it is its own binary string, with no conversion. */
const printableAscii = /^[!-~]*$/;
const linkBytes = (link: string) => (printableAscii.test(link) ? link : utf8Bytes(link));

/** A piece of a message: fixed bytes, or ASCII text made for one reader. */
export type MessagePiece = Buffer | string;

/** One literal segment encoded from a byte offset: whole 3-byte groups, and the 0–2 bytes left over. */
interface EncodedLiteral {
  lines: Buffer;
  /** A binary string. */
  tail: string;
}

/**
 * A body's base64, encoded ONCE around its placeholders, so that a reader's body costs a few small
 * encodings and joins instead of encoding the whole (~40 KB) body again.
 *
 * Why base64 in pieces, and not quoted-printable (which needs no alignment): base64 is what the full
 * compose (MailComposer with `textEncoding: 'base64'`) writes for these bodies, so the two paths give
 * the same part headers and sizes, and it carries the bytes exactly (quoted-printable would turn the
 * text's line ends into CRLF). Quoted-printable would also make the Arabic mails bigger: measured on the
 * ten-article digest, the Arabic text part doubles (4.8 KB → 13 KB encoded, against 6.6 KB in base64)
 * and the `ar` mail grows by a fifth, the `ar+en` one by a tenth; only the English ones would shrink.
 *
 * How it stays valid base64: each literal segment is encoded from a start offset of 0, 1 or 2 bytes
 * (computed when a reader first needs it, then kept) up to its last whole 3-byte group. Per reader, the
 * bytes left over before a placeholder, the reader's link and the first 0–2 bytes of the next literal
 * make one small chunk whose length is a multiple of 3, encoded on its own; the chunk's length tells
 * which start offset of the next literal follows. So no `=` padding appears but at the very end, and
 * the decoded stream is exactly the personalised body. Each piece starts on a line of its own, so
 * every line holds at most 76 characters (RFC 2045 sets a maximum, not a fixed width; decoders ignore
 * the line breaks), at the price of a few short lines around each link.
 */
export class Base64Body {
  /** The literal segments' UTF-8 bytes, as binary strings (bytes are counted, not characters). */
  private readonly literals: string[];
  private readonly names: string[];
  /** By literal, by start offset (0, 1, 2): its encoding, made on first use. */
  private readonly encoded: Array<Array<EncodedLiteral | undefined>>;

  constructor(segments: Segments) {
    this.literals = segments.literals.map(utf8Bytes);
    this.names = segments.names;
    this.encoded = this.literals.map(() => []);
  }

  /**
   * Appends the reader's body, as base64 lines joined by CRLF, to `out`. `values` holds the text that
   * goes in place of each placeholder, as the body carries it (already escaped for HTML when this is
   * the HTML body).
   */
  appendTo(out: MessagePiece[], values: Record<string, string>): void {
    // Pieces are joined by CRLF; the reader's own lines are gathered into one string between two fixed
    // pieces, so the message is copied from few pieces.
    let started = false;
    let text = '';
    const add = (piece: MessagePiece) => {
      if (piece.length === 0) return;
      if (typeof piece === 'string') {
        text = text.length > 0 ? `${text}\r\n${piece}` : started ? `\r\n${piece}` : piece;
      } else {
        if (text.length > 0) out.push(`${text}\r\n`);
        else if (started) out.push('\r\n');
        out.push(piece);
        text = '';
      }
      started = true;
    };
    let literal = this.literalFrom(0, 0);
    add(literal.lines);
    let pending = literal.tail;
    for (let index = 0; index < this.names.length; index++) {
      const next = this.literals[index + 1] as string;
      const carried = pending + linkBytes(values[this.names[index] as string] as string);
      const head = Math.min((3 - (carried.length % 3)) % 3, next.length);
      const chunk = carried + next.slice(0, head);
      if (chunk.length % 3 !== 0) {
        // The next literal is too short to fill the group: it all rides on to the next placeholder.
        pending = chunk;
        continue;
      }
      add(base64Lines(chunk));
      literal = this.literalFrom(index + 1, head);
      add(literal.lines);
      pending = literal.tail;
    }
    if (pending.length > 0) add(base64Lines(pending));
    if (text.length > 0) out.push(text);
  }

  private literalFrom(index: number, start: number): EncodedLiteral {
    const byStart = this.encoded[index] as Array<EncodedLiteral | undefined>;
    let found = byStart[start];
    if (!found) {
      const literal = this.literals[index] as string;
      const end = start + Math.floor((literal.length - start) / 3) * 3;
      found = {
        lines: Buffer.from(base64Lines(literal.slice(start, end)), 'latin1'),
        tail: literal.slice(end),
      };
      byStart[start] = found;
    }
    return found;
  }
}
