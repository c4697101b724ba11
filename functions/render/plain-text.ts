import { randomBytes } from 'node:crypto';
import { convert } from 'html-to-text';

const placeholderInHtml = /\{\{(\w+)\}\}/g;

/**
 * The plain-text part of a compiled mail, made from its HTML by html-to-text: links as `text <url>`,
 * no images, no preheader. Placeholders come through as `{{name}}`; a `{{` that an article wrote
 * (escaped in the HTML, so decoded here) gets an invisible word joiner, so it can never be filled.
 */
export function plainTextOf(html: string): string {
  const marker = `nashra${randomBytes(6).toString('hex')}`;
  const marked = html.replace(placeholderInHtml, (_, name: string) => `${marker}${name}${marker}`);
  const text = convert(marked, {
    // Unwrapped: mail clients wrap for the reader, and a hard break inside an Arabic line helps no one.
    wordwrap: false,
    baseElements: { selectors: ['body'] },
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'div.preheader', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'table', format: 'block' },
      { selector: 'tr', format: 'block' },
      { selector: 'td', format: 'block' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['<', '>'] } },
      // The title links to the article, and so does the read-more link below it: say the URL once.
      { selector: 'a.title', format: 'anchor', options: { ignoreHref: true } },
    ],
  });
  return text
    .replaceAll('{{', '{\u2060{')
    .replace(new RegExp(`${marker}(\\w+)${marker}`, 'g'), (_, name: string) => `{{${name}}}`)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
