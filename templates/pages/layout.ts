import { copy } from '../copy';
import { html, type SafeHtml, trusted } from '../escape';
import type { Language } from '../language';
import { directionOf } from '../language';
import { fontStacks, palette } from '../mail/partials/head.mjml';
import { arabicStep, baseType, fontSize, lineHeight } from '../typography';

export interface PageInput {
  /** The reader's language: `<html lang dir>`; other-language parts wrap themselves in `inLanguage`. */
  lang: Language;
  /** The `<title>` and the page's `<h1>`. Plain text; escaped here. */
  title: string;
  /** The page's content, built with the `html` tag (which escapes every interpolated value). */
  body: SafeHtml;
}

/**
 * The type of a page in its language, and of the blocks of the other language in it (see
 * templates/typography): an Arabic block in an English page is a step larger, an English block in an
 * Arabic page a step smaller, each with its own leading; a block of the page's language inside one of
 * the other goes back. Sizes below are in em, so they follow the language of the block they sit in.
 */
function typeStyles(lang: Language): string {
  const other: Language = lang === 'ar' ? 'en' : 'ar';
  const text = (language: Language) =>
    `font-family:${fontStacks[language]};line-height:${lineHeight(language, baseType.text)}`;
  const ratio = (lang === 'ar' ? 1 / arabicStep : arabicStep).toFixed(4);
  return `body{font-size:${fontSize(lang, baseType.pageBody)}px;${text(lang)}}
[lang=${other}]{font-size:${ratio}em;${text(other)}}
[lang=${other}] [lang=${other}]{font-size:1em}
[lang=${other}] [lang=${lang}]{font-size:${(1 / Number(ratio)).toFixed(4)}em;${text(lang)}}`;
}

const styles = `
*{box-sizing:border-box}
body{margin:0;background:${palette.page};color:${palette.text}}
header,main,footer{max-width:40rem;margin:0 auto;padding:1rem 1.25rem}
header{border-bottom:4px solid ${palette.accent}}
header p{margin:0;font-weight:bold;color:${palette.accent}}
main{background:${palette.card}}
h1{font-size:1.6em;line-height:1.3;margin:.5rem 0 1rem}
[lang=ar] h1,h1[lang=ar]{line-height:${lineHeight('ar', baseType.heading)}}
a{color:${palette.link}}
footer{color:${palette.muted};font-size:.9em}
fieldset{border:1px solid ${palette.rule};margin:0 0 1rem;padding:.5rem 1rem 1rem}
legend{font-weight:bold;padding:0 .25rem}
label{display:block;margin:.35rem 0}
button{font:inherit;font-weight:bold;color:#fff;background:${palette.accent};border:0;border-radius:4px;padding:.7rem 1.4rem;cursor:pointer}
button:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid ${palette.link};outline-offset:2px}
.notice{border-inline-start:4px solid ${palette.link};padding:.25rem .75rem;background:${palette.page}}
ul.issues{list-style:none;padding:0}ul.issues li{padding:.5rem 0;border-bottom:1px solid ${palette.rule}}
.meta{color:${palette.muted};font-size:.9em}
.skip{position:absolute;inset-inline-start:-999px}.skip:focus{inset-inline-start:1rem;top:1rem;background:#fff;padding:.5rem}
input[type=email]{font:inherit;width:100%;padding:.5rem;border:1px solid ${palette.muted};border-radius:4px;margin:.25rem 0}
.hp{display:none}
`;

/** A block of the other language on a page: its own `lang` and `dir`. */
export function inLanguage(lang: Language, content: SafeHtml, tag: 'div' | 'p' | 'span' = 'div'): SafeHtml {
  return html`${trusted(`<${tag} lang="${lang}" dir="${directionOf(lang)}">`)}${content}${trusted(`</${tag}>`)}`;
}

/**
 * The one layout of every page of the HTTP API: the reader's language and direction on `<html>`,
 * the organisation in both languages, no JavaScript, no third-party asset (system fonts, inline CSS).
 * Returns the whole document. Every value is escaped; `body` must come from the `html` tag.
 */
export function renderPage(input: PageInput): string {
  const other: Language = input.lang === 'ar' ? 'en' : 'ar';
  const skip = input.lang === 'ar' ? 'انتقل إلى المحتوى' : 'Skip to content';
  return html`<!doctype html>
<html lang="${input.lang}" dir="${directionOf(input.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${input.title} · ${copy[input.lang].bulletinName}</title>
<style>${trusted(styles)}${trusted(typeStyles(input.lang))}</style>
</head>
<body>
<a class="skip" href="#main">${skip}</a>
<header><p>${copy[input.lang].bulletinName}</p></header>
<main id="main">
<h1>${input.title}</h1>
${input.body}
</main>
<footer>
<p>${copy[input.lang].organisation}</p>
${inLanguage(other, html`${copy[other].organisation}`, 'p')}
</footer>
</body>
</html>
`.value;
}
