import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MjmlRenderer } from '../../functions/adapters/mjml-renderer';
import { createSesClient, SesMailer } from '../../functions/adapters/ses-mailer';
import { LinkSigner, linksFor } from '../../functions/core/link-token';
import type { CompiledMail } from '../../functions/core/mail/compiled-mail';
import { composeMime } from '../../functions/core/mail/compose-mime';
import {
  mailOneReader,
  type ReaderMail,
  readerMime,
  variantHeaders,
} from '../../functions/core/mail/mail-one-reader';
import { MimeTemplate } from '../../functions/core/mail/mime-template';
import { personalise, placeholdersOf } from '../../functions/core/mail/personalise';
import { type MailVariant, mailVariants } from '../../functions/core/mail/variant';
import type { RunningService } from '../../functions/local/emulators';
import { startServiceTap } from '../../functions/local/service-tap';
import { outboxFileName, sesOutboxTap } from '../../functions/local/ses-outbox-tap';
import { createMailRenderer } from '../../functions/render/render-mail';
import { basraAr, basraEn, manyPairs, week } from '../fixtures/render-articles';
import { sesStore, suiteConfig } from '../support/local-aws';

const baseUrl = 'https://bulletin.nashra.example';
const settings = {
  from: 'ICSSI نشرة <bulletin@nashra.example>',
  listId: 'bulletin.nashra.example',
  unsubscribeMailto: 'unsubscribe@nashra.example',
};
const signer = new LinkSigner('test-signing-key-0123456789abcdef0123456789');
const now = new Date('2026-11-29T12:00:00Z');
const reader = { id: '01JH8ZK4Q9X7R2M5N3B6V8C1D0', linkVersion: 3 };
const to = 'reader.one+digest@example.org';
const listKinds = ['digest', 'alert', 'welcome', 'unsubscribed'] as const;

const renderer = createMailRenderer({ compiler: new MjmlRenderer(), baseUrl, timeZone: 'Asia/Baghdad' });
function render(kind: (typeof listKinds)[number] | 'confirm', variant: MailVariant): Promise<CompiledMail> {
  if (kind === 'digest')
    return renderer.renderDigest({ issueId: 'weekly-1', variant, articles: manyPairs(5), window: week });
  if (kind === 'alert')
    return renderer.renderAlert({ issueId: 'alert-1', variant, articles: [basraAr, basraEn] });
  return renderer.renderSystemMail(kind, variant, { cadence: 'weekly' });
}
const linksOf = (compiled: CompiledMail) =>
  linksFor(signer, baseUrl, reader, now, [...placeholdersOf(compiled), 'unsubscribeUrl']);

/**
 * Every header line of the message and of its parts, unfolded, with the values that differ by design
 * between two builds masked: Message-ID and Date (each message's own), and the part boundary.
 */
function headerBlocks(raw: Buffer): string[] {
  const message = raw.toString('latin1');
  const boundary = /boundary="([^"]+)"/.exec(message)?.[1] as string;
  return message
    .replaceAll(boundary, 'BOUNDARY')
    .split(/\r\n--BOUNDARY(?:--)?\r\n/)
    .map((part) => (part.split('\r\n\r\n')[0] as string).replace(/\r\n(?=[ \t])/g, ''))
    .map((block) =>
      block.replace(/^Message-ID: .*$/m, 'Message-ID: (own)').replace(/^Date: .*$/m, 'Date: (own)'),
    )
    .filter((block) => block.includes(':'));
}

describe('the template path against the full compose (the optimisation changes no byte that matters)', () => {
  for (const kind of listKinds)
    for (const variant of mailVariants)
      it(`gives the same headers and bodies for the ${kind} in ${variant}`, async () => {
        const compiled = await render(kind, variant);
        const headers = variantHeaders(compiled, settings, `${kind}-1:${kind}:nashra`);
        const links = linksOf(compiled);
        const template = await MimeTemplate.build(compiled, headers);
        const fast = await readerMime({ kind: 'list', compiled, headers, template }, { to, links }, now);
        const filled = personalise(compiled, links);
        const full = await composeMime({
          ...headers,
          to,
          unsubscribeUrl: links.unsubscribeUrl as string,
          html: filled.html,
          text: filled.text,
        });

        // The message's header and both parts' headers, field for field.
        expect(headerBlocks(fast)).toHaveLength(3);
        expect(headerBlocks(fast)).toEqual(headerBlocks(full));
        const [fastMail, fullMail] = await Promise.all([simpleParser(fast), simpleParser(full)]);
        expect(fastMail.html).toBe(filled.html);
        expect(fastMail.text).toBe(filled.text);
        expect(fullMail.html).toBe(filled.html);
        expect(fullMail.text).toBe(filled.text);
        expect(fastMail.to).toEqual(fullMail.to);
        expect(fastMail.date?.toISOString()).toBe(now.toISOString());
        expect(fastMail.messageId).toMatch(/^<[0-9a-f-]{36}@nashra\.example>$/);
      });
});

describe('mailOneReader through the outbox tap to the SES emulator', () => {
  let tap: RunningService;
  let mailer: SesMailer;
  const config = suiteConfig();
  const outbox = join(config.home, 'outbox');
  beforeAll(async () => {
    tap = await startServiceTap({ port: 0, upstream: inject('sesUrl'), tap: sesOutboxTap(outbox) });
    mailer = new SesMailer(
      createSesClient({ ...config, endpoints: { ...config.endpoints, ses: tap.url } }),
      config.mail.configurationSet,
    );
  });
  afterAll(() => tap.close());

  const sent = async (messageId: string) => {
    const stored = (await sesStore()).find((mail) => mail.messageId === messageId);
    return { stored, parsed: await simpleParser(readFileSync(join(outbox, outboxFileName(messageId)))) };
  };

  it('sends the same mail to the same reader with the template and without it', async () => {
    const compiled = await render('digest', 'ar+en');
    const headers = variantHeaders(compiled, settings, 'weekly-1:digest:nashra');
    const links = linksOf(compiled);
    const mail: ReaderMail = { kind: 'list', compiled, headers, tags: { kind: 'digest' } };
    const viaTemplate = await mailOneReader(
      { ...mail, template: await MimeTemplate.build(compiled, headers) },
      { to, links },
      { mailer, now },
    );
    const composed = await mailOneReader(mail, { to, links }, { mailer, now });

    const [one, two] = await Promise.all([sent(viaTemplate.messageId), sent(composed.messageId)]);
    expect(one.stored?.destination.to).toEqual([to]);
    expect(two.stored?.destination.to).toEqual([to]);
    expect(one.parsed.html).toBe(two.parsed.html);
    expect(one.parsed.text).toBe(two.parsed.text);
    expect(one.parsed.html).toContain(`href="${links.unsubscribeUrl}"`);
    expect(one.parsed.headers.get('list-unsubscribe')).toEqual(two.parsed.headers.get('list-unsubscribe'));
  });

  it('sends the opt-in confirmation without list headers, its confirm link filled in', async () => {
    const compiled = await render('confirm', 'ar');
    const links = linksFor(signer, baseUrl, reader, now, placeholdersOf(compiled));
    const { messageId } = await mailOneReader(
      {
        kind: 'opt-in',
        compiled,
        headers: variantHeaders(compiled, settings, 'confirm:system:nashra'),
        tags: { kind: 'confirm' },
      },
      { to, links },
      { mailer, now },
    );
    const { stored, parsed } = await sent(messageId);
    expect(stored?.destination.to).toEqual([to]);
    const names = parsed.headerLines.map((header) => header.key);
    expect(names).not.toContain('list-unsubscribe');
    expect(names).not.toContain('list-unsubscribe-post');
    expect(names).toContain('list-id');
    expect(parsed.html).toBe(personalise(compiled, links).html);
    expect(parsed.html).toContain(`${baseUrl}/confirm/`);
  });
});
