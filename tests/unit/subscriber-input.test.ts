import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/core/errors';
import type { Counter, CounterRepo } from '../../functions/core/ports';
import { csvCell, csvLine, parseCsv, unformula } from '../../functions/core/subscribers/csv';
import {
  parseInput,
  preferencesRequestSchema,
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
    expect(() => parseInput(subscribeRequestSchema, fields, ['water'])).toThrow('unknown topic mars');
    expect(() => parseInput(subscribeRequestSchema, { ...fields, topics: 'Water!' })).toThrow(
      'topics are slugs',
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
});

describe('CSV', () => {
  it('reads quoted fields, doubled quotes, CRLF, a BOM and blank lines, with the line each record starts on', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, ""y""",z\n\n"multi\nline",2\nlast,')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, "y"', 'z'] },
      { line: 4, fields: ['multi\nline', '2'] },
      { line: 6, fields: ['last', ''] },
    ]);
    expect(() => parseCsv('a\n"open,b\nc')).toThrow('line 2: a quoted field is never closed');
  });

  it('writes cells a spreadsheet will not run as formulas, and reads them back', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvLine(['-a@example.org', 'plain'])).toBe(`'-a@example.org,plain\r\n`);
    expect(unformula(parseCsv(csvLine(['=1+1']))[0]?.fields[0] ?? '')).toBe('=1+1');
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
