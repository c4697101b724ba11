import * as z from 'zod';
import type { Language } from '../article';
import { ValidationError } from '../errors';
import {
  type Cadence,
  cadenceSchema,
  defaultUrgentAlerts,
  normaliseEmail,
  type ReaderChanges,
} from '../subscriber';

/**
 * What a reader (or staff) may set, parsed from the loose shapes forms, JSON and CSV give: a list as
 * repeated fields, as one comma-separated value or, in CSV, space-separated. Any value holding a line
 * break or another control character is refused before anything else looks at it: nothing a reader
 * types can reach a mail header.
 */

/** C0 controls (CR and LF among them), DEL, C1 controls and the Unicode line and paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const controlCharacter = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export const topicSlugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'topics are slugs: a-z, 0-9 and -');

const maxTopics = 20;

export const emailSchema = z
  .string('give an email address')
  .trim()
  .max(254, 'the address is too long')
  .pipe(z.email('the address is not a valid email address'))
  .transform(normaliseEmail);

/**
 * A word as people and spreadsheets write it, folded for comparison: trimmed, lower case, Arabic
 * diacritics (tanwin, harakat) dropped and the hamza forms of alif written as a bare alif, so `Weekly`,
 * `أسبوعياً` and `اسبوعيا` each meet their value.
 */
export function foldWord(value: string): string {
  return value
    .normalize('NFC')
    .trim()
    .toLocaleLowerCase('en')
    .replace(/[\u064b-\u065f\u0670]/g, '')
    .replace(/[إأآ]/g, 'ا')
    .replace(/\s+/g, ' ');
}

const quoted = (value: string) => `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;

/** A list given as repeated values, or one value separated by commas (Latin or Arabic), semicolons or spaces; blanks dropped. */
function listOf(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return values.flatMap((item) =>
    String(item)
      .split(/[,،;\s]+/)
      .map((part) => part.trim())
      .filter(Boolean),
  );
}

/** The last of repeated values (a form's hidden default followed by its ticked checkbox). */
const lastOf = (value: unknown) => (Array.isArray(value) ? value.at(-1) : value);

const languageWords: Record<Language, string[]> = {
  ar: ['ar', 'arabic', 'عربي', 'عربية', 'العربية', 'بالعربية'],
  en: ['en', 'english', 'انجليزي', 'انجليزية', 'الانجليزية', 'انكليزي', 'انكليزية', 'الانكليزية'],
};

/**
 * The reader's languages in their order (`en,ar` is English first), from codes in any case or their
 * names in either language; a repeat is dropped. Throws ValidationError saying what is wrong.
 */
export function readLanguages(value: unknown): Language[] {
  const languages: Language[] = [];
  for (const word of listOf(value)) {
    const folded = foldWord(word);
    const language = (Object.keys(languageWords) as Language[]).find((lang) =>
      languageWords[lang].includes(folded),
    );
    if (!language) throw new ValidationError(`${quoted(word)} is not a language we send: ar or en`);
    if (!languages.includes(language)) languages.push(language);
  }
  if (languages.length === 0) throw new ValidationError('choose at least one language');
  return languages;
}

const cadenceWords: Record<Cadence, string[]> = {
  instant: ['instant', 'instantly', 'immediately', 'فوري', 'فورا', 'فوريا'],
  daily: ['daily', 'day', 'يومي', 'يوميا', 'يومية'],
  weekly: ['weekly', 'week', 'اسبوعي', 'اسبوعيا', 'اسبوعية'],
};

/**
 * A cadence in any case (`Weekly`) or in Arabic (`أسبوعي`), among `allowed` (a schedule serves daily
 * and weekly readers only). Throws ValidationError naming the choices.
 */
export function readCadence<C extends Cadence>(value: unknown, allowed: readonly C[]): C {
  if (Array.isArray(value) && value.length > 1)
    throw new ValidationError(`give one cadence, not ${value.length}: one of ${allowed.join(', ')}`);
  const word = String((Array.isArray(value) ? value[0] : value) ?? '').trim();
  const folded = foldWord(word);
  const cadence = allowed.find((candidate) => cadenceWords[candidate].includes(folded));
  if (cadence) return cadence;
  if (!word) throw new ValidationError(`choose one of ${allowed.join(', ')}`);
  throw new ValidationError(`${quoted(word)} is not one of ${allowed.join(', ')}`);
}

/**
 * Topic slugs in any case (`Water`), each once, at most twenty; with `known` (the values of the
 * configured topic map) each must be one of them, or the error names the ones there are: a topic no
 * article can carry would make a reader or a schedule silently get nothing.
 */
export function readTopics(value: unknown, known?: readonly string[]): string[] {
  const topics = [...new Set(listOf(value).map(foldWord))];
  const notSlug = topics.find((topic) => !topicSlugSchema.safeParse(topic).success);
  if (notSlug !== undefined)
    throw new ValidationError(`${quoted(notSlug)} is not a topic: topics are slugs of a-z, 0-9 and -`);
  if (topics.length > maxTopics) throw new ValidationError(`at most ${maxTopics} topics`);
  checkKnownTopics(topics, known);
  return topics;
}

/** Refuses topics outside `known` (when given), naming the known ones. */
export function checkKnownTopics(topics: readonly string[], known: readonly string[] | undefined): void {
  const unknown = known ? topics.filter((topic) => !known.includes(topic)) : [];
  if (unknown.length === 0) return;
  const list = unknown.map(quoted).join(', ');
  throw new ValidationError(
    `${list} ${unknown.length === 1 ? 'is not a topic' : 'are not topics'} here: the topics are ${[...(known ?? [])].sort().join(', ')}`,
  );
}

const yesWords = ['yes', 'y', 'true', '1', 'on', 'نعم', 'اجل'];
const noWords = ['no', 'n', 'false', '0', 'off', 'لا', 'كلا'];

/**
 * A yes or no as forms, JSON and spreadsheets write it (`yes`/`no`, `true`/`false`, `1`/`0`,
 * `on`/`off`, `نعم`/`لا`), or undefined when blank. Throws ValidationError for anything else.
 */
export function readYesNo(value: unknown): boolean | undefined {
  const last = lastOf(value);
  if (typeof last === 'boolean') return last;
  const word = String(last ?? '').trim();
  if (!word) return undefined;
  const folded = foldWord(word);
  if (yesWords.includes(folded)) return true;
  if (noWords.includes(folded)) return false;
  throw new ValidationError(`${quoted(word)} is not yes or no (yes, no, true, false, 1, 0, نعم, لا)`);
}

/** Runs a reader inside a schema, turning its ValidationError into the field's issue. */
function viaReader<T>(read: (value: unknown) => T) {
  return z
    .unknown()
    .optional()
    .transform((value, ctx) => {
      try {
        return read(value);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message });
        return z.NEVER;
      }
    });
}

export const languagesSchema = viaReader(readLanguages);

export const topicsSchema = viaReader((value) => readTopics(value));

const cadenceInputSchema = viaReader((value) => readCadence(value, cadenceSchema.options));

/** A ticked checkbox sends its value (`on`); an unticked one sends nothing. JSON may say true/false. */
const checkboxSchema = viaReader((value) => readYesNo(value) ?? false);

/**
 * The subscribe form's urgent-alerts box: the form sends a hidden `off` before the box's `on`, so an
 * unticked box says no; a request that does not ask (JSON, an older form) gets the default.
 */
const urgentAlertsSchema = viaReader((value) => readYesNo(value) ?? defaultUrgentAlerts);

const single = (value: unknown) => (Array.isArray(value) && value.length === 1 ? value[0] : value);

export const subscribeRequestSchema = z.object({
  email: z.preprocess(single, emailSchema),
  languages: languagesSchema,
  cadence: cadenceInputSchema,
  topics: topicsSchema,
  urgentAlerts: urgentAlertsSchema,
});
export type SubscribeRequest = z.infer<typeof subscribeRequestSchema>;

export const preferencesRequestSchema = z.object({
  languages: languagesSchema,
  cadence: cadenceInputSchema,
  topics: topicsSchema,
  urgentAlerts: checkboxSchema,
  paused: checkboxSchema,
});
export type PreferencesRequest = z.infer<typeof preferencesRequestSchema>;

/**
 * What staff ask to change of a reader, from the words they type (each absent field left alone):
 * languages, cadence, topics (empty: every topic) among `knownTopics`, and urgent alerts and pause as
 * yes or no. A ValidationError names each field that is wrong and why.
 */
export function readReaderChanges(
  fields: { languages?: string; cadence?: string; topics?: string; urgentAlerts?: string; paused?: string },
  knownTopics: readonly string[],
): ReaderChanges {
  const changes: ReaderChanges = {};
  const problems: string[] = [];
  const read = (name: string, run: () => void) => {
    try {
      run();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      problems.push(`${name}: ${error.message}`);
    }
  };
  if (fields.languages !== undefined)
    read('languages', () => (changes.languages = readLanguages(fields.languages)));
  if (fields.cadence !== undefined)
    read('cadence', () => (changes.cadence = readCadence(fields.cadence, cadenceSchema.options)));
  if (fields.topics !== undefined)
    read('topics', () => (changes.topics = readTopics(fields.topics, knownTopics)));
  for (const name of ['urgentAlerts', 'paused'] as const) {
    const value = fields[name];
    if (value === undefined) continue;
    read(name, () => {
      const answer = readYesNo(value);
      if (answer === undefined) throw new ValidationError('say yes or no');
      changes[name] = answer;
    });
  }
  if (problems.length > 0) throw new ValidationError(problems.join('; '), problems);
  return changes;
}

export interface Preferences {
  languages: Language[];
  cadence: Cadence;
  topics: string[];
}

/**
 * Refuses a body any of whose values (and names) holds a line break or control character: a header
 * injection attempt, or garbage. Nested arrays are checked too.
 */
export function refuseControlCharacters(fields: Record<string, unknown>): void {
  // A list is walked with a stack, not by recursion: a JSON body nested thousands of lists deep
  // must be a 400, not a stack overflow.
  for (const [name, value] of Object.entries(fields)) {
    const pending: unknown[] = [name, value];
    while (pending.length > 0) {
      const item = pending.pop();
      if (typeof item === 'string' && controlCharacter.test(item))
        throw new ValidationError(`${oneLineName(name)} holds a line break or control character`);
      if (Array.isArray(item)) pending.push(...item);
    }
  }
}

const oneLineName = (name: string) =>
  controlCharacter.test(name) ? 'a field name' : `"${name.slice(0, 40)}"`;

/**
 * Parses with a schema and turns its complaints into one ValidationError naming each field; topics
 * must also be among `knownTopics` when that list is given (readers choose from the site's topics).
 */
export function parseInput<T extends z.ZodType>(
  schema: T,
  fields: Record<string, unknown>,
  knownTopics?: readonly string[],
): z.infer<T> {
  refuseControlCharacters(fields);
  const parsed = schema.safeParse(fields);
  if (!parsed.success) {
    // The field, never a schema path such as `languages.0`: people read these.
    const details = parsed.error.issues.map(
      (issue) => `${String(issue.path[0] ?? 'body')}: ${issue.message}`,
    );
    throw new ValidationError(`invalid request: ${details.join('; ')}`, details);
  }
  try {
    checkKnownTopics((parsed.data as { topics?: string[] }).topics ?? [], knownTopics);
  } catch (error) {
    const details = [`topics: ${(error as Error).message}`];
    throw new ValidationError(`invalid request: ${details.join('; ')}`, details);
  }
  return parsed.data;
}
