import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { MjmlRenderer } from '../../functions/adapters/mjml-renderer';
import type { Article } from '../../functions/core/article';
import { normaliseItem } from '../../functions/core/ingest/normalise';
import { composeMime } from '../../functions/core/mail/compose-mime';
import { headerSafeLine } from '../../functions/core/text';
import { createMailRenderer } from '../../functions/render/render-mail';
import { basraEn } from '../fixtures/render-articles';

const renderer = createMailRenderer({
  compiler: new MjmlRenderer(),
  baseUrl: 'https://nashra.example',
  timeZone: 'Asia/Baghdad',
});

/** The Subject a reader's mail client shows for an alert on an article ingested with this title. */
async function subjectShownFor(feedTitle: string) {
  const result = normaliseItem(
    {
      position: 1,
      guid: 'encoded-title',
      title: feedTitle,
      link: 'https://www.iraqicivilsociety.example/encoded-title/',
      contentHtml: '<p>The statement text.</p>',
      categories: [],
      topics: [],
      alternates: [],
    },
    {
      forceUrgent: false,
      rules: { topicMap: {}, urgentCategories: [], sites: {}, maxItemBytes: 1024 * 1024 },
    },
  );
  if (!result.ok) throw new Error(result.reason);
  const article: Article = {
    ...basraEn,
    id: 'encoded-title',
    title: result.draft.title,
    translationId: undefined,
  };
  const compiled = await renderer.renderAlert({ issueId: 'i', variant: 'en', articles: [article] });
  const raw = await composeMime({
    from: 'ICSSI <bulletin@nashra.example>',
    to: 'reader@example.org',
    subject: compiled.subject,
    html: compiled.html,
    text: compiled.text,
    contentLanguage: compiled.contentLanguage,
    listId: 'bulletin.nashra.example',
    unsubscribeUrl: 'https://nashra.example/unsubscribe/x',
    unsubscribeMailto: 'unsubscribe@nashra.example',
    feedbackId: 'i:alert:nashra:ses',
  });
  // mailparser decodes encoded-words in the Subject as mail clients do.
  return (await simpleParser(raw)).subject;
}

describe('an article title holding RFC 2047 encoded-words', () => {
  it('reaches the Subject cleaned: no right-to-left override, no line break, no header', async () => {
    expect(await subjectShownFor('Invoice =?UTF-8?B?4oCuZ25wLmV4ZQ==?=')).toBe('Invoice gnp.exe');
    expect(await subjectShownFor('Statement =?utf-8?Q?=0D=0ABcc:_everyone@example.org?=')).toBe(
      'Statement Bcc: everyone@example.org',
    );
  });

  it('cannot smuggle an encoded-word through a second round of decoding', async () => {
    const nested = `=?UTF-8?B?${Buffer.from('=?UTF-8?B?4oCu?=').toString('base64')}?=`;
    const shown = await subjectShownFor(`Statement ${nested}x =?x-nashra?X?4oCu?=`);
    expect(shown).not.toMatch(/\u202E|=\?[\s\S]*\?=/);
  });

  it('the subject guard makes a subject built from a title stored before this fix safe too', () => {
    const storedTitle = 'Invoice =?UTF-8?B?4oCuZ25wLmV4ZQ==?=';
    expect(headerSafeLine(`Urgent: ${storedTitle}`)).toBe('Urgent: Invoice gnp.exe');
  });
});
