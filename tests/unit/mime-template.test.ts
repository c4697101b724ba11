import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { MimeTemplate } from '../../functions/core/mail/mime-template';

const variant = {
  from: 'ICSSI نشرة <bulletin@nashra.example>',
  subject: 'نشرة الأسبوع | Weekly bulletin',
  contentLanguage: 'ar, en',
  listId: 'bulletin.nashra.example',
  unsubscribeMailto: 'unsubscribe@nashra.example',
  feedbackId: 'weekly-1:digest:nashra',
};
const now = new Date('2026-11-29T12:00:00Z');

async function parse(raw: Buffer) {
  const parsed = await simpleParser(raw);
  const headers = new Map(
    parsed.headerLines.map((h) => [
      h.key,
      h.line
        .slice(h.line.indexOf(':') + 1)
        .replace(/\r?\n\s+/g, ' ')
        .trim(),
    ]),
  );
  return { parsed, headers };
}

describe('MimeTemplate', () => {
  it("fills one reader's address, link, bodies, message id and date into the variant's MIME", async () => {
    const template = await MimeTemplate.build(variant);
    const html = `<html lang="ar" dir="rtl"><body><p>${'شركة ايجيس Aegis '.repeat(3000)}</p><a href="https://n.example/unsubscribe/tok.sig">x</a></body></html>`;
    const raw = template.forRecipient(
      {
        to: 'reader$1@example.org',
        unsubscribeUrl: 'https://n.example/unsubscribe/tok.sig',
        html,
        text: 'مرحبا\nhello',
      },
      now,
    );
    const { parsed, headers } = await parse(raw);
    expect(parsed.to).toMatchObject({ text: 'reader$1@example.org' });
    expect(parsed.subject).toBe(variant.subject);
    expect(parsed.html).toBe(html);
    expect(parsed.text).toBe('مرحبا\nhello');
    expect(headers.get('list-unsubscribe')).toBe(
      '<https://n.example/unsubscribe/tok.sig>, <mailto:unsubscribe@nashra.example?subject=unsubscribe>',
    );
    expect(headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(headers.get('content-language')).toBe('ar, en');
    expect(headers.get('feedback-id')).toBe('weekly-1:digest:nashra');
    expect(headers.get('message-id')).toMatch(/^<[0-9a-f-]{36}@nashra\.example>$/);
    expect(parsed.date?.toISOString()).toBe(now.toISOString());
    for (const line of raw.toString('utf8').split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  });

  it('gives every message its own message id', async () => {
    const template = await MimeTemplate.build(variant);
    const ids = await Promise.all(
      [1, 2, 3].map(async () =>
        (
          await parse(
            template.forRecipient(
              { to: 'a@example.org', unsubscribeUrl: 'https://n/u', html: 'h', text: 't' },
              now,
            ),
          )
        ).headers.get('message-id'),
      ),
    );
    expect(new Set(ids).size).toBe(3);
  });

  it('refuses line breaks in any recipient value and in the variant headers', async () => {
    const template = await MimeTemplate.build(variant);
    expect(() =>
      template.forRecipient(
        { to: 'a@example.org\r\nBcc: x@y.z', unsubscribeUrl: 'https://n/u', html: 'h', text: 't' },
        now,
      ),
    ).toThrow(/address/);
    expect(() =>
      template.forRecipient(
        { to: 'a@example.org', unsubscribeUrl: 'https://n/u\r\nX: y', html: 'h', text: 't' },
        now,
      ),
    ).toThrow(/unsubscribe/);
    await expect(MimeTemplate.build({ ...variant, subject: 'a\r\nBcc: x@y.z' })).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });

  it('round-trips any body text exactly (property)', async () => {
    const template = await MimeTemplate.build(variant);
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 400 }), async (body) => {
        const { parsed } = await parse(
          template.forRecipient(
            { to: 'a@example.org', unsubscribeUrl: 'https://n/u', html: `<p>${body}</p>`, text: body },
            now,
          ),
        );
        expect(parsed.html).toBe(`<p>${body}</p>`);
      }),
      { numRuns: 100 },
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

describe('MimeTemplate (properties)', () => {
  it('keeps any subject as it is and never lets it take a reader’s address, link or body', async () => {
    await fc.assert(
      fc.asyncProperty(hostileSubject, fc.string({ minLength: 1, maxLength: 80 }), async (subject, body) => {
        const template = await MimeTemplate.build({ ...variant, subject });
        const raw = template.forRecipient(
          {
            to: 'reader@example.org',
            unsubscribeUrl: 'https://n.example/unsubscribe/t.s',
            html: body,
            text: body,
          },
          now,
        );
        const { parsed, headers } = await parse(raw);
        expect(parsed.subject).toBe(subject);
        expect(parsed.to).toMatchObject({ text: 'reader@example.org' });
        expect(parsed.text).toBe(body);
        expect(parsed.date?.toISOString()).toBe(now.toISOString());
        expect(headers.get('list-unsubscribe')).toContain('<https://n.example/unsubscribe/t.s>');
        expect(parsed.headerLines.map((h) => h.key).filter((key) => key === 'bcc' || key === 'x')).toEqual(
          [],
        );
      }),
      { numRuns: 120 },
    );
  });

  it('puts the reader’s values only where they belong, whatever the subject', async () => {
    // The old fixed marker of the text part, as an article title: the body must stay the body.
    const template = await MimeTemplate.build({ ...variant, subject: 'TkFTSFJBVEVYVFBBUlRNQVJLRVIwMDAw' });
    const text = 'line one\n'.repeat(40);
    const { parsed } = await parse(
      template.forRecipient(
        { to: 'a@example.org', unsubscribeUrl: 'https://n/u', html: '<p>h</p>', text },
        now,
      ),
    );
    expect(parsed.subject).toBe('TkFTSFJBVEVYVFBBUlRNQVJLRVIwMDAw');
    expect(parsed.text).toBe(text);
  });
});
