import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/core/errors';
import type { Counter, CounterRepo } from '../../functions/core/ports';
import { csvCell, csvLine, detectSeparator, readCsv, unformula } from '../../functions/core/subscribers/csv';
import { readImportFile } from '../../functions/core/subscribers/import-rows';
import {
  parseInput,
  preferencesRequestSchema,
  readCadence,
  readLanguages,
  readReaderChanges,
  readTopics,
  readYesNo,
  subscribeRequestSchema,
} from '../../functions/core/subscribers/input';
import { clientIdentity, parseLimits, RateLimiter } from '../../functions/core/subscribers/rate-limit';

describe('subscribe and preferences input', () => {
  it('keeps the reader’s language order from a comma list, repeated fields or spaces, and drops repeats', () => {
    const parse = (languages: unknown) =>
      parseInput(subscribeRequestSchema, { email: ' Reader@Example.ORG ', languages, cadence: 'weekly' });
    expect(parse('en,ar')).toEqual({
      email: 'reader@example.org',
      languages: ['en', 'ar'],
      cadence: 'weekly',
      topics: [],
      urgentAlerts: true,
    });
    expect(parse(['ar', 'en']).languages).toEqual(['ar', 'en']);
    expect(parse('ar en ar').languages).toEqual(['ar', 'en']);
    expect(() => parse('')).toThrow('choose at least one language');
    expect(() => parse('fr')).toThrow(ValidationError);
  });

  it('refuses a line break or control character in any value or field name, before anything else', () => {
    for (const fields of [
      { email: 'a@example.org\nBcc: b@example.org', languages: 'en', cadence: 'weekly' },
      { email: 'a@example.org', languages: ['en', 'ar\r'], cadence: 'weekly' },
      { email: 'a@example.org', languages: 'en', cadence: 'weekly', 'x\ny': 'z' },
      { email: 'a@example.org', languages: 'en', cadence: 'weekly', topics: 'water\u2028' },
      { email: 'a@example.org', languages: 'en', cadence: 'weekly\u0000' },
    ])
      expect(() => parseInput(subscribeRequestSchema, fields)).toThrow('line break or control character');
  });

  it('names every bad field, and refuses topics outside the known ones when given', () => {
    try {
      parseInput(subscribeRequestSchema, { email: 'nope', languages: 'en', cadence: 'hourly' });
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).details.map((detail) => detail.split(':')[0])).toEqual([
        'email',
        'cadence',
      ]);
    }
    const fields = { email: 'a@example.org', languages: 'en', cadence: 'daily', topics: 'water,mars' };
    expect(() => parseInput(subscribeRequestSchema, fields, ['water', 'basra'])).toThrow(
      "topics: 'mars' is not a topic here: the topics are basra, water",
    );
    expect(() => parseInput(subscribeRequestSchema, { ...fields, topics: 'Water!' })).toThrow(
      'topics are slugs',
    );
    // The field, never a schema path such as `languages.0`.
    expect(() => parseInput(subscribeRequestSchema, { ...fields, languages: ['en', 'fr'] })).toThrow(
      "languages: 'fr' is not a language we send: ar or en",
    );
  });

  it('reads checkboxes as ticked only when sent', () => {
    const base = { languages: 'ar', cadence: 'daily' };
    expect(parseInput(preferencesRequestSchema, { ...base, urgentAlerts: 'on' })).toMatchObject({
      urgentAlerts: true,
      paused: false,
    });
    expect(
      parseInput(preferencesRequestSchema, { ...base, paused: true, urgentAlerts: false }),
    ).toMatchObject({
      urgentAlerts: false,
      paused: true,
    });
    expect(() => parseInput(preferencesRequestSchema, { ...base, paused: 'maybe' })).toThrow(ValidationError);
  });

  it('gives a new reader urgent alerts unless the form’s box is unticked (a hidden off before the box)', () => {
    const base = { email: 'a@example.org', languages: 'ar', cadence: 'weekly' };
    expect(parseInput(subscribeRequestSchema, base).urgentAlerts).toBe(true);
    expect(parseInput(subscribeRequestSchema, { ...base, urgentAlerts: 'off' }).urgentAlerts).toBe(false);
    expect(parseInput(subscribeRequestSchema, { ...base, urgentAlerts: ['off', 'on'] }).urgentAlerts).toBe(
      true,
    );
    expect(parseInput(subscribeRequestSchema, { ...base, urgentAlerts: false }).urgentAlerts).toBe(false);
  });
});

describe('values as people write them', () => {
  it('reads cadence, languages and topics in any case, and in Arabic', () => {
    expect(readCadence('Weekly', ['instant', 'daily', 'weekly'])).toBe('weekly');
    expect(readCadence(' أسبوعياً ', ['instant', 'daily', 'weekly'])).toBe('weekly');
    expect(readCadence('يومي', ['daily', 'weekly'])).toBe('daily');
    expect(() => readCadence('Weekley', ['instant', 'daily', 'weekly'])).toThrow(
      "'Weekley' is not one of instant, daily, weekly",
    );
    expect(() => readCadence('instant', ['daily', 'weekly'])).toThrow(
      "'instant' is not one of daily, weekly",
    );
    expect(readLanguages('EN Ar')).toEqual(['en', 'ar']);
    expect(readLanguages('العربية، الإنجليزية')).toEqual(['ar', 'en']);
    expect(readTopics('Water, SECURITY water', ['water', 'security'])).toEqual(['water', 'security']);
    expect(() => readTopics('wter', ['water', 'security', 'basra'])).toThrow(
      "'wter' is not a topic here: the topics are basra, security, water",
    );
  });

  it('reads yes and no in both languages, blank as nothing said', () => {
    for (const yes of ['yes', 'YES', 'true', '1', 'on', 'نعم']) expect(readYesNo(yes)).toBe(true);
    for (const no of ['no', 'False', '0', 'off', 'لا']) expect(readYesNo(no)).toBe(false);
    expect(readYesNo('  ')).toBeUndefined();
    expect(() => readYesNo('maybe')).toThrow("'maybe' is not yes or no");
  });

  it('reads what staff ask to change of a reader, naming every wrong field', () => {
    expect(readReaderChanges({ cadence: 'Daily', urgentAlerts: 'no', topics: '' }, ['water'])).toEqual({
      cadence: 'daily',
      urgentAlerts: false,
      topics: [],
    });
    expect(() => readReaderChanges({ cadence: 'hourly', paused: 'perhaps' }, ['water'])).toThrow(
      "cadence: 'hourly' is not one of instant, daily, weekly; paused: 'perhaps' is not yes or no",
    );
  });
});

describe('CSV', () => {
  it('reads quoted fields, doubled quotes, CRLF, a BOM and blank lines, with the line each record starts on', () => {
    expect(readCsv('\uFEFFa,b\r\n"x, ""y""",z\n\n"multi\nline",2\nlast,').records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, "y"', 'z'] },
      { line: 4, fields: ['multi\nline', '2'] },
      { line: 6, fields: ['last', ''] },
    ]);
    expect(() => readCsv('a\n"open,b\nc')).toThrow('line 2: a quoted field is never closed');
    expect(() => readCsv('a,b\n\nx,y\n"open,b\nc\nd')).toThrow('line 4: a quoted field is never closed');
  });

  it('detects a semicolon or tab between fields from the header, or takes the one given', () => {
    expect(detectSeparator('email;languages;"a,b"\nx,y;z')).toBe(';');
    expect(detectSeparator('\uFEFFemail\tlanguages\n')).toBe('\t');
    expect(detectSeparator('email')).toBe(',');
    expect(readCsv('a;b\r\n1;"2;3"\r\n').records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2;3'] },
    ]);
    expect(readCsv('a,b;c\n1,2;3', { separator: ';' }).records[1]?.fields).toEqual(['1,2', '3']);
  });

  it('writes cells a spreadsheet will not run as formulas, and reads them back', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvLine(['-a@example.org', 'plain'])).toBe(`'-a@example.org,plain\r\n`);
    expect(unformula(readCsv(csvLine(['=1+1'])).records[0]?.fields[0] ?? '')).toBe('=1+1');
  });
});

describe('import file', () => {
  it('maps Arabic and English headers to the columns and names the line and column of each bad value', () => {
    const file = readImportFile(
      [
        '\uFEFFالبريد الإلكتروني;اللغات;الوتيرة;المواضيع;التنبيهات العاجلة;ملاحظات',
        'one@example.org;العربية;أسبوعي;Water;نعم;met in Basra',
        'two@example.org;en;Weekley;;maybe;',
        'three@example.org;ar;;;;',
      ].join('\r\n'),
      { knownTopics: ['water', 'security'] },
    );
    expect(file.separator).toBe(';');
    expect(file.columns).toEqual({
      email: 'البريد الإلكتروني',
      languages: 'اللغات',
      cadence: 'الوتيرة',
      topics: 'المواضيع',
      urgentAlerts: 'التنبيهات العاجلة',
    });
    expect(file.rows).toEqual([
      {
        line: 2,
        email: 'one@example.org',
        languages: ['ar'],
        cadence: 'weekly',
        topics: ['water'],
        urgentAlerts: true,
      },
      { line: 4, email: 'three@example.org', languages: ['ar'], cadence: 'weekly', topics: [] },
    ]);
    expect(file.rejected).toEqual([
      {
        line: 3,
        column: 'الوتيرة',
        reason:
          "الوتيرة (cadence): 'Weekley' is not one of instant, daily, weekly; التنبيهات العاجلة (urgentAlerts): 'maybe' is not yes or no (yes, no, true, false, 1, 0, نعم, لا)",
      },
    ]);
  });

  it('takes English synonyms, and refuses a header without the address or the languages', () => {
    const file = readImportFile('E-mail,Language,Frequency,Urgent\nA@example.org,EN,Daily,no\n', {});
    expect(file.rows).toEqual([
      {
        line: 2,
        email: 'a@example.org',
        languages: ['en'],
        cadence: 'daily',
        topics: [],
        urgentAlerts: false,
      },
    ]);
    expect(() => readImportFile('name,language\nx,en\n', {})).toThrow(
      'line 1: the header has no email column (it names "name", "language"; the columns are email, languages, cadence, topics, urgentAlerts, status)',
    );
    expect(() => readImportFile('email,e-mail,languages\n', {})).toThrow(
      'line 1: "email" and "e-mail" are both the email column',
    );
  });
});

class MemoryCounters implements CounterRepo {
  readonly items = new Map<string, Counter>();
  async hit(key: string, expiresAt: number) {
    const counter = this.items.get(key) ?? { key, count: 0, expiresAt };
    counter.count += 1;
    this.items.set(key, counter);
    return counter.count;
  }
  async getMany(keys: string[], now: Date) {
    return keys.flatMap((key) => {
      const counter = this.items.get(key);
      return counter && counter.expiresAt * 1000 > now.getTime() ? [counter] : [];
    });
  }
  async remove(keys: string[]) {
    for (const key of keys) this.items.delete(key);
  }
}

describe('RateLimiter', () => {
  const t0 = new Date('2026-11-02T09:00:00.000Z');

  it('allows `count` per fixed window in every window, then again in the next window', async () => {
    const counters = new MemoryCounters();
    const limiter = new RateLimiter('k'.repeat(32), counters, {
      client: parseLimits('2/600,3/86400'),
      address: parseLimits('1/600'),
    });
    const tries = async (at: Date) => limiter.allow('client', '203.0.113.9', at);
    expect([await tries(t0), await tries(t0), await tries(t0)]).toEqual([true, true, false]);
    const later = new Date(t0.getTime() + 600_000);
    expect(await tries(later)).toBe(false); // the daily window is spent (3 tries)
    expect(await limiter.allow('address', 'a@example.org', t0)).toBe(true);
    expect(await limiter.allow('address', 'a@example.org', t0)).toBe(false);
    expect(await limiter.allow('address', 'a@example.org', later)).toBe(true);
  });

  it('keys counters by a keyed hash: no address or IP in clear, and another key gives other keys', async () => {
    const counters = new MemoryCounters();
    const limiter = new RateLimiter('k'.repeat(32), counters, {
      client: parseLimits('5/60'),
      address: parseLimits('5/60'),
    });
    await limiter.allow('address', 'someone@example.org', t0);
    await limiter.allow('client', '203.0.113.9', t0);
    const keys = [...counters.items.keys()].join(' ');
    expect(keys).not.toMatch(/someone|example|203\.0/);
    const other = new RateLimiter('j'.repeat(32), counters, {
      client: parseLimits('5/60'),
      address: parseLimits('5/60'),
    });
    expect(other.keysOf('address', 'someone@example.org', t0)).not.toEqual(
      limiter.keysOf('address', 'someone@example.org', t0),
    );
    expect(counters.items.get(limiter.keysOf('address', 'someone@example.org', t0)[0] ?? '')?.expiresAt).toBe(
      Math.floor(t0.getTime() / 60_000 + 1) * 60,
    );
  });

  it('refuses limits that are not COUNT/SECONDS', () => {
    expect(() => parseLimits('ten per minute')).toThrow('"ten per minute" is not COUNT/SECONDS');
    expect(() => parseLimits('0/60')).toThrow();
    expect(() => parseLimits('')).toThrow('give at least one COUNT/SECONDS');
  });

  it('counts IPv4 addresses alone and IPv6 addresses by their /64', () => {
    expect(clientIdentity('203.0.113.9')).toBe('203.0.113.9');
    expect(clientIdentity('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientIdentity('2001:db8:0:12::1')).toBe('2001:db8:0:12::/64');
    expect(clientIdentity('2001:0db8:0000:0012:abcd::9')).toBe('2001:db8:0:12::/64');
    expect(clientIdentity('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientIdentity(undefined)).toBe('unknown');
  });
});
