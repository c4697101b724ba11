import { ValidationError } from '../errors';
import type { CompiledMail, Placeholder } from './compiled-mail';

/** The links of one recipient, by placeholder; each an absolute http(s) URL. */
export type PersonalLinks = Partial<Record<Placeholder, string>>;

export interface PersonalisedMail {
  subject: string;
  html: string;
  text: string;
}

interface Segments {
  /** Literal text around the placeholders: one more than `names`. */
  literals: string[];
  names: string[];
}

const url = /^https?:\/\/[^\s"'<>]+$/;

/** A checked link (no quote, angle bracket or space) in HTML: `&` is the one character left to escape. */
const linkInHtml = (link: string) => link.replaceAll('&', '&amp;');
const segmentsByMail = new WeakMap<CompiledMail, { html: Segments; text: Segments; needed: string[] }>();

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

function prepared(mail: CompiledMail) {
  let found = segmentsByMail.get(mail);
  if (!found) {
    const html = segment(mail.html);
    const text = segment(mail.text);
    found = { html, text, needed: [...new Set([...html.names, ...text.names])] };
    segmentsByMail.set(mail, found);
  }
  return found;
}

/** The placeholders a compiled mail needs, read from its HTML and text. */
export function placeholdersOf(mail: CompiledMail): string[] {
  return [...prepared(mail).needed];
}

/**
 * Fills one recipient's links into a compiled mail: a string substitution over segments split once
 * per compiled mail (kept while the mail object lives), so each recipient costs a few concatenations,
 * not a render. Links are HTML-escaped in the HTML and kept as they are in the text.
 * Throws ValidationError when a link the mail holds a placeholder for is missing or not an http(s) URL.
 */
export function personalise(mail: CompiledMail, links: PersonalLinks): PersonalisedMail {
  const segments = prepared(mail);
  const htmlValues: Record<string, string> = {};
  const textValues: Record<string, string> = {};
  for (const name of segments.needed) {
    const link = links[name as Placeholder];
    if (link === undefined || !url.test(link)) {
      throw new ValidationError(`${name} must be an absolute http(s) URL for this mail`);
    }
    htmlValues[name] = linkInHtml(link);
    textValues[name] = link;
  }
  return {
    subject: mail.subject,
    html: fill(segments.html, htmlValues),
    text: fill(segments.text, textValues),
  };
}
