import { html, type SafeHtml } from '../escape';

/**
 * Markup every console page builds its forms and tables from, so each looks and behaves the same:
 * labelled fields (hints and errors tied to the field for screen readers), buttons, tables that
 * scroll on their own on a narrow screen. No JavaScript: every form posts and the server answers.
 */

/** The CSRF token's hidden field: every console form that posts carries one. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** Text that is always left to right inside any page (addresses, codes, ids): kept whole in Arabic. */
export function ltr(text: string): SafeHtml {
  return html`<bdi dir="ltr">${text}</bdi>`;
}

export interface FieldInput {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'search' | 'number' | 'date' | 'datetime-local' | 'url';
  value?: string;
  /** The browser's autofill hint (`username`, `current-password`, `new-password`, `one-time-code`). */
  autocomplete?: string;
  inputmode?: 'numeric' | 'email' | 'text';
  required?: boolean;
  /** Shown under the label; the field is described by it. */
  hint?: string;
  /** Shown under the label in the error style; the field is marked invalid and described by it. */
  error?: string;
  /** Left to right whatever the page (addresses, codes). */
  ltr?: boolean;
  autofocus?: boolean;
}

/** A labelled input. Its id is `field-<name>`. */
export function field(input: FieldInput): SafeHtml {
  const id = `field-${input.name}`;
  const described = [input.hint ? `${id}-hint` : '', input.error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return html`<div class="field">
<label for="${id}">${input.label}</label>
${input.hint ? html`<p class="hint" id="${id}-hint">${input.hint}</p>` : ''}
${input.error ? html`<p class="error" id="${id}-error">${input.error}</p>` : ''}
<input id="${id}" name="${input.name}" type="${input.type ?? 'text'}"${input.value !== undefined ? html` value="${input.value}"` : ''}${input.autocomplete ? html` autocomplete="${input.autocomplete}"` : ''}${input.inputmode ? html` inputmode="${input.inputmode}"` : ''}${input.required ? html` required` : ''}${described ? html` aria-describedby="${described}"` : ''}${input.error ? html` aria-invalid="true"` : ''}${input.ltr ? html` dir="ltr"` : ''}${input.autofocus ? html` autofocus` : ''}>
</div>`;
}

/** A form that posts to `action` with the CSRF field; `body` holds its fields and buttons. */
export function postForm(input: {
  action: string;
  csrf: string;
  body: SafeHtml;
  /** `multipart/form-data` for file uploads. */
  enctype?: 'multipart/form-data';
  /** An accessible name, when a page has more than one form. */
  label?: string;
  className?: string;
}): SafeHtml {
  return html`<form method="post" action="${input.action}"${input.enctype ? html` enctype="${input.enctype}"` : ''}${input.label ? html` aria-label="${input.label}"` : ''}${input.className ? html` class="${input.className}"` : ''}>
${csrfField(input.csrf)}
${input.body}
</form>`;
}

/** A submit button; `secondary` for the quieter of two, `danger` for what cannot be undone. */
export function button(
  label: string,
  options: { kind?: 'secondary' | 'danger'; name?: string; value?: string } = {},
): SafeHtml {
  return html`<button type="submit"${options.kind ? html` class="${options.kind}"` : ''}${options.name ? html` name="${options.name}"` : ''}${options.value !== undefined ? html` value="${options.value}"` : ''}>${label}</button>`;
}

/** A notice in the page (an action's result, a refusal): announced to screen readers. */
export function notice(text: string, kind: 'info' | 'error' = 'info'): SafeHtml {
  return kind === 'error'
    ? html`<p class="notice error" role="alert">${text}</p>`
    : html`<p class="notice" role="status">${text}</p>`;
}

/**
 * A data table with a caption and column headers. On a wide screen it scrolls sideways inside its own
 * region (focusable, so the keyboard can scroll it) rather than widening the page; on a narrow one
 * each row becomes a card of "column: value" lines. The explicit roles keep it a table for screen
 * readers whichever way it is laid out.
 */
export function dataTable(input: {
  caption: string;
  columns: string[];
  rows: SafeHtml[][];
  /** Said instead of the table when there are no rows. */
  empty: string;
  /** Hide the caption visually (the page's heading already says it). */
  captionHidden?: boolean;
}): SafeHtml {
  if (input.rows.length === 0) return html`<p class="empty">${input.empty}</p>`;
  return html`<div class="table-scroll" role="region" aria-label="${input.caption}" tabindex="0">
<table class="stack" role="table">
<caption${input.captionHidden ? html` class="visually-hidden"` : ''}>${input.caption}</caption>
<thead role="rowgroup"><tr role="row">${input.columns.map((column) => html`<th scope="col" role="columnheader">${column}</th>`)}</tr></thead>
<tbody role="rowgroup">
${input.rows.map((row) => html`<tr role="row">${row.map((cell, index) => html`<td role="cell" data-label="${input.columns[index] ?? ''}"><span>${cell}</span></td>`)}</tr>\n`)}
</tbody>
</table>
</div>`;
}
