import type { Language } from '../../language';
import { directionOf } from '../../language';

/**
 * The one way text enters a mail: an `mj-text` aligned for its language whose content sits in a
 * `<div dir lang>`, so every block of text carries its direction and language.
 */
export function textBlock(lang: Language, content: string, attributes = ''): string {
  return `<mj-text mj-class="${lang}"${attributes ? ` ${attributes}` : ''}><div dir="${directionOf(lang)}" lang="${lang}">${content}</div></mj-text>`;
}

/** A button whose label carries its language and direction. */
export function buttonBlock(lang: Language, label: string, href: string): string {
  return `<mj-button mj-class="${lang}-button" href="${href}"><span dir="${directionOf(lang)}" lang="${lang}">${label}</span></mj-button>`;
}
