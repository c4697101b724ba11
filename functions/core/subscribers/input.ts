import { z } from 'zod';
import { type Language, languageSchema } from '../article';
import { ValidationError } from '../errors';
import { type Cadence, cadenceSchema, normaliseEmail } from '../subscriber';

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
  .string()
  .trim()
  .max(254, 'the address is too long')
  .pipe(z.email('the address is not a valid email address'))
  .transform(normaliseEmail);

/** A list given as repeated values, or one value separated by commas or spaces; blanks dropped. */
function listOf(value: unknown): unknown {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.flatMap((item) =>
    typeof item === 'string'
      ? item
          .split(/[,\s]+/)
          .map((part) => part.trim())
          .filter(Boolean)
      : [item],
  );
}

/** The reader's languages in their order (`en,ar` is English first); a repeat is dropped. */
export const languagesSchema = z.preprocess(
  listOf,
  z
    .array(languageSchema, 'languages are ar and en')
    .min(1, 'choose at least one language')
    .transform((languages) => [...new Set(languages)])
    .pipe(z.array(languageSchema).max(2)),
);

export const topicsSchema = z.preprocess(
  listOf,
  z
    .array(topicSlugSchema)
    .max(maxTopics, `at most ${maxTopics} topics`)
    .transform((topics) => [...new Set(topics)]),
);

/** A ticked checkbox sends its value (`on`); an unticked one sends nothing. JSON may say true/false. */
const checkboxSchema = z.preprocess(
  (value) => (Array.isArray(value) ? value.at(-1) : value),
  z
    .union([z.boolean(), z.enum(['on', 'true', 'false', '1', '0'])])
    .optional()
    .transform((value) => value === true || value === 'on' || value === 'true' || value === '1'),
);

const single = (value: unknown) => (Array.isArray(value) && value.length === 1 ? value[0] : value);

export const subscribeRequestSchema = z.object({
  email: z.preprocess(single, emailSchema),
  languages: languagesSchema,
  cadence: z.preprocess(single, cadenceSchema),
  topics: topicsSchema.default([]),
});
export type SubscribeRequest = z.infer<typeof subscribeRequestSchema>;

export const preferencesRequestSchema = z.object({
  languages: languagesSchema,
  cadence: z.preprocess(single, cadenceSchema),
  topics: topicsSchema.default([]),
  urgentAlerts: checkboxSchema,
  paused: checkboxSchema,
});
export type PreferencesRequest = z.infer<typeof preferencesRequestSchema>;

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
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw new ValidationError(`invalid request: ${details.join('; ')}`, details);
  }
  const topics = (parsed.data as { topics?: string[] }).topics ?? [];
  const unknown = knownTopics ? topics.filter((topic) => !knownTopics.includes(topic)) : [];
  if (unknown.length > 0) {
    const details = [`topics: unknown topic ${unknown.join(', ')}`];
    throw new ValidationError(`invalid request: ${details.join('; ')}`, details);
  }
  return parsed.data;
}
