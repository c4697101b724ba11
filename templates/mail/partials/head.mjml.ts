import { escapeHtml } from '../../escape';
import { baseType, fontSize, lineHeight } from '../../typography';

/**
 * Fonts already on the reader's device only (no web fonts: a font server would learn who opens the
 * mail). Arabic faces come first in the Arabic stack, so Latin-first fonts never pick the Arabic glyphs.
 */
export const fontStacks = {
  ar: "'Noto Naskh Arabic', 'Geeza Pro', 'Segoe UI', Tahoma, 'DejaVu Sans', Arial, sans-serif",
  en: "-apple-system, 'Segoe UI', Helvetica, Arial, 'DejaVu Sans', sans-serif",
};

export const palette = {
  page: '#f2f3f5',
  card: '#ffffff',
  text: '#1f2328',
  muted: '#59636e',
  link: '#0b5394',
  accent: '#7a1f1f',
  rule: '#e3e5e8',
};

/** Body text of a language as mj-class attributes: its font stack, size and leading (see templates/typography). */
const textOf = (lang: 'ar' | 'en') =>
  `font-family="${fontStacks[lang]}" font-size="${fontSize(lang, baseType.mailBody)}px" line-height="${lineHeight(lang, baseType.text)}"`;

/** `mj-head`: the title, the per-language classes every block uses, and the few shared styles. */
export function mailHead(title: string): string {
  return `<mj-head>
<mj-title>${escapeHtml(title)}</mj-title>
<mj-attributes>
<mj-all padding="0" />
<mj-section background-color="${palette.card}" padding="0" />
<mj-text font-size="${baseType.mailBody}px" line-height="${baseType.text}" color="${palette.text}" padding="0 24px" />
<mj-image padding="0" />
<mj-button background-color="${palette.accent}" color="#ffffff" font-size="${baseType.mailBody}px" font-weight="bold" inner-padding="12px 24px" border-radius="4px" padding="8px 24px" />
<mj-class name="ar" ${textOf('ar')} align="right" />
<mj-class name="en" ${textOf('en')} align="left" />
<mj-class name="ar-button" font-family="${fontStacks.ar}" font-size="${fontSize('ar', baseType.mailBody)}px" align="right" />
<mj-class name="en-button" font-family="${fontStacks.en}" font-size="${fontSize('en', baseType.mailBody)}px" align="left" />
</mj-attributes>
<mj-style>
a { color: ${palette.link}; }
h1, h2, p { margin: 0; }
.meta { color: ${palette.muted}; }
</mj-style>
</mj-head>`;
}
