import { copy } from '../../copy';
import { attribute, escapeHtml } from '../../escape';
import type { FooterView } from '../view';
import { palette } from './head.mjml';
import { sizeAttributes, textBlock } from './text-block.mjml';

/**
 * The end of every mail, per language: the organisation, why the reader gets this mail and, for a
 * subscribed reader, visible preferences and unsubscribe links (plus the public copy of an issue).
 */
export function footer(view: FooterView): string {
  const blocks = view.languages
    .map((lang) => {
      const words = copy[lang];
      const links = [
        view.preferencesUrl &&
          `<a href="${attribute(view.preferencesUrl)}">${escapeHtml(words.preferences)}</a>`,
        view.unsubscribeUrl &&
          `<a href="${attribute(view.unsubscribeUrl)}">${escapeHtml(words.unsubscribe)}</a>`,
        view.viewInBrowserUrl &&
          `<a href="${escapeHtml(view.viewInBrowserUrl)}">${escapeHtml(words.viewInBrowser)}</a>`,
      ].filter(Boolean);
      return textBlock(
        lang,
        `<p style="font-weight:bold">${escapeHtml(words.organisation)}</p>${
          view.unsubscribeUrl ? `<p>${escapeHtml(words.whyYouGetThis)}</p>` : ''
        }${links.length ? `<p style="margin-top:8px">${links.join(' · ')}</p>` : ''}`,
        `${sizeAttributes(lang, 13, 1.6)} color="${palette.muted}" padding="12px 24px"`,
      );
    })
    .join('');
  return `<mj-section background-color="${palette.page}" padding="8px 0 24px"><mj-column>${blocks}</mj-column></mj-section>`;
}
