import { mkdtempSync, readFileSync } from 'node:fs';
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

  it('needs at least one feed', () => {
    expect(() => settingsWith({ feeds: [] })).toThrow(/context "feeds": at least one feed to poll/);
  });

  it('refuses a stage named prod without an alarm address, or polling example feeds', () => {
    expect(() => settingsWith({ stage: 'prod', alarmEmail: undefined })).toThrow(
      /context "alarmEmail": a stage named prod needs an address its alarms are mailed to/,
    );
    expect(() =>
      settingsWith({
        stage: 'prod',
        feeds: ['https://ar.nashra.example.org/feed/', 'https://real.iq/feed/'],
      }),
    ).toThrow(/context "feeds.0.url": https:\/\/ar.nashra.example.org\/feed\/ is an example address/);
    expect(settingsWith({ stage: 'prod', feeds: ['https://ar.iraqicivilsociety.org/feed/'] }).stage).toBe(
      'prod',
    );
    // Another stage may test with example feeds and without an alarm address.
    expect(settingsWith({ stage: 'staging', alarmEmail: undefined }).alarmEmail).toBeUndefined();
  });

  it('keeps the example context of cdk.json synthesisable, and not as prod', () => {
    const context = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;
    const example = readSettings(new App({ context }).node);
    expect(example.stage).not.toBe('prod');
    expect(() => readSettings(new App({ context: { ...context, stage: 'prod' } }).node)).toThrow(
      /"alarmEmail".*"feeds.0.url"/,
    );
  });

  it('gives the stack settings their defaults: 4 failed polls, 2 hours of queue, 180 days of deliveries', () => {
    expect(settingsWith({})).toMatchObject({
      feedFailurePolls: 4,
      sendQueueAgeAlarmMinutes: 120,
      deliveryRetentionDays: 180,
    });
    expect(settingsWith({ deliveryRetentionDays: '30' }).deliveryRetentionDays).toBe(30);
  });

  it('takes a custom API domain only with links on it, and a certificate only with a domain', () => {
    expect(settingsWith({ apiDomain: 'news.example.org' }).apiDomain).toBe('news.example.org');
    expect(() => settingsWith({ apiDomain: 'api.example.org' })).toThrow(
      /context "baseUrl": must be on apiDomain \(https:\/\/api.example.org\)/,
    );
    expect(() =>
      settingsWith({
        apiCertificateArn:
          'arn:aws:acm:eu-west-1:111111111111:certificate/0f0e0d0c-0b0a-0908-0706-050403020100',
      }),
    ).toThrow(/context "apiCertificateArn": is the certificate of apiDomain/);
    expect(() => settingsWith({ apiDomain: 'news.example.org', apiCertificateArn: 'arn:nope' })).toThrow(
      /context "apiCertificateArn": an ACM certificate ARN/,
    );
  });

  it('takes sandbox recipients and a DMARC report address as addresses', () => {
    expect(settingsWith({ sandboxRecipients: 'a@example.org,b@example.org' }).sandboxRecipients).toEqual([
      'a@example.org',
      'b@example.org',
    ]);
    expect(() => settingsWith({ sandboxRecipients: ['nope'] })).toThrow(/context "sandboxRecipients/);
    expect(() => settingsWith({ dmarcReportAddress: 'nope' })).toThrow(/context "dmarcReportAddress"/);
  });
});
