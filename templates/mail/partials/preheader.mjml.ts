import { directionOf } from '../../language';
import type { LocalisedHtml } from '../view';

/**
 * The preheader: the line a mail client shows after the subject, hidden in the mail itself. Written
 * by hand rather than with `mj-preview` so each language carries its own `dir` and `lang`; the filler
 * after it keeps clients from pulling body text into the preview.
 */
export function preheader(parts: LocalisedHtml[]): string {
  const text = parts
    .map((part) => `<span dir="${directionOf(part.lang)}" lang="${part.lang}">${part.html}</span>`)
    .join(' | ');
  return `<mj-raw><div class="preheader" style="display:none;max-height:0;overflow:hidden;mso-hide:all">${text}${'&#8199;&#847;'.repeat(40)}</div></mj-raw>`;
}
