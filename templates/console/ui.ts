import { html, type SafeHtml, trusted } from '../escape';
import type { Language } from '../language';
import { csrfField } from './forms';

/**
 * The pieces every console section's pages are built of: plain HTML that works without JavaScript,
 * keyboard only and at 375 px, in either direction. Every value is escaped by the `html` tag.
 */

/** Where the console is served: section links and form actions are written under it. */
export const consoleBase = '/console';

/** A console path (`/schedules`) as a link or form action (`/console/schedules`). */
export function consolePath(path: string): string {
  return `${consoleBase}${path}`;
}

/** A console path with query parameters (empty ones left out). */
export function consoleLink(path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams(
    Object.entries(query).filter((entry): entry is [string, string] => !!entry[1]),
  ).toString();
  return `${consolePath(path)}${params ? `?${params}` : ''}`;
}

/** Text that reads left to right whatever the page's direction: an address, an id, a cron, a URL. */
export function ltr(text: string): SafeHtml {
  return html`<span dir="ltr">${text}</span>`;
}

/** A time as staff read it (already written in the network's zone), with its instant for machines. */
export interface TimeText {
  iso: string;
  text: string;
}

export function time(value: TimeText): SafeHtml {
  return html`<time datetime="${value.iso}">${value.text}</time>`;
}

/** A refusal in words above a form; `detail` is the core's own message (in English) when there is one. */
export function formError(lead: string, detail?: string): SafeHtml {
  return html`<div class="refusal" role="alert"><p>${lead}</p>${detail ? html`<p lang="en" dir="ltr">${detail}</p>` : ''}</div>`;
}

/** A one-button form that posts to `action` with the CSRF token and any hidden fields. */
export function postButton(input: {
  action: string;
  label: string;
  csrf: string;
  fields?: Record<string, string>;
  danger?: boolean;
}): SafeHtml {
  return html`<form method="post" action="${input.action}" class="inline">${csrfField(input.csrf)}${Object.entries(
    input.fields ?? {},
  ).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  )}<button type="submit"${input.danger ? trusted(' class="danger"') : ''}>${input.label}</button></form>`;
}

/**
 * A table in a region that scrolls sideways on a narrow screen (focusable, so a keyboard can scroll it),
 * with a caption that names it.
 */
export function dataTable(input: { caption: string; headers: string[]; rows: SafeHtml[][] }): SafeHtml {
  return html`<div class="scroll" role="region" aria-label="${input.caption}" tabindex="0"><table><caption>${input.caption}</caption><thead><tr>${input.headers.map(
    (header) => html`<th scope="col">${header}</th>`,
  )}</tr></thead><tbody>${input.rows.map(
    (row) => html`<tr>${row.map((cell) => html`<td>${cell}</td>`)}</tr>`,
  )}</tbody></table></div>`;
}

/** Terms and their values (a reader's settings, an issue's counts). */
export function facts(pairs: Array<[string, SafeHtml | string | number]>): SafeHtml {
  return html`<dl class="facts">${pairs.map(([term, value]) => html`<dt>${term}</dt><dd>${typeof value === 'number' ? String(value) : value}</dd>`)}</dl>`;
}

/** A block in a language other than the page's: its own `lang` and `dir`. */
export function inLanguage(
  lang: Language,
  content: SafeHtml | string,
  tag: 'div' | 'p' | 'span' = 'div',
): SafeHtml {
  return html`${trusted(`<${tag} lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">`)}${content}${trusted(`</${tag}>`)}`;
}

/**
 * The few rules the sections' pages need beyond the shell's layout (templates/console/layout.ts, which
 * adds them to its stylesheet): tables that scroll on a phone, one-button forms in a row, previews
 * side by side where there is room, refusals and badges. Logical properties only, so they hold in
 * Arabic and English alike.
 */
export const sectionStyles = `
.scroll{overflow-x:auto;max-width:100%}
form.inline{display:inline-block;margin:0 0 .25rem;margin-inline-end:.5rem}
.refusal{border-inline-start:4px solid #a50e0e;background:#fdecea;padding:.25rem .75rem;margin:0 0 1rem}
.warning{border-inline-start:4px solid #8a5300;background:#fff4e0;padding:.25rem .75rem;margin:0 0 1rem}
.badge{display:inline-block;padding:0 .4rem;border:1px solid currentColor;border-radius:3px;font-size:.85em}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
.facts dt{font-weight:bold}.facts dd{margin:0;overflow-wrap:anywhere}
.side-by-side{display:flex;flex-wrap:wrap;gap:1rem}.side-by-side>*{flex:1 1 18rem;min-width:0}
.previews{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
.previews figure{margin:0;max-width:100%;overflow-x:auto}
.previews iframe{border:1px solid #59636e;background:#fff}
textarea{width:100%}
`;
