import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { CompiledMail, Placeholder } from '../../functions/core/mail/compiled-mail';
import type { VariantHeaders } from '../../functions/core/mail/compose-mime';
import { readerMime } from '../../functions/core/mail/mail-one-reader';
import { MimeTemplate } from '../../functions/core/mail/mime-template';
import { type PersonalLinks, personalise } from '../../functions/core/mail/personalise';

const headers: VariantHeaders = {
  from: 'ICSSI نشرة <bulletin@nashra.example>',
  subject: 'نشرة الأسبوع | Weekly bulletin',
  contentLanguage: 'ar, en',
  listId: 'bulletin.nashra.example',
  unsubscribeMailto: 'unsubscribe@nashra.example',
  feedbackId: 'weekly-1:digest:nashra',
};
const now = new Date('2026-11-29T12:00:00Z');
const links = {
  unsubscribeUrl: 'https://n.example/unsubscribe/tok.sig',
  preferencesUrl: 'https://n.example/preferences/tok.sig?a=1&b=2',
};

function compiledMail(html: string, text: string, subject = headers.subject): CompiledMail {
  return { subject, preheader: '', html, text, lang: 'ar', contentLanguage: 'ar, en' };
}

async function parse(raw: Buffer) {
  const parsed = await simpleParser(raw);
  const header = new Map(
    parsed.headerLines.map((h) => [
      h.key,
      h.line
        .slice(h.line.indexOf(':') + 1)
        .replace(/\r?\n\s+/g, ' ')
        .trim(),
    ]),
  );
  return { parsed, header };
}

/**
 * Lines over RFC 5322's 78 characters, and base64 lines over RFC 2045's 76. A header line that is one
 * unbreakable token (a long link in List-Unsubscribe, which RFC 2369 forbids to break) cannot be folded
 * and is left out, as long as it stays under the hard limit of 998.
 */
function overlongLines(raw: Buffer): string[] {
  const lines = raw.toString('latin1').split('\r\n');
  const headerEnd = lines.indexOf('');
  return lines.filter((line, index) => {
    if (line.length > 998) return true;
    if (index < headerEnd && /^\s+\S+$/.test(line)) return false;
    if (/^[A-Za-z0-9+/]+=*$/.test(line) && index > headerEnd) return line.length > 76;
    return line.length > 78;
  });
}

/**
 * The base64 bodies that a strict decoder would not take: characters outside the alphabet, padding
 * anywhere but at the very end, or a length that is not whole groups of four. (Lenient decoders, as
 * mailparser's, read through a `=` in the middle; a strict one stops there.)
 */
function invalidBase64Bodies(raw: Buffer): string[] {
  const message = raw.toString('latin1');
  const parts = message.split(/\r\n--[^\r\n]+\r\n/).slice(1);
  return parts.flatMap((part) => {
    const [partHeaders = '', content = ''] = part.split('\r\n\r\n');
    if (!/Content-Transfer-Encoding: base64/i.test(partHeaders)) return [];
    const encoded = content.replace(/\r\n--[^\r\n]*--\r\n$/, '').replaceAll('\r\n', '');
    const canonical = /^[A-Za-z0-9+/]*={0,2}$/.test(encoded) && encoded.length % 4 === 0;
    return canonical ? [] : [encoded];
  });
}

describe('MimeTemplate', () => {
  it("fills one reader's address, links, message id and date into the variant's MIME", async () => {
    const html = `<html lang="ar" dir="rtl"><body><p>${'شركة ايجيس Aegis '.repeat(3000)}</p><a href="{{unsubscribeUrl}}">x</a> <a href="{{preferencesUrl}}">p</a></body></html>`;
    const text = 'مرحبا\nhello {{preferencesUrl}}\n{{unsubscribeUrl}}';
    const compiled = compiledMail(html, text);
    const template = await MimeTemplate.build(compiled, headers);
    const raw = template.forReader('reader$1@example.org', links, now);
    const { parsed, header } = await parse(raw);
    const filled = personalise(compiled, links);
    expect(parsed.to).toMatchObject({ text: 'reader$1@example.org' });
    expect(parsed.subject).toBe(headers.subject);
    expect(parsed.html).toBe(filled.html);
    expect(parsed.html).toContain('href="https://n.example/preferences/tok.sig?a=1&amp;b=2"');
    expect(parsed.text).toBe(filled.text);
    expect(header.get('list-unsubscribe')).toBe(
      '<https://n.example/unsubscribe/tok.sig>, <mailto:unsubscribe@nashra.example?subject=unsubscribe>',
    );
    expect(header.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(header.get('content-language')).toBe('ar, en');
    expect(header.get('feedback-id')).toBe('weekly-1:digest:nashra');
    expect(header.get('message-id')).toMatch(/^<[0-9a-f-]{36}@nashra\.example>$/);
    expect(parsed.date?.toISOString()).toBe(now.toISOString());
    expect(overlongLines(raw)).toEqual([]);
    expect(invalidBase64Bodies(raw)).toEqual([]);
  });

  it('gives every message its own message id', async () => {
    const template = await MimeTemplate.build(compiledMail('<p>{{unsubscribeUrl}}</p>', 't'), headers);
    const ids = await Promise.all(
      [1, 2, 3].map(
        async () =>
          (await parse(template.forReader('a@example.org', links, now))).header.get('message-id') as string,
      ),
    );
    expect(new Set(ids).size).toBe(3);
  });

  it('refuses line breaks in any reader value and in the variant headers', async () => {
    const compiled = compiledMail('<p>{{unsubscribeUrl}}</p>', 't');
    const template = await MimeTemplate.build(compiled, headers);
    expect(() => template.forReader('a@example.org\r\nBcc: x@y.z', links, now)).toThrow(/address/);
    expect(() => template.forReader('a@example.org', { unsubscribeUrl: 'https://n/u\r\nX: y' }, now)).toThrow(
      /unsubscribeUrl/,
    );
    for (const field of ['subject', 'from', 'listId', 'feedbackId', 'contentLanguage', 'unsubscribeMailto'])
      await expect(
        MimeTemplate.build(compiled, { ...headers, [field]: 'a\r\nBcc: x@y.z' }),
      ).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('refuses a missing or malformed link, as personalise does', async () => {
    const template = await MimeTemplate.build(
      compiledMail('<a href="{{preferencesUrl}}">p</a>', 'p'),
      headers,
    );
    expect(() => template.forReader('a@example.org', { unsubscribeUrl: links.unsubscribeUrl }, now)).toThrow(
      /preferencesUrl/,
    );
    expect(() =>
      template.forReader('a@example.org', { ...links, preferencesUrl: 'javascript:alert(1)' }, now),
    ).toThrow(/preferencesUrl/);
    expect(() => template.forReader('a@example.org', { preferencesUrl: links.preferencesUrl }, now)).toThrow(
      /unsubscribe/,
    );
  });

  it('carries only plain ASCII addresses; any other goes to the full compose, which encodes it', async () => {
    for (const address of ['reader@example.org', 'a.b+tag@sub.example.org', "o'brien@example.ie"])
      expect(MimeTemplate.fits(address)).toBe(true);
    for (const address of [
      'قارئ@example.org',
      'reader@مثال.عراق',
      'reader@EXAMPLE.org',
      '"a b"@example.org',
      'a,b@example.org',
      'a(comment)@example.org',
      'a..b@example.org',
      'a@example.org>, <b@example.org',
    ])
      expect(MimeTemplate.fits(address)).toBe(false);

    const compiled = compiledMail('<p><a href="{{unsubscribeUrl}}">x</a></p>', 'x {{unsubscribeUrl}}');
    const template = await MimeTemplate.build(compiled, headers);
    const mail = { kind: 'list' as const, compiled, headers, template };
    const { parsed, header } = await parse(await readerMime(mail, { to: 'قارئ@example.org', links }, now));
    expect(parsed.to).toMatchObject({ value: [{ address: 'قارئ@example.org' }] });
    expect(parsed.html).toBe(personalise(compiled, links).html);
    expect(header.get('list-unsubscribe')).toContain(`<${links.unsubscribeUrl}>`);
  });

  it('decodes to the personalised bodies for text of every byte length around every link (exhaustive)', async () => {
    // Bytes before and after a link, and the link's own length, each through every value mod 3, with
    // one-, two-, three- and four-byte characters: every carry and alignment Base64Body can meet.
    const units = ['a', 'س', '‏', '🙂'];
    const textOfBytes = (bytes: number, seed: number) => {
      let text = '';
      while (Buffer.byteLength(text) < bytes) {
        const unit = units[(seed + text.length) % units.length] as string;
        text += Buffer.byteLength(text + unit) <= bytes ? unit : 'a';
      }
      return text;
    };
    for (let before = 0; before < 6; before++)
      for (let after = 0; after < 6; after++)
        for (let linkLength = 0; linkLength < 3; linkLength++) {
          const link = `https://n.example/u/${'x'.repeat(linkLength)}`;
          const html = `${textOfBytes(before, 1)}{{unsubscribeUrl}}${textOfBytes(after, 2)}{{unsubscribeUrl}}${textOfBytes(before + after, 3)}`;
          const text = `${textOfBytes(after, 0)}{{unsubscribeUrl}}${textOfBytes(before, 3)}`;
          const compiled = compiledMail(html || 'h', text);
          const template = await MimeTemplate.build(compiled, headers);
          const raw = template.forReader('a@example.org', { unsubscribeUrl: link }, now);
          const { parsed } = await parse(raw);
          const filled = personalise(compiled, { unsubscribeUrl: link });
          expect(parsed.html).toBe(filled.html);
          expect(parsed.text).toBe(filled.text);
          expect(overlongLines(raw)).toEqual([]);
          expect(invalidBase64Bodies(raw)).toEqual([]);
        }
  });
});

const bodyUnit = fc.constantFrom(
  'a',
  'Z',
  ' ',
  '\n',
  '<p dir="rtl">',
  '&amp;',
  'نشرة',
  'ة',
  'ي',
  '،',
  '‏',
  '€',
  '🙂',
  '👩🏽‍⚕️',
  'Aegis',
);
const literal = fc.array(bodyUnit, { maxLength: 90 }).map((parts) => parts.join(''));
const placeholder = fc.constantFrom<Placeholder>('unsubscribeUrl', 'preferencesUrl', 'resubscribeUrl');
/** A body: literals of any length (empty too: placeholders side by side) around any placeholders. */
const body = fc
  .tuple(literal, fc.array(fc.tuple(placeholder, literal), { maxLength: 6 }))
  .map(([first, rest]) => first + rest.map(([name, text]) => `{{${name}}}${text}`).join(''))
  .filter((text) => text.length > 0);
const link = fc
  .string({ unit: fc.constantFrom(...'abcXYZ019-._~%/?=&+'.split('')), maxLength: 300 })
  .map((path) => `https://nashra.example/${path}`);
const readerLinks: fc.Arbitrary<PersonalLinks> = fc.record({
  unsubscribeUrl: link,
  preferencesUrl: link,
  resubscribeUrl: link,
});

describe('MimeTemplate (properties)', () => {
  it('gives back exactly the personalised HTML and text, in lines MIME allows, for any text and links', async () => {
    await fc.assert(
      fc.asyncProperty(body, body, readerLinks, async (html, text, reader) => {
        const compiled = compiledMail(html, text);
        const template = await MimeTemplate.build(compiled, headers);
        const raw = template.forReader('reader@example.org', reader, now);
        const { parsed, header } = await parse(raw);
        const filled = personalise(compiled, reader);
        expect(parsed.html).toBe(filled.html);
        expect(parsed.text).toBe(filled.text);
        expect(header.get('list-unsubscribe')).toBe(
          `<${reader.unsubscribeUrl}>, <mailto:unsubscribe@nashra.example?subject=unsubscribe>`,
        );
        expect(overlongLines(raw)).toEqual([]);
        expect(invalidBase64Bodies(raw)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});

/** Subjects as a hostile feed could make them: any text, and the strings the MIME machinery itself uses. */
const hostileSubject = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
    fc.string({ minLength: 1, maxLength: 120 }),
    fc.constantFrom(
      'nashra-recipient@marker.invalid',
      'https://unsubscribe.marker.invalid/',
      '<nashra-message-id@marker.invalid>',
      'Thu, 01 Jan 1970 00:00:00 +0000',
      'Date: Thu, 01 Jan 1970 00:00:00 +0000',
      'TkFTSFJBVEVYVFBBUlRNQVJLRVIwMDAw',
      'TkFTSFJBSFRNTFBBUlRNQVJLRVIwMDAw',
      'Bcc: victim@example.net',
      'x: y',
      "$& $1 $` $'",
      '‮gnp.exe',
    ),
  )
  .map((subject) => subject.replace(/[\r\n]/g, ' ').trim())
  .filter((subject) => subject.length > 0 && !subject.includes('=?'));

describe('MimeTemplate (hostile subjects)', () => {
  it('keeps any subject as it is and never lets it take a reader’s address, link or body', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileSubject,
        fc.string({ minLength: 1, maxLength: 80 }).filter((text) => !text.includes('{{')),
        async (subject, text) => {
          const compiled = compiledMail(`<p>${text}</p><a href="{{unsubscribeUrl}}">u</a>`, text, subject);
          const template = await MimeTemplate.build(compiled, { ...headers, subject });
          const raw = template.forReader(
            'reader@example.org',
            { unsubscribeUrl: 'https://n.example/u/t.s' },
            now,
          );
          const { parsed, header } = await parse(raw);
          expect(parsed.subject).toBe(subject);
          expect(parsed.to).toMatchObject({ text: 'reader@example.org' });
          expect(parsed.text).toBe(text);
          expect(parsed.date?.toISOString()).toBe(now.toISOString());
          expect(header.get('list-unsubscribe')).toContain('<https://n.example/u/t.s>');
          expect(parsed.headerLines.map((h) => h.key).filter((key) => key === 'bcc' || key === 'x')).toEqual(
            [],
          );
        },
      ),
      { numRuns: 120 },
    );
  });
});
