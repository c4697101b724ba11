import { copy } from '../../copy';
import { escapeHtml } from '../../escape';
import type { MastheadView } from '../view';
import { palette } from './head.mjml';
import { sizeAttributes, sizeStyle, textBlock } from './text-block.mjml';

/** The top of every mail: the view-in-browser link (mails with a public copy) and the bulletin's name. */
export function masthead(view: MastheadView): string {
  const { viewInBrowserUrl } = view;
  const viewInBrowser = viewInBrowserUrl
    ? `<mj-section background-color="${palette.page}" padding="8px 0"><mj-column>${view.lines
        .map((line) =>
          textBlock(
            line.lang,
            `<a href="${escapeHtml(viewInBrowserUrl)}" style="color:${palette.muted}">${escapeHtml(copy[line.lang].viewInBrowser)}</a>`,
            `${sizeAttributes(line.lang, 13, 1.6)} padding="2px 24px"`,
          ),
        )
        .join('')}</mj-column></mj-section>`
    : '';
  const headings = view.lines
    .map((line) =>
      textBlock(
        line.lang,
        `<h1 style="${sizeStyle(line.lang, 24, 1.3)};color:${palette.accent}">${escapeHtml(line.heading)}</h1>${
          line.subheading
            ? `<p class="meta" style="${sizeStyle(line.lang, 14)}">${escapeHtml(line.subheading)}</p>`
            : ''
        }`,
        'padding="4px 24px"',
      ),
    )
    .join('');
  return `${viewInBrowser}<mj-section border-top="4px solid ${palette.accent}" padding="16px 0 12px"><mj-column>${headings}</mj-column></mj-section>`;
}
