import { TextDecoder } from 'node:util';

/**
 * Characters that must never reach a one-line field (a title, an author, a subject line): C0 and C1
 * controls (CR and LF among them), the Unicode line and paragraph separators, and the bidi embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can make a title display reversed or
 * spoof what follows it. The bidi marks (LRM, RLM, ALM) stay: they only nudge neutral characters.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const unsafeInLine = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Invisible characters that only hide or split words (zero-width space, word joiner, zero-width
 * no-break space / BOM): removed, so "Bas\u200Bra" reads and matches as "Basra". ZWNJ and ZWJ stay:
 * Arabic-script text needs them to join or part letters.
 */
const invisibleInLine = /[\u200b\u2060\ufeff]/g;

/** One line of plain text: unsafe characters become spaces, runs of white space one space, trimmed. */
export function oneLine(text: string): string {
  return text
    .normalize('NFC')
    .replace(invisibleInLine, '')
    .replace(unsafeInLine, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Shortens text to at most `max` characters at a word boundary, marking the cut with an ellipsis. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const boundary = cut.lastIndexOf(' ');
  return `${(boundary > max / 2 ? cut.slice(0, boundary) : cut).trimEnd()}…`;
}

/** Decoding rounds before giving up on an encoded-word that decodes to another (and another…). */
const maxDecodingRounds = 4;

/** `=?` with a `?=` somewhere after it: what a lenient mail client may still take for an encoded-word. */
const encodedWordOpener = /=\?(?=[\s\S]*\?=)/g;

/** An RFC 2047 encoded-word, `=?charset(*language)?B|Q?text?=`, and the white space after it. */
const encodedWord = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=(\s*)/g;

/** The bytes an encoded-word's text stands for: base64 (B), or quoted-printable with `_` as space (Q). */
function wordBytes(encoding: string, text: string): Buffer {
  if (encoding === 'B' || encoding === 'b') return Buffer.from(text, 'base64');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '=' ? text.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(text[i] === '_' ? 0x20 : text.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}

/**
 * Decodes RFC 2047 encoded-words as mail clients do: white space between two adjacent words is
 * dropped (§ 6.2), and adjacent words of one charset are decoded together, so a character split
 * across them comes out whole. A word in a charset the WHATWG Encoding Standard does not name is
 * left as it is. Node's TextDecoder does the charsets: libmime's decodeWords, which did this before,
 * brought iconv-lite's tables (650 KB) into every function's bundle for this one call.
 * https://www.rfc-editor.org/rfc/rfc2047#section-6.2
 */
function decodeEncodedWords(line: string): string {
  let decoded = '';
  let copiedUpTo = 0;
  /** The white space after the last word: dropped if the next word follows it directly. */
  let spaceAfterWord = '';
  let lastWordDecoded = false;
  let run: { decoder: TextDecoder; bytes: Buffer[] } | undefined;
  const endRun = () => {
    if (run) decoded += run.decoder.decode(Buffer.concat(run.bytes));
    run = undefined;
  };
  for (const word of line.matchAll(encodedWord)) {
    const [whole, charset, encoding, text, space] = word as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const decoder = decoderFor(charset);
    const adjacent = word.index === copiedUpTo && lastWordDecoded && decoder !== undefined;
    if (!adjacent) {
      endRun();
      decoded += spaceAfterWord + line.slice(copiedUpTo, word.index);
    }
    if (decoder) {
      if (run && run.decoder.encoding !== decoder.encoding) endRun();
      run ??= { decoder, bytes: [] };
      run.bytes.push(wordBytes(encoding, text));
    } else {
      endRun();
      decoded += whole.trimEnd();
    }
    spaceAfterWord = space;
    lastWordDecoded = decoder !== undefined;
    copiedUpTo = word.index + whole.length;
  }
  endRun();
  return decoded + spaceAfterWord + line.slice(copiedUpTo);
}

/** A decoder for a charset label, or none for a label the WHATWG Encoding Standard does not know. */
function decoderFor(charset: string): TextDecoder | undefined {
  try {
    return new TextDecoder(charset);
  } catch {
    return undefined;
  }
}

/**
 * One line of text fit for a mail header (a title that becomes a Subject). Mail clients decode RFC 2047
 * encoded-words (`=?UTF-8?B?…?=`) in a Subject that nodemailer leaves as it is, so a title holding one
 * would reach the reader as whatever it encodes — a right-to-left override, CR/LF. Here encoded-words
 * are decoded (as mail clients do; again while a decoded word holds another) and the result cleaned as
 * `oneLine` cleans; a `=?` still followed by a `?=` (a word in no known shape, or nested too deep) is
 * split to `= ?`, so the line never holds anything a client could decode. Idempotent.
 */
export function headerSafeLine(text: string): string {
  let line = oneLine(text);
  for (let round = 0; round < maxDecodingRounds && line.includes('=?'); round++) {
    const decoded = oneLine(decodeEncodedWords(line));
    if (decoded === line) break;
    line = decoded;
  }
  return line.replace(encodedWordOpener, '= ?');
}
