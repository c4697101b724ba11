import type { Language } from '../../language';
import { directionOf } from '../../language';
import { fontSize, lineHeight } from '../../typography';

/**
 * The one way text enters a mail: an `mj-text` aligned for its language whose content sits in a
 * `<div dir lang>`, so every block of text carries its direction and language.
 */
export function textBlock(lang: Language, content: string, attributes = ''): string {
  return `<mj-text mj-class="${lang}"${attributes ? ` ${attributes}` : ''}><div dir="${directionOf(lang)}" lang="${lang}">${content}</div></mj-text>`;
}

/** Inline size and leading of a piece of text of a language, from its English size and leading. */
export function sizeStyle(lang: Language, englishPx: number, englishLineHeight?: number): string {
  const leading =
    englishLineHeight === undefined ? '' : `;line-height:${lineHeight(lang, englishLineHeight)}`;
  return `font-size:${fontSize(lang, englishPx)}px${leading}`;
}

/** The same as mj-text attributes, for a block whose whole text is smaller than the body. */
export function sizeAttributes(lang: Language, englishPx: number, englishLineHeight: number): string {
  return `font-size="${fontSize(lang, englishPx)}px" line-height="${lineHeight(lang, englishLineHeight)}"`;
}

/** A button whose label carries its language and direction. */
export function buttonBlock(lang: Language, label: string, href: string): string {
  return `<mj-button mj-class="${lang}-button" href="${href}"><span dir="${directionOf(lang)}" lang="${lang}">${label}</span></mj-button>`;
}
