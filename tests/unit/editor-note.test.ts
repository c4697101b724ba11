import { describe, expect, it } from 'vitest';
import {
  editorNoteMaxLength,
  noteLanguages,
  notePieces,
  readEditorNote,
} from '../../functions/core/editor-note';

describe("an editor's note", () => {
  it('keeps what was written in each language, trimmed, with its line breaks', () => {
    expect(readEditorNote({ ar: '  ملاحظة\r\nثانية  ', en: '' })).toEqual({ ar: 'ملاحظة\nثانية' });
    expect(readEditorNote({ ar: ' ', en: '\n' })).toBeUndefined();
  });

  it('refuses control characters and a note too long, naming the language', () => {
    expect(() => readEditorNote({ en: 'a\u0007b' })).toThrow('the English note holds a control character');
    expect(() => readEditorNote({ ar: 'x\u202eY' })).toThrow('the Arabic note holds a control character');
    expect(() => readEditorNote({ en: 'x'.repeat(editorNoteMaxLength + 1) })).toThrow(
      `at most ${editorNoteMaxLength}`,
    );
  });

  it('splits paragraphs and lines and finds its links, leaving sentence punctuation outside them', () => {
    expect(
      notePieces(
        'Read the report: https://icssi.example/report.\nAnd (https://icssi.example/a?b=1).\n\nSecond',
      ),
    ).toEqual([
      [
        [{ text: 'Read the report: ' }, { url: 'https://icssi.example/report' }, { text: '.' }],
        [{ text: 'And (' }, { url: 'https://icssi.example/a?b=1' }, { text: ').' }],
      ],
      [[{ text: 'Second' }]],
    ]);
    expect(notePieces('no javascript:alert(1) or ftp://x links')).toEqual([
      [[{ text: 'no javascript:alert(1) or ftp://x links' }]],
    ]);
    expect(notePieces('التقرير في https://icssi.example/ar/تقرير، اقرأه')).toEqual([
      [[{ text: 'التقرير في ' }, { url: 'https://icssi.example/ar/تقرير' }, { text: '، اقرأه' }]],
    ]);
  });

  it('goes into the languages of a mail it is written in, in the mail’s order', () => {
    expect(noteLanguages({ ar: 'a', en: 'b' }, ['en', 'ar'])).toEqual(['en', 'ar']);
    expect(noteLanguages({ ar: 'a' }, ['en'])).toEqual([]);
    expect(noteLanguages(undefined, ['ar'])).toEqual([]);
  });
});
