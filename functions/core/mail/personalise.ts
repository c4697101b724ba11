import { ValidationError } from '../errors';
import type { CompiledMail, Placeholder } from './compiled-mail';

/** The links of one recipient, by placeholder; each an absolute http(s) URL. */
export type PersonalLinks = Partial<Record<Placeholder, string>>;

export interface PersonalisedMail {
  subject: string;
  html: string;
  text: string;
}

/** A body split at its placeholders: `literals` holds one more entry than `names`. */
export interface Segments {
  literals: string[];
  names: string[];
}

/** A compiled mail split once: its HTML and text, and every placeholder either holds. */
export interface SplitMail {
  html: Segments;
  text: Segments;
  needed: string[];
}

/** One reader's links as they go into each body: escaped for the HTML, as they are for the text. */
export interface LinkValues {
  html: Record<string, string>;
  text: Record<string, string>;
}

const url = /^https?:\/\/[^\s"'<>]+$/;

/** A checked link (no quote, angle bracket or space) in HTML: `&` is the one character left to escape. */
const linkInHtml = (link: string) => link.replaceAll('&', '&amp;');
const splitByMail = new WeakMap<CompiledMail, SplitMail>();

function segment(template: string): Segments {
  const parts = template.split(/\{\{(\w+)\}\}/);
  return {
    literals: parts.filter((_, index) => index % 2 === 0),
    names: parts.filter((_, index) => index % 2 === 1),
  };
}

function fill(segments: Segments, values: Record<string, string>): string {
  let out = segments.literals[0] ?? '';
  for (let i = 0; i < segments.names.length; i++) {
    out += (values[segments.names[i] as string] as string) + (segments.literals[i + 1] ?? '');
  }
  return out;
}

/** The mail's HTML and text split at their placeholders, once per compiled mail (kept while it lives). */
export function splitAtPlaceholders(mail: CompiledMail): SplitMail {
  let found = splitByMail.get(mail);
  if (!found) {
    const html = segment(mail.html);
    const text = segment(mail.text);
    found = { html, text, needed: [...new Set([...html.names, ...text.names])] };
    splitByMail.set(mail, found);
  }
  return found;
}

/** The placeholders a compiled mail needs, read from its HTML and text. */
export function placeholdersOf(mail: CompiledMail): string[] {
  return [...splitAtPlaceholders(mail).needed];
}

/**
 * Checks one reader's links for the placeholders `needed` and gives each as it goes into the HTML
 * (HTML-escaped) and into the text (as it is).
 * Throws ValidationError when a needed link is missing or not an absolute http(s) URL.
 */
export function linkValues(needed: readonly string[], links: PersonalLinks): LinkValues {
  const html: Record<string, string> = {};
  const text: Record<string, string> = {};
  for (const name of needed) {
    const link = links[name as Placeholder];
    if (link === undefined || !url.test(link)) {
      throw new ValidationError(`${name} must be an absolute http(s) URL for this mail`);
    }
    html[name] = linkInHtml(link);
    text[name] = link;
  }
  return { html, text };
}

/**
 * Fills one recipient's links into a compiled mail: a string substitution over segments split once
 * per compiled mail (kept while the mail object lives), so each recipient costs a few concatenations,
 * not a render. Links are HTML-escaped in the HTML and kept as they are in the text.
 * Throws ValidationError when a link the mail holds a placeholder for is missing or not an http(s) URL.
 */
export function personalise(mail: CompiledMail, links: PersonalLinks): PersonalisedMail {
  const split = splitAtPlaceholders(mail);
  const values = linkValues(split.needed, links);
  return {
    subject: mail.subject,
    html: fill(split.html, values.html),
    text: fill(split.text, values.text),
  };
}
