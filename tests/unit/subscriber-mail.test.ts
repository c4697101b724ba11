import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/core/errors';
import { composeOptInMime } from '../../functions/core/mail/compose-mime';

const mail = {
  from: 'ICSSI نشرة <bulletin@nashra.example>',
  to: 'new@example.org',
  subject: 'Confirm your subscription to the ICSSI bulletin',
  html: '<p>Confirm</p>',
  text: 'Confirm',
  contentLanguage: 'en',
  listId: 'bulletin.nashra.example',
  feedbackId: 'confirm:system:nashra',
};

describe('composeOptInMime', () => {
  it('builds the confirmation without List-Unsubscribe: nothing in it unsubscribes someone who never subscribed', async () => {
    const parsed = await simpleParser(await composeOptInMime(mail));
    const names = parsed.headerLines.map((header) => header.key);
    expect(names).not.toContain('list-unsubscribe');
    expect(names).not.toContain('list-unsubscribe-post');
    expect(parsed.headerLines.find((header) => header.key === 'list-id')?.line.toLowerCase()).toBe(
      'list-id: <bulletin.nashra.example>',
    );
    expect(parsed.text?.trim()).toBe('Confirm');
  });

  it('refuses a line break in any header value', async () => {
    for (const field of ['to', 'subject', 'from', 'listId', 'feedbackId', 'contentLanguage'] as const)
      await expect(composeOptInMime({ ...mail, [field]: 'x\r\nBcc: y@example.org' })).rejects.toThrow(
        ValidationError,
      );
  });
});
