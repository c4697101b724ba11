import { CsvError, parse } from 'csv-parse/sync';
import { ValidationError } from '../errors';

/** One CSV record with the physical line it starts on (1 is the header), for reporting rejected rows. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** The separators spreadsheets write: a comma, a semicolon (where the comma is the decimal mark), a tab. */
export type CsvSeparator = ',' | ';' | '\t';

const separatorNames: Record<string, CsvSeparator> = {
  ',': ',',
  comma: ',',
  ';': ';',
  semicolon: ';',
  '\t': '\t',
  '\\t': '\t',
  tab: '\t',
};

/** A separator as staff name it (`,`, `;`, `tab`, `comma`, `semicolon`); refused in words otherwise. */
export function readSeparator(value: string): CsvSeparator {
  const separator = separatorNames[value === '\t' ? value : value.trim().toLowerCase()];
  if (!separator) throw new ValidationError(`"${value}" is not a separator: give comma, semicolon or tab`);
  return separator;
}

/**
 * The separator of a file whose first line is a header: whichever of comma, semicolon and tab its
 * header holds most of outside quotes (a header of one column is comma-separated).
 */
export function detectSeparator(text: string): CsvSeparator {
  const header = text.replace(/^\uFEFF/, '').replace(/^[\r\n]+/, '');
  const counts: Record<CsvSeparator, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const character of header) {
    if (character === '"') quoted = !quoted;
    else if (!quoted && (character === '\n' || character === '\r')) break;
    else if (!quoted && character in counts) counts[character as CsvSeparator] += 1;
  }
  const order: CsvSeparator[] = [',', ';', '\t'];
  return order.reduce((best, candidate) => (counts[candidate] > counts[best] ? candidate : best), ',');
}

const lineBreaks = (text: string) => text.match(/\r\n|\r|\n/g)?.length ?? 0;
const leadingBreaks = (text: string) => lineBreaks(/^[\r\n]*/.exec(text)?.[0] ?? '');

/**
 * Reads CSV as spreadsheets write it (csv-parse): RFC 4180 quoting (`""` is a quote inside, quoted
 * fields may hold separators and line breaks), CRLF or LF, a UTF-8 BOM, blank lines skipped, a comma,
 * semicolon or tab between fields (detected from the header unless given). Each record carries the
 * line it starts on, as an editor numbers lines (a quoted line break counts). A file that cannot be
 * read is a ValidationError naming the line.
 */
export function readCsv(
  text: string,
  options: { separator?: CsvSeparator } = {},
): { separator: CsvSeparator; records: CsvRecord[] } {
  const separator = options.separator ?? detectSeparator(text);
  // Lines are counted from the raw text of each record (its leading blank lines, its own breaks):
  // csv-parse's own line counter runs ahead of the record it reports.
  let nextLine = 1;
  const lines: number[] = [];
  try {
    const records = parse(text, {
      bom: true,
      delimiter: separator,
      // One file may mix line ends (rows pasted from elsewhere): each is a record delimiter.
      record_delimiter: ['\r\n', '\n', '\r'],
      raw: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      on_record: (record, context) => {
        const raw = context.raw ?? '';
        lines.push(nextLine + leadingBreaks(raw));
        nextLine += lineBreaks(raw);
        return record;
      },
    }) as unknown as Array<{ record: string[] }>;
    // With `raw`, csv-parse gives each record as `{ record, raw }`; its types do not say so.
    return {
      separator,
      records: records.map(({ record }, index) => ({ line: lines[index] ?? 0, fields: record })),
    };
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    if (error.code === 'CSV_QUOTE_NOT_CLOSED')
      throw new ValidationError(`line ${nextLine}: a quoted field is never closed`);
    if (error.code === 'CSV_INVALID_CLOSING_QUOTE')
      throw new ValidationError(`line ${error.lines}: a quoted field goes on after its closing quote`);
    throw new ValidationError(`line ${error.lines}: ${error.message}`);
  }
}

const formulaStart = /^[=+\-@\t\r]/;

/**
 * One CSV cell: quoted when it holds a comma, quote or line break. A cell that a spreadsheet would run
 * as a formula (starting with = + - @) gets a leading apostrophe; `unformula` takes it off on import.
 */
export function csvCell(value: string): string {
  const safe = formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Undoes `csvCell`'s apostrophe before a formula character. */
export function unformula(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

export function csvLine(values: string[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
