import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMime, type OutgoingMail } from '../../functions/core/mail/compose-mime';

const mail: OutgoingMail = {
  from: 'ICSSI نشرة <bulletin@nashra.example>',
  to: 'reader@example.org',
  subject: 'نشرة الأسبوع · Weekly bulletin',
  html: '<html lang="ar" dir="rtl"><body><p>مرحبا</p></body></html>',
  text: 'مرحبا',
  contentLanguage: 'ar, en',
  listId: 'bulletin.nashra.example',
  unsubscribeUrl: 'https://n.example/unsubscribe/abc.def',
  unsubscribeMailto: 'unsubscribe@nashra.example',
  feedbackId: 'issue-1:digest:nashra:ses',
};

describe('composeMime', () => {
  it('writes one List-Unsubscribe with both URIs, the one-click header, List-Id and both parts', async () => {
    const parsed = await simpleParser(await composeMime(mail));
    const lines = parsed.headerLines.map((h) => h.line.replace(/\r?\n\s+/g, ' '));
    expect(lines.filter((l) => /^List-Unsubscribe:/i.test(l))).toEqual([
      'List-Unsubscribe: <https://n.example/unsubscribe/abc.def>, <mailto:unsubscribe@nashra.example?subject=unsubscribe>',
    ]);
    expect(lines).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(lines).toContain('List-ID: <bulletin.nashra.example>');
    expect(lines).toContain('Content-Language: ar, en');
    expect(lines).toContain('Feedback-ID: issue-1:digest:nashra:ses');
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.text?.trim()).toBe('مرحبا');
    expect(parsed.html).toContain('<p>مرحبا</p>');
  });

  it('refuses a line break in any header field', async () => {
    for (const field of [
      'from',
      'to',
      'subject',
      'listId',
      'unsubscribeUrl',
      'unsubscribeMailto',
      'feedbackId',
      'contentLanguage',
    ] as const) {
      for (const injected of ['\r\nBcc: victim@example.org', '\nX: y', '\r']) {
        await expect(composeMime({ ...mail, [field]: `${mail[field]}${injected}` })).rejects.toMatchObject({
          name: 'ValidationError',
        });
      }
    }
  });

  it('keeps any subject intact and on one logical header (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ minLength: 1, maxLength: 200 })
          .filter((s) => !/[\r\n]/.test(s) && s.trim() === s && s.length > 0),
        async (subject) => {
          const raw = await composeMime({ ...mail, subject });
          const parsed = await simpleParser(raw);
          expect(parsed.subject).toBe(subject);
          expect(parsed.headerLines.filter((h) => h.key === 'bcc')).toHaveLength(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps any sender name intact, and no name or subject can add a header (property)', async () => {
    const oneLineText = fc
      .oneof(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }),
        fc.constantFrom('Bcc: victim@example.net', '"quoted" <x@y.z>', 'a, b <c@d.e>', '‮ICSSI', 'نشرة; x=y'),
      )
      .map((value) => value.replace(/[\r\n]/g, ' ').trim())
      .filter((value) => value.length > 0 && !value.includes('=?'));
    await fc.assert(
      fc.asyncProperty(oneLineText, oneLineText, async (name, subject) => {
        const raw = await composeMime({
          ...mail,
          from: `"${name.replace(/["\\]/g, '')}" <bulletin@nashra.example>`,
          subject,
        });
        const parsed = await simpleParser(raw);
        expect(parsed.from?.value).toEqual([
          {
            name: name.replace(/["\\]/g, '').trim(),
            address: 'bulletin@nashra.example',
          },
        ]);
        expect(parsed.subject).toBe(subject);
        expect(parsed.to).toMatchObject({ text: mail.to });
        const keys = parsed.headerLines.map((h) => h.key);
        expect(keys.filter((key) => key === 'bcc' || key === 'x')).toEqual([]);
        expect(keys.filter((key) => key === 'from' || key === 'subject' || key === 'to')).toHaveLength(3);
      }),
      { numRuns: 150 },
    );
  });
});
