import { html, type SafeHtml, trusted } from '../escape';
import { directionOf, type Language } from '../language';
import { fontStacks, palette } from '../mail/partials/head.mjml';
import { consoleCopy } from './console-copy';
import { csrfField, ltr, notice } from './forms';
import { sectionStyles } from './ui';

export interface ConsoleNavItem {
  href: string;
  label: string;
  current: boolean;
}

export interface ConsolePageInput {
  lang: Language;
  /** The `<title>` and the `<h1>`; plain text. */
  title: string;
  body: SafeHtml;
  /** The sections, when someone is signed in. */
  nav?: ConsoleNavItem[];
  /** Who is signed in, with the session's CSRF token for the sign-out form. */
  staff?: { email: string; csrf: string };
  /** This page in the other language (the language switch). */
  switchHref: string;
  notice?: string;
  /** The network's time zone's name in this language, said once per page. */
  zone: string;
}

const styles = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:${palette.page};color:${palette.text};font:16px/1.55 ${fontStacks.en}}
[lang=ar],[lang=ar] input,[lang=ar] button,[lang=ar] select,[lang=ar] textarea{font-family:${fontStacks.ar}}
.bar{background:${palette.card};border-bottom:4px solid ${palette.accent}}
.bar-inner{max-width:72rem;margin:0 auto;padding:.5rem 1rem;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem}
.brand{margin:0;font-weight:bold;color:${palette.accent}}
.bar nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .75rem}
.bar nav a{display:inline-block;padding:.4rem .2rem;color:${palette.link}}
.bar nav a[aria-current=page]{color:${palette.text};font-weight:bold;text-decoration-thickness:3px}
.account{margin-inline-start:auto;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;font-size:.95rem}
.account form{margin:0}
main{max-width:72rem;margin:1rem auto;padding:1rem;background:${palette.card}}
main.narrow{max-width:30rem}
h1{font-size:1.5rem;line-height:1.3;margin:.25rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
a{color:${palette.link}}
footer{max-width:72rem;margin:0 auto;padding:.5rem 1rem 2rem;color:${palette.muted};font-size:.9rem}
.field{margin:0 0 1rem}
label{display:block;font-weight:bold;margin-bottom:.25rem}
input[type=text],input[type=email],input[type=password],input[type=search],input[type=number],input[type=date],input[type=datetime-local],input[type=url],select,textarea{font:inherit;width:100%;max-width:30rem;padding:.55rem;border:1px solid ${palette.muted};border-radius:4px;background:#fff;color:${palette.text}}
.hint{margin:0 0 .25rem;color:${palette.muted};font-size:.9rem}
.error{margin:0 0 .25rem;color:${palette.accent};font-weight:bold}
button{font:inherit;font-weight:bold;color:#fff;background:${palette.accent};border:2px solid ${palette.accent};border-radius:4px;padding:.6rem 1.2rem;cursor:pointer;min-height:44px}
button.secondary{background:#fff;color:${palette.accent}}
button.danger{background:#8a1c1c;border-color:#8a1c1c}
button.link{background:none;border:0;color:${palette.link};text-decoration:underline;padding:.4rem .2rem;font-weight:normal;min-height:0}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,[tabindex]:focus-visible{outline:3px solid ${palette.link};outline-offset:2px}
.notice{border-inline-start:4px solid ${palette.link};padding:.5rem .75rem;background:${palette.page};margin:0 0 1rem}
.notice.error{border-color:${palette.accent};color:${palette.accent};font-weight:bold}
.table-scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.95rem}
caption{text-align:start;font-weight:bold;padding:.25rem 0}
th,td{text-align:start;vertical-align:top;padding:.45rem .5rem;border-bottom:1px solid ${palette.rule}}
th{background:${palette.page}}
code,.secret{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace}
.secret{display:inline-block;font-size:1.2rem;letter-spacing:.08em;padding:.5rem .75rem;background:${palette.page};border:1px solid ${palette.rule};word-break:break-all}
.meta{color:${palette.muted};font-size:.9rem}
.empty{color:${palette.muted}}
.pager{display:flex;flex-wrap:wrap;gap:1rem;margin-top:1rem}
@media (max-width:40rem){
.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.stack,.stack tbody,.stack tr{display:block}
.stack tr{border-bottom:1px solid ${palette.rule};padding:.5rem 0}
.stack td{display:grid;grid-template-columns:minmax(5rem,30%) 1fr;gap:.5rem;border:0;padding:.15rem 0;overflow-wrap:anywhere}
.stack td::before{content:attr(data-label);font-weight:bold;color:${palette.muted}}
}
.skip{position:absolute;inset-inline-start:-999px;top:.5rem}.skip:focus{inset-inline-start:1rem;background:#fff;padding:.5rem;z-index:1}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

/**
 * The one layout of every console page: the staff member's language and direction on `<html>`, the
 * navigation of the sections, a language switch, who is signed in and a sign-out button (a form: a
 * GET never signs anyone out), the time zone the page's times are in. No JavaScript, no third-party
 * asset (system fonts, inline CSS). Returns the whole document; `body` must come from the `html` tag.
 */
export function renderConsolePage(input: ConsolePageInput): string {
  const copy = consoleCopy[input.lang];
  const other: Language = input.lang === 'ar' ? 'en' : 'ar';
  const signedIn = input.staff !== undefined;
  return html`<!doctype html>
<html lang="${input.lang}" dir="${directionOf(input.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${input.title} · ${copy.consoleName}</title>
<style>${trusted(styles)}${trusted(sectionStyles)}</style>
</head>
<body>
<a class="skip" href="#main">${copy.skip}</a>
<header class="bar"><div class="bar-inner">
<p class="brand">${copy.consoleName}</p>
${
  input.nav && input.nav.length > 0
    ? html`<nav aria-label="${copy.sections}"><ul>${input.nav.map(
        (item) =>
          html`<li><a href="${item.href}"${item.current ? html` aria-current="page"` : ''}>${item.label}</a></li>`,
      )}</ul></nav>`
    : ''
}
<div class="account">
<a href="${input.switchHref}" lang="${other}" hreflang="${other}" dir="${directionOf(other)}">${copy.switchTo}</a>
${
  input.staff
    ? html`<span class="meta">${copy.signedInAs} ${ltr(input.staff.email)}</span>
<form method="post" action="/console/sign-out">${csrfField(input.staff.csrf)}<button type="submit" class="secondary">${copy.signOut}</button></form>`
    : ''
}
</div>
</div></header>
<main id="main"${signedIn ? '' : html` class="narrow"`}>
<h1>${input.title}</h1>
${input.notice ? notice(input.notice) : ''}
${input.body}
</main>
<footer><p>${copy.timesIn(input.zone)}</p></footer>
</body>
</html>
`.value;
}
