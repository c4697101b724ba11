import { convert } from 'html-to-text';
import { oneLine, shorten } from '../text';

/** Longest summary kept, in characters: a mail card shows two or three lines. */
export const summaryMaxLength = 400;

/** Plain text of an HTML fragment, one line: images, link targets and layout dropped. */
export function plainText(html: string): string {
  return oneLine(
    convert(html, {
      wordwrap: false,
      selectors: [
        { selector: 'a', options: { ignoreHref: true } },
        { selector: 'img', format: 'skip' },
        { selector: 'h1', options: { uppercase: false } },
        { selector: 'h2', options: { uppercase: false } },
        { selector: 'h3', options: { uppercase: false } },
        { selector: 'table', format: 'dataTable' },
      ],
    }),
  );
}

/**
 * The summary of an article: the feed's own excerpt when it has one, else the start of the body; as
 * plain text, one line, at most `summaryMaxLength` characters. WordPress excerpts end in "[…]" or
 * "[&hellip;]"; that bracket is dropped for an ellipsis of our own.
 */
export function deriveSummary(excerptHtml: string | undefined, bodyHtml: string): string {
  const excerpt = excerptHtml
    ? plainText(excerptHtml).replace(/\s*\[(…|\.\.\.)\]$/, (_, __, at: number, whole: string) =>
        /[.!?؟…]$/.test(whole.slice(0, at)) ? '' : '…',
      )
    : '';
  return shorten(excerpt || plainText(bodyHtml), summaryMaxLength);
}
