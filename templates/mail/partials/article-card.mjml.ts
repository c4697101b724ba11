import { copy } from '../../copy';
import { escapeHtml } from '../../escape';
import type { CardView } from '../view';
import { palette } from './head.mjml';
import { sizeStyle, textBlock } from './text-block.mjml';

/**
 * One article, or an article with its translation, as one card: the article's own image, then a block
 * per language. The image is not a link and has an empty alt: the title beside it says the same.
 */
export function articleCard(card: CardView): string {
  const image = card.imageUrl
    ? `<mj-image src="${escapeHtml(card.imageUrl)}" alt="" padding="0 24px 12px" />`
    : '';
  const blocks = card.blocks
    .map((block, index) => {
      const words = copy[block.lang];
      const arrow = block.lang === 'ar' ? '←' : '→';
      const urgent = block.urgent
        ? `<p style="color:${palette.accent};font-weight:bold;${sizeStyle(block.lang, 14)}">${escapeHtml(words.urgent)}</p>`
        : '';
      const separator = index > 0 ? `border-top:1px solid ${palette.rule};padding-top:12px;` : '';
      return textBlock(
        block.lang,
        `<div style="${separator}">${urgent}<h2 style="${sizeStyle(block.lang, 20, 1.4)}"><a class="title" href="${escapeHtml(block.url)}" style="color:${palette.text};text-decoration:none">${block.title}</a></h2><p class="meta" style="margin:4px 0 8px;${sizeStyle(block.lang, 14)}">${block.meta}</p><p>${block.summary}</p><p style="margin:8px 0 12px"><a href="${escapeHtml(block.url)}">${escapeHtml(words.readMore)} ${arrow}</a></p></div>`,
      );
    })
    .join('');
  return `<mj-section padding="16px 0 4px" border-top="1px solid ${palette.rule}"><mj-column>${image}${blocks}</mj-column></mj-section>`;
}
