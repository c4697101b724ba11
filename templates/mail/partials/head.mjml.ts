import { escapeHtml } from '../../escape';

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

/** `mj-head`: the title, the per-language classes every block uses, and the few shared styles. */
export function mailHead(title: string): string {
  return `<mj-head>
<mj-title>${escapeHtml(title)}</mj-title>
<mj-attributes>
<mj-all padding="0" />
<mj-section background-color="${palette.card}" padding="0" />
<mj-text font-size="16px" line-height="1.6" color="${palette.text}" padding="0 24px" />
<mj-image padding="0" />
<mj-button background-color="${palette.accent}" color="#ffffff" font-size="16px" font-weight="bold" inner-padding="12px 24px" border-radius="4px" padding="8px 24px" />
<mj-class name="ar" font-family="${fontStacks.ar}" align="right" />
<mj-class name="en" font-family="${fontStacks.en}" align="left" />
<mj-class name="ar-button" font-family="${fontStacks.ar}" align="right" />
<mj-class name="en-button" font-family="${fontStacks.en}" align="left" />
</mj-attributes>
<mj-style>
a { color: ${palette.link}; }
h1, h2, p { margin: 0; }
.meta { color: ${palette.muted}; font-size: 14px; }
</mj-style>
</mj-head>`;
}
