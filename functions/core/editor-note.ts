import * as z from 'zod';
import type { Language } from './article';
import { ValidationError } from './errors';

/** The longest note, per language: a few short paragraphs above the articles, not an article. */
export const editorNoteMaxLength = 2000;

/**
 * An editor's note for the next issue of a schedule: plain text in Arabic, English or both. Links are
 * written as bare `https://` (or `http://`) addresses in the text and shown as themselves, so a reader
 * sees where each one goes; nothing in a note is tracked or rewritten.
 */
export const editorNoteSchema = z.object({
  ar: z.string().min(1).max(editorNoteMaxLength).optional(),
  en: z.string().min(1).max(editorNoteMaxLength).optional(),
});
export type EditorNote = z.infer<typeof editorNoteSchema>;

/**
 * Control characters a note may not hold: every C0 and C1 control but the line feed (line breaks are
 * the note's own), and the bidi embeddings, overrides and isolates that could make text display other
 * than it reads.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const unsafeInNote = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * A note as an editor typed it in each language → the note to store, or undefined when both are
 * blank (no note). Line endings become `\n`, each language is trimmed and NFC-normalised; a language
 * left blank is absent. A ValidationError names the language whose text is too long or holds a
 * control character.
 */
export function readEditorNote(input: { ar?: string; en?: string }): EditorNote | undefined {
  const note: EditorNote = {};
  for (const lang of ['ar', 'en'] as const) {
    const text = (input[lang] ?? '').replace(/\r\n?/g, '\n').normalize('NFC').trim();
    if (!text) continue;
    const name = lang === 'ar' ? 'the Arabic note' : 'the English note';
    if (unsafeInNote.test(text))
      throw new ValidationError(`${name} holds a control character: write plain text and line breaks`);
    if (text.length > editorNoteMaxLength)
      throw new ValidationError(
        `${name} is ${text.length} characters long: a note holds at most ${editorNoteMaxLength}`,
      );
    note[lang] = text;
  }
  return note.ar || note.en ? note : undefined;
}

/** The languages of a note that a mail in `languages` carries, in the mail's order. */
export function noteLanguages(note: EditorNote | undefined, languages: readonly Language[]): Language[] {
  return note ? languages.filter((lang) => note[lang] !== undefined) : [];
}

/** A piece of a note's line: text, or a link shown as its own address. */
export type NotePiece = { text: string } | { url: string };

/**
 * `http(s)://` up to white space. Punctuation that ends a sentence or closes a bracket right after an
 * address is the sentence's, not the address's (`see https://example.org/report.`).
 */
const address = /https?:\/\/[^\s<>"]+/g;
const trailing = /[.,;:!?،؛؟)\]}»”’'"]+$/;

/**
 * A note's text as paragraphs (split at blank lines) of lines of pieces: the plain text and the
 * links in it, in order. Only `http` and `https` addresses become links.
 */
export function notePieces(text: string): NotePiece[][][] {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => paragraph.split('\n').map(linePieces));
}

function linePieces(line: string): NotePiece[] {
  const pieces: NotePiece[] = [];
  let last = 0;
  for (const match of line.matchAll(address)) {
    const url = match[0].replace(trailing, '');
    if (url.length <= 'https://'.length) continue;
    if (match.index > last) pieces.push({ text: line.slice(last, match.index) });
    pieces.push({ url });
    last = match.index + url.length;
  }
  if (last < line.length) pieces.push({ text: line.slice(last) });
  return pieces;
}
