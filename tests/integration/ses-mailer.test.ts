import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSesClient, SesMailer } from '../../functions/adapters/ses-mailer';
import type { RunningService } from '../../functions/local/emulators';
import { startServiceTap } from '../../functions/local/service-tap';
import { outboxFileName, sesOutboxTap } from '../../functions/local/ses-outbox-tap';
import { sesStore, suiteConfig } from '../support/local-aws';

let tap: RunningService;
let mailer: SesMailer;
const base = suiteConfig();
const outbox = join(base.home, 'outbox');

beforeAll(async () => {
  tap = await startServiceTap({ port: 0, upstream: inject('sesUrl'), tap: sesOutboxTap(outbox) });
  const config = { ...base, endpoints: { ...base.endpoints, ses: tap.url } };
  mailer = new SesMailer(createSesClient(config), config.mail.configurationSet);
});
afterAll(() => tap.close());

describe('SesMailer through the outbox tap to the SES emulator', () => {
  it('delivers a raw message to the emulator and keeps it byte for byte as <message-id>.eml', async () => {
    const raw = await new MailComposer({
      from: 'bulletin@nashra.example',
      to: 'reader@example.org',
      subject: 'نشرة · Bulletin',
      text: 'مرحبا — hello',
      headers: { 'List-Id': '<bulletin.nashra.example>' },
    })
      .compile()
      .build();

    const { messageId } = await mailer.sendRaw({
      from: 'bulletin@nashra.example',
      to: 'reader@example.org',
      raw,
    });

    const stored = (await sesStore()).find((mail) => mail.messageId === messageId);
    expect(stored?.subject).toBe('نشرة · Bulletin');
    expect(stored?.destination.to).toEqual(['reader@example.org']);

    const eml = join(outbox, outboxFileName(messageId));
    expect(existsSync(eml)).toBe(true);
    expect(readFileSync(eml).equals(raw)).toBe(true);
    const parsed = await simpleParser(readFileSync(eml));
    expect(parsed.headerLines.find((h) => h.key === 'list-id')?.line).toBe(
      'List-ID: <bulletin.nashra.example>',
    );
  });

  it('sends from the default From setting, an Arabic display name, as SES takes it: a 7-bit Source and an encoded From header', async () => {
    expect(base.mail.from).toBe('ICSSI نشرة <bulletin@nashra.example>');
    const raw = await new MailComposer({
      from: base.mail.from,
      to: 'reader@example.org',
      subject: 'نشرة · Bulletin',
      text: 'مرحبا — hello',
    })
      .compile()
      .build();

    const { messageId } = await mailer.sendRaw({ from: base.mail.from, to: 'reader@example.org', raw });

    const kept = readFileSync(join(outbox, outboxFileName(messageId)));
    const parsed = await simpleParser(kept);
    const fromLine = parsed.headerLines.find((h) => h.key === 'from')?.line ?? '';
    expect(fromLine).toMatch(/^From: =\?UTF-8\?[BQ]\?[^?]+\?= <bulletin@nashra\.example>$/);
    expect(parsed.from?.value).toEqual([{ name: 'ICSSI نشرة', address: 'bulletin@nashra.example' }]);
  });

  it('maps a refused message to a permanent error and keeps nothing in the outbox', async () => {
    const outboxFiles = readdirSync(outbox).length;
    // Its own address: other test files send through the same emulator at the same time.
    const to = 'refused-reader@example.org';
    const sentTo = async () => (await sesStore()).filter((mail) => mail.destination.to.includes(to));
    // An unencoded Arabic name in the From header: SES refuses the message (SMTPUTF8 is not supported).
    const raw = Buffer.from(`From: نشرة <bulletin@nashra.example>\r\nTo: ${to}\r\nSubject: x\r\n\r\nbody`);
    await expect(mailer.sendRaw({ from: 'bulletin@nashra.example', to, raw })).rejects.toMatchObject({
      name: 'PermanentSendError',
      message: expect.stringMatching(/From header/),
    });
    expect(await sentTo()).toEqual([]);
    expect(readdirSync(outbox).length).toBe(outboxFiles);
  });
});
