import { attribute, escapeHtml, type SafeHtml } from '../../escape';
import type { Language } from '../../language';
import { palette } from './head.mjml';
import { buttonBlock, sizeStyle, textBlock } from './text-block.mjml';

export interface MessageView {
  lang: Language;
  heading: string;
  paragraphs: string[];
  button?: { label: string; href: string | SafeHtml };
  note?: string;
}

/** A short message in one language: heading, paragraphs, one call to action, a quiet note. */
export function message(view: MessageView, index: number): string {
  const separator = index > 0 ? `border-top:1px solid ${palette.rule};padding-top:16px;` : '';
  const body = `<div style="${separator}"><h1 style="${sizeStyle(view.lang, 22, 1.4)};margin-bottom:8px">${escapeHtml(view.heading)}</h1>${view.paragraphs
    .map((paragraph) => `<p style="margin-bottom:8px">${escapeHtml(paragraph)}</p>`)
    .join('')}</div>`;
  return [
    textBlock(view.lang, body, 'padding="16px 24px 0"'),
    view.button ? buttonBlock(view.lang, escapeHtml(view.button.label), attribute(view.button.href)) : '',
    view.note
      ? textBlock(
          view.lang,
          `<p class="meta" style="${sizeStyle(view.lang, 14)}">${escapeHtml(view.note)}</p>`,
          'padding="4px 24px 8px"',
        )
      : '',
  ].join('');
}

/** The messages of every language of the mail, in the reader's order, in one section. */
export function messagesSection(views: MessageView[]): string {
  return `<mj-section padding="8px 0 16px"><mj-column>${views.map(message).join('')}</mj-column></mj-section>`;
}
