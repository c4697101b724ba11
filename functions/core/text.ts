import libmime from 'libmime';

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

/**
 * One line of text fit for a mail header (a title that becomes a Subject). Mail clients decode RFC 2047
 * encoded-words (`=?UTF-8?B?…?=`) in a Subject that nodemailer leaves as it is, so a title holding one
 * would reach the reader as whatever it encodes — a right-to-left override, CR/LF. Here encoded-words
 * are decoded (libmime, as mail clients do; again while a decoded word holds another) and the result
 * cleaned as `oneLine` cleans; a `=?` still followed by a `?=` (a word in no known shape, or nested
 * too deep) is split to `= ?`, so the line never holds anything a client could decode. Idempotent.
 */
export function headerSafeLine(text: string): string {
  let line = oneLine(text);
  for (let round = 0; round < maxDecodingRounds && line.includes('=?'); round++) {
    const decoded = oneLine(libmime.decodeWords(line));
    if (decoded === line) break;
    line = decoded;
  }
  return line.replace(encodedWordOpener, '= ?');
}
