import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { sesSourceOf } from '../../functions/adapters/ses-mailer';
import { loadConfig } from '../../functions/shared/config';
import { fromHeaderOf, readSettings } from '../../infra/config';
import { testSettings } from './synth';

const settingsWith = (overrides: Record<string, unknown>) =>
  readSettings(new App({ context: { ...testSettings, ...overrides } }).node);

describe('deployment settings', () => {
  it('reads every setting from the context', () => {
    expect(settingsWith({})).toMatchObject({
      stage: 'test',
      domain: 'news.example.org',
      senderAddress: 'bulletin@news.example.org',
      sendRate: 14,
      timeZone: 'Asia/Baghdad',
      feeds: [
        { url: 'https://ar.example.org/feed/', lang: 'ar' },
        { url: 'https://en.example.org/feed/', lang: 'en' },
      ],
      feedPollMinutes: 15,
      quietHours: '23:00-07:00',
      alarmEmail: 'ops@example.org',
    });
  });

  it('takes lists and numbers as the command line gives them (-c key=value is always a string)', () => {
    const settings = settingsWith({
      sendRate: '50',
      feeds: 'ar=https://ar.example.org/feed/,https://en.example.org/feed/',
    });
    expect(settings.sendRate).toBe(50);
    expect(settings.feeds).toEqual([
      { url: 'https://ar.example.org/feed/', lang: 'ar' },
      { url: 'https://en.example.org/feed/' },
    ]);
  });

  it.each([
    ['stage', 'Prod!'],
    ['account', 'abc'],
    ['region', 'europe'],
    ['domain', 'not a domain'],
    ['senderAddress', 'bulletin'],
    ['senderName', 'ICSSI\r\nBcc: x@example.org'],
    ['senderName', 'ICSSI \\ bulletin'],
    ['baseUrl', 'http://news.example.org'],
    ['sendRate', 0],
    ['timeZone', 'Mars/Olympus'],
    ['feeds', ['ftp://example.org/feed']],
    ['feedPollMinutes', 7],
    ['quietHours', '23:00'],
    ['quietHours', '25:00-07:00'],
    ['alarmEmail', 'ops'],
  ])('refuses a bad %s (%j) naming the setting', (name, value) => {
    expect(() => settingsWith({ [name]: value })).toThrow(new RegExp(`context "${name}(\\.\\d+)?(\\.url)?"`));
  });

  it('refuses a missing setting naming it', () => {
    expect(() => settingsWith({ baseUrl: undefined })).toThrow(/context "baseUrl"/);
  });

  it('refuses a sender address off the sending domain, where DKIM would not align', () => {
    expect(() => settingsWith({ senderAddress: 'bulletin@elsewhere.example.org' })).toThrow(
      /context "senderAddress": must be an address on the sending domain news.example.org/,
    );
    expect(settingsWith({ senderAddress: 'alerts@mail.news.example.org' }).senderAddress).toBe(
      'alerts@mail.news.example.org',
    );
  });

  it.each(['ICSSI نشرة', 'ICSSI, Iraq', 'news@ICSSI (Iraq)', 'المبادرة: نشرة'])(
    'gives the functions a From setting they take, SES a bare-address Source, readers the name (%s)',
    async (senderName) => {
      const from = fromHeaderOf(settingsWith({ senderName }));
      const config = loadConfig({
        NASHRA_HOME: mkdtempSync(join(tmpdir(), 'nashra-from-')),
        NASHRA_FROM_ADDRESS: from,
      });
      expect(sesSourceOf(config.mail.from)).toBe('bulletin@news.example.org');
      const raw = await new MailComposer({ from, to: 'reader@example.org', subject: 's', text: 't' })
        .compile()
        .build();
      const parsed = await simpleParser(raw);
      expect(parsed.from?.value).toEqual([{ name: senderName, address: 'bulletin@news.example.org' }]);
      const fromLine = parsed.headerLines.find((h) => h.key === 'from')?.line ?? '';
      expect(fromLine.replace(/\r\n[ \t]/g, ' ')).toMatch(/^From: [\x20-\x7E]+$/);
    },
  );

  it('names every bad setting at once', () => {
    expect(() => settingsWith({ sendRate: -1, timeZone: 'Nowhere' })).toThrow(/"sendRate".*"timeZone"/);
  });
});
