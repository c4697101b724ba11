import type { Language } from '../article';
import { ValidationError } from '../errors';
import { type Cadence, cadenceSchema, type SubscriberStatus, subscriberStatusSchema } from '../subscriber';
import { type CsvRecord, type CsvSeparator, readCsv, unformula } from './csv';
import {
  emailSchema,
  foldWord,
  readCadence,
  readLanguages,
  readTopics,
  readYesNo,
  refuseControlCharacters,
} from './input';

/** The columns an import reads; every other column (an export's `createdAt`, a notes column) is ignored. */
export type ImportColumn = 'email' | 'languages' | 'cadence' | 'topics' | 'urgentAlerts' | 'status';

/**
 * What a header may say for each column, in English or Arabic, folded (`foldWord`, then spaces, `-`
 * and `_` dropped): `E-mail`, `Email address`, `البريد الإلكتروني` all name the address.
 */
const columnNames: Record<ImportColumn, string[]> = {
  email: [
    'email',
    'e-mail',
    'mail',
    'email address',
    'e-mail address',
    'البريد الإلكتروني',
    'البريد الالكتروني',
    'البريد',
    'بريد إلكتروني',
    'الإيميل',
    'ايميل',
  ],
  languages: ['languages', 'language', 'lang', 'langs', 'اللغات', 'اللغة', 'لغة'],
  cadence: ['cadence', 'frequency', 'how often', 'التواتر', 'الوتيرة', 'التكرار', 'الدورية'],
  topics: ['topics', 'topic', 'subjects', 'المواضيع', 'الموضوعات', 'الموضوع'],
  urgentAlerts: [
    'urgentAlerts',
    'urgent alerts',
    'urgent',
    'التنبيهات العاجلة',
    'تنبيهات عاجلة',
    'العاجل',
    'عاجل',
  ],
  status: ['status', 'الحالة'],
};

const headerKey = (name: string) => foldWord(name).replace(/[\s_-]+/g, '');

const columnByHeader = new Map(
  (Object.entries(columnNames) as Array<[ImportColumn, string[]]>).flatMap(([column, names]) =>
    names.map((name) => [headerKey(name), column] as const),
  ),
);

/** The columns a file must have: an address and the languages to write to it in. */
export const requiredImportColumns: ImportColumn[] = ['email', 'languages'];

/** One row read: the reader it asks for. */
export interface ImportRow {
  line: number;
  email: string;
  languages: Language[];
  cadence: Cadence;
  topics: string[];
  /** Absent when the row says nothing: the reader then gets the default. */
  urgentAlerts?: boolean;
  /** What the row says the reader is (an export's `status` column). */
  status?: SubscriberStatus;
}

export interface RowRejection {
  line: number;
  /** The column at fault as the file's header names it, when one is. */
  column?: string;
  reason: string;
}

export interface ImportFile {
  separator: CsvSeparator;
  /** The file's header for each column read, as written (`البريد الإلكتروني`). */
  columns: Partial<Record<ImportColumn, string>>;
  rows: ImportRow[];
  rejected: RowRejection[];
}

/**
 * Reads an import file: a header row naming the columns (in English or Arabic, any order, other
 * columns ignored), then one reader per row. A row that cannot be read is rejected with its line, the
 * column at fault as the header names it, and why in words (`cadence: 'Weekley' is not one of
 * instant, daily, weekly`); the other rows go on. A file without a header, or lacking the address or
 * languages column, is a ValidationError. Cadence defaults to weekly, as `subscribers add` does.
 */
export function readImportFile(
  text: string,
  options: { separator?: CsvSeparator; knownTopics?: readonly string[] },
): ImportFile {
  const { separator, records } = readCsv(text, options);
  const [header, ...rows] = records;
  if (!header) throw new ValidationError('the file is empty');
  const positions = new Map<ImportColumn, number>();
  for (const [index, name] of header.fields.entries()) {
    const column = columnByHeader.get(headerKey(name));
    if (!column) continue;
    const earlier = positions.get(column);
    if (earlier !== undefined)
      throw new ValidationError(
        `line 1: "${header.fields[earlier]?.trim()}" and "${name.trim()}" are both the ${column} column`,
      );
    positions.set(column, index);
  }
  const missing = requiredImportColumns.filter((column) => !positions.has(column));
  if (missing.length > 0)
    throw new ValidationError(
      `line 1: the header has no ${missing.join(' or ')} column (it names ${header.fields.map((name) => `"${name.trim()}"`).join(', ')}; the columns are ${Object.keys(columnNames).join(', ')})`,
    );
  const columns = Object.fromEntries(
    [...positions].map(([column, index]) => [column, header.fields[index]?.trim() ?? column]),
  ) as Partial<Record<ImportColumn, string>>;

  const file: ImportFile = { separator, columns, rows: [], rejected: [] };
  for (const record of rows) {
    const row = readRow(record, header.fields.length, positions, columns, options.knownTopics);
    if ('reason' in row) file.rejected.push(row);
    else file.rows.push(row);
  }
  return file;
}

function readRow(
  record: CsvRecord,
  headerLength: number,
  positions: Map<ImportColumn, number>,
  columns: Partial<Record<ImportColumn, string>>,
  knownTopics: readonly string[] | undefined,
): ImportRow | RowRejection {
  const { line } = record;
  if (record.fields.length > headerLength)
    return { line, reason: `${record.fields.length} fields, the header has ${headerLength}` };
  const cell = (column: ImportColumn) => {
    const index = positions.get(column);
    return index === undefined ? '' : (record.fields[index] ?? '').trim();
  };
  const named = (column: ImportColumn) => {
    const header = columns[column] ?? column;
    return header === column ? column : `${header} (${column})`;
  };
  try {
    refuseControlCharacters(Object.fromEntries(record.fields.map((value, index) => [String(index), value])));
  } catch {
    return { line, reason: 'a field holds a line break or control character' };
  }
  // Every column is read, so one rejection names every problem of the row.
  const problems: Array<{ column: string; reason: string }> = [];
  const read = <T>(column: ImportColumn, reader: (value: string) => T, fallback: T): T => {
    try {
      return reader(cell(column));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      problems.push({ column: columns[column] ?? column, reason: `${named(column)}: ${error.message}` });
      return fallback;
    }
  };
  const email = read(
    'email',
    (value) => {
      const parsed = emailSchema.safeParse(unformula(value));
      if (parsed.success) return parsed.data;
      throw new ValidationError(value ? `'${value.slice(0, 60)}' is not an email address` : 'no address');
    },
    '',
  );
  const languages = read('languages', readLanguages, []);
  const cadence = read<Cadence>(
    'cadence',
    (value) => (value ? readCadence(value, cadenceSchema.options) : 'weekly'),
    'weekly',
  );
  const topics = read('topics', (value) => readTopics(value, knownTopics), []);
  const urgentAlerts = read('urgentAlerts', readYesNo, undefined);
  const status = read<SubscriberStatus | undefined>(
    'status',
    (value) => {
      if (!value) return undefined;
      const parsed = subscriberStatusSchema.safeParse(foldWord(value));
      if (parsed.success) return parsed.data;
      throw new ValidationError(`'${value}' is not one of ${subscriberStatusSchema.options.join(', ')}`);
    },
    undefined,
  );
  const [first] = problems;
  if (first)
    return { line, column: first.column, reason: problems.map((problem) => problem.reason).join('; ') };
  return {
    line,
    email,
    languages,
    cadence,
    topics,
    ...(urgentAlerts === undefined ? {} : { urgentAlerts }),
    ...(status === undefined ? {} : { status }),
  };
}
