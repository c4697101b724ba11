import { copy } from '../../copy';
import { escapeHtml } from '../../escape';
import type { EditorNoteView } from '../view';
import { palette } from './head.mjml';
import { sizeStyle, textBlock } from './text-block.mjml';

/**
 * The editor's note above the articles: a heading and the note's paragraphs per language, in the
 * mail's order, marked off by a rule on the side the language starts from. Its links are plain text
 * links showing their own address.
 */
export function editorNote(views: EditorNoteView[]): string {
  const blocks = views
    .map((view, index) => {
      const rule = view.lang === 'ar' ? 'border-right' : 'border-left';
      const pad = view.lang === 'ar' ? 'padding-right' : 'padding-left';
      const separator = index > 0 ? 'margin-top:12px;' : '';
      const paragraphs = view.paragraphs
        .map((paragraph) => `<p style="margin:0 0 8px">${paragraph.value}</p>`)
        .join('');
      return textBlock(
        view.lang,
        `<div class="editor-note" style="${separator}${rule}:4px solid ${palette.accent};${pad}:12px"><h2 style="${sizeStyle(view.lang, 16, 1.4)};margin:0 0 6px;color:${palette.accent}">${escapeHtml(copy[view.lang].editorNote)}</h2>${paragraphs}</div>`,
      );
    })
    .join('');
  return `<mj-section padding="16px 0 8px"><mj-column>${blocks}</mj-column></mj-section>`;
}
