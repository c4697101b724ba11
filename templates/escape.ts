/**
 * Escaping for every template, mail and page alike. Templates never interpolate a raw value: text goes
 * through `escapeHtml`, pages build markup with the `html` tag, which escapes each interpolated value
 * unless it is already `SafeHtml`.
 */

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  // A brace of ours opens a per-recipient placeholder (`{{unsubscribeUrl}}`); an article's own braces
  // must never look like one, so they leave the template as character references.
  '{': '&#123;',
  '}': '&#125;',
};

/** Text or an attribute value → HTML that shows exactly that text. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'{}]/g, (character) => entities[character] ?? character);
}

/** Markup that is already safe: built by `html` or by a template from escaped parts. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Marks markup as safe. Only for markup a template built itself, never for input. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

type Interpolation = string | number | SafeHtml | readonly Interpolation[] | false | null | undefined;

function render(value: Interpolation): string {
  if (value === false || value === null || value === undefined) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * Tagged template for markup: `html\`<p>${name}</p>\`` escapes `name`; SafeHtml and arrays of it are
 * inserted as they are; `false`, `null` and `undefined` insert nothing (for conditional parts).
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** An attribute value: escaped, unless the template built it itself (a `{{placeholder}}`). */
export function attribute(value: string | SafeHtml): string {
  return value instanceof SafeHtml ? value.value : escapeHtml(value);
}

/** A per-recipient placeholder (`{{unsubscribeUrl}}`), the one kind of brace a template writes as is. */
export function placeholder(name: string): SafeHtml {
  if (!/^\w+$/.test(name)) throw new Error(`bad placeholder name ${name}`);
  return new SafeHtml(`{{${name}}}`);
}
