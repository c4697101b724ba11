import type { Context } from 'hono';
import { sectionCopy } from '../../templates/console/section-copy';
import { consoleLink, formError, type TimeText } from '../../templates/console/ui';
import type { SafeHtml } from '../../templates/escape';
import { formatStaffTime, zoneCity } from '../core/time';
import type { ConsoleEnv } from './console-env';

/**
 * What every staff section's handlers share: reading a form, answering with a redirect (POST, then
 * redirect, then GET), turning the core's refusals into a page, and writing times as staff read them.
 */

export type ConsoleContextOf = Context<ConsoleEnv>;

export interface ReadForm {
  /** Every text field, repeated ones as lists; the CSRF token left out (the shell checked it). */
  fields: Record<string, string | string[]>;
  files: Record<string, File>;
}

/** A form body (URL-encoded or multipart): its text fields and its files. */
export async function readForm(c: ConsoleContextOf): Promise<ReadForm> {
  const body = await c.req.parseBody({ all: true });
  const fields: ReadForm['fields'] = {};
  const files: ReadForm['files'] = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === '_csrf') continue;
    const values = [value].flat();
    const texts = values.filter((item): item is string => typeof item === 'string');
    const file = values.find((item): item is File => item instanceof File);
    if (file) files[name] = file;
    if (texts.length > 0) fields[name] = texts.length === 1 ? (texts[0] as string) : texts;
  }
  return { fields, files };
}

/** One field's text (the last, if repeated), or undefined. */
export function field(fields: ReadForm['fields'], name: string): string | undefined {
  const value = fields[name];
  return Array.isArray(value) ? value.at(-1) : value;
}

/** Every value of a repeated field (ticked checkboxes). */
export function fieldList(fields: ReadForm['fields'], name: string): string[] {
  const value = fields[name];
  return value === undefined ? [] : [value].flat();
}

/** A ticked checkbox (`on`), else false. */
export function ticked(fields: ReadForm['fields'], name: string): boolean {
  return fieldList(fields, name).includes('on');
}

/** 303 to a console page: after a POST that changed something, the browser GETs the page that shows it. */
export function seeOther(c: ConsoleContextOf, path: string, query: Record<string, string | undefined> = {}) {
  return c.redirect(consoleLink(path, query), 303);
}

/** A refusal the staff member can act on: the status to answer with and the words to show. */
export interface Refusal {
  status: 400 | 404 | 409;
  box: SafeHtml;
}

/**
 * The core's typed refusals as a box above the form (bad input 400, nothing there 404, changed
 * meanwhile 409), in the page's language with the core's own reason; anything else is rethrown for
 * the shell's error page.
 */
export function refusalOf(c: ConsoleContextOf, error: unknown): Refusal {
  const words = sectionCopy[c.get('lang')];
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : '';
  if (name === 'ValidationError' || name === 'InvalidCursorError')
    return { status: 400, box: formError(words.refused, message) };
  if (name === 'NotFoundError') return { status: 404, box: formError(words.notFound, message) };
  if (name === 'ConflictError') return { status: 409, box: formError(words.conflict, message) };
  throw error;
}

/** A refusal of the console's own (no such thing, a second yes missing), in the page's words. */
export function refusal(status: Refusal['status'], words: string): Refusal {
  return { status, box: formError(words) };
}

/** An instant in the network's (or a schedule's) time zone with the zone's name, as staff read it in the page's language. */
export function staffTime(instant: string | Date, timeZone: string, lang: 'ar' | 'en'): TimeText {
  const iso = new Date(instant).toISOString();
  const text = formatStaffTime(iso, timeZone);
  const city = zoneCity(timeZone);
  const named = sectionCopy[lang].zoneCities[city];
  if (!named) return { iso, text };
  const at = text.lastIndexOf(` ${city}`);
  return { iso, text: `${text.slice(0, at)} ${named}${text.slice(at + city.length + 1)}` };
}

/** A time zone as named after a time in the page's language: `Baghdad time`, `بتوقيت بغداد`. */
export function zonePhrase(timeZone: string, lang: 'ar' | 'en'): string {
  return sectionCopy[lang].zonePhrase(zoneCity(timeZone));
}
