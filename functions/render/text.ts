import { convert } from 'html-to-text';

/** A plain-text excerpt of at most `max` characters, cut at a word boundary with an ellipsis. */
export function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s،,.;:–-]+$/, '')}…`;
}

/** The visible text of an article body (for an article whose feed gave no summary). */
export function textOfHtml(bodyHtml: string): string {
  return convert(bodyHtml, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { ignoreHref: true } },
    ],
  });
}
