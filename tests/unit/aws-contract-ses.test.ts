import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { sesSourceOf } from '../../functions/adapters/ses-mailer';
import {
  checkSesRequest,
  MAX_RAW_MESSAGE_BYTES,
  mailboxProblem,
} from '../../functions/local/aws-contract/ses';

const known = new Set(['nashra']);

async function sendRawForm(
  options: {
    from?: string;
    source?: string;
    destinations?: string[];
    configurationSet?: string;
    raw?: Buffer;
  } = {},
) {
  const raw =
    options.raw ??
    (await new MailComposer({
      from: options.from ?? 'ICSSI نشرة <bulletin@nashra.example>',
      to: 'reader@example.org',
      subject: 'نشرة',
      text: 'مرحبا',
    })
      .compile()
      .build());
  const form = new URLSearchParams({ Action: 'SendRawEmail', 'RawMessage.Data': raw.toString('base64') });
  if (options.source !== undefined) form.set('Source', options.source);
  for (const [i, address] of (options.destinations ?? ['reader@example.org']).entries())
    form.set(`Destinations.member.${i + 1}`, address);
  form.set('ConfigurationSetName', options.configurationSet ?? 'nashra');
  return form;
}

describe('the SES contract (SendRawEmail, SendEmail)', () => {
  it('takes a Source that is a bare address or an ASCII or RFC 2047-encoded friendly name', () => {
    expect(mailboxProblem('Source', 'bulletin@nashra.example')).toBeUndefined();
    expect(mailboxProblem('Source', '"ICSSI" <bulletin@nashra.example>')).toBeUndefined();
    expect(mailboxProblem('Source', '=?UTF-8?B?2YbYtNix2Kk=?= <bulletin@nashra.example>')).toBeUndefined();
  });

  it('refuses an unencoded non-ASCII friendly name or address, and anything that is not one address', () => {
    expect(mailboxProblem('Source', 'ICSSI نشرة <bulletin@nashra.example>')).toMatch(/7-bit ASCII.*RFC 2047/);
    expect(mailboxProblem('Source', 'bulletin@نشرة.example')).toMatch(/7-bit ASCII/);
    expect(mailboxProblem('Source', 'a@x.org, b@x.org')).toMatch(/exactly one address/);
    expect(mailboxProblem('Source', 'bulletin')).toMatch(/@domain/);
  });

  it('refuses the Source as the product used to send it, and takes the Source it sends now', async () => {
    const from = 'ICSSI نشرة <bulletin@nashra.example>';
    expect(checkSesRequest(await sendRawForm({ source: from }), known)).toMatchObject({
      code: 'InvalidParameterValue',
    });
    expect(sesSourceOf(from)).toBe('bulletin@nashra.example');
    expect(checkSesRequest(await sendRawForm({ source: sesSourceOf(from) }), known)).toBeUndefined();
  });

  it('refuses a raw From header written in 8-bit, and a message with neither Source nor From', async () => {
    const raw = Buffer.from('From: نشرة <bulletin@nashra.example>\r\nTo: reader@example.org\r\n\r\nx');
    expect(checkSesRequest(await sendRawForm({ raw }), known)?.message).toMatch(
      /From header must be 7-bit ASCII/,
    );
    const bare = Buffer.from('To: reader@example.org\r\n\r\nx');
    expect(checkSesRequest(await sendRawForm({ raw: bare }), known)?.message).toMatch(/needs a From header/);
  });

  it('refuses more than 50 destinations, none, or one that is not ASCII', async () => {
    const addresses = (n: number) => Array.from({ length: n }, (_, i) => `r${i}@example.org`);
    expect(checkSesRequest(await sendRawForm({ destinations: addresses(50) }), known)).toBeUndefined();
    expect(checkSesRequest(await sendRawForm({ destinations: addresses(51) }), known)?.message).toBe(
      'Recipient count exceeds 50.',
    );
    expect(checkSesRequest(await sendRawForm({ destinations: ['قارئ@example.org'] }), known)?.code).toBe(
      'InvalidParameterValue',
    );
    const noRecipient = Buffer.from('From: bulletin@nashra.example\r\n\r\nx');
    expect(
      checkSesRequest(await sendRawForm({ raw: noRecipient, destinations: [] }), known)?.message,
    ).toMatch(/no recipient/);
  });

  it('refuses a raw message over 10 MB', async () => {
    const raw = Buffer.concat([
      Buffer.from('From: bulletin@nashra.example\r\nTo: reader@example.org\r\n\r\n'),
      Buffer.alloc(MAX_RAW_MESSAGE_BYTES, 'a'),
    ]);
    expect(checkSesRequest(await sendRawForm({ raw }), known)?.message).toMatch(
      /Message length is more than 10485760/,
    );
  });

  it('refuses a configuration set that does not exist, named by parameter or by X-SES-CONFIGURATION-SET', async () => {
    expect(checkSesRequest(await sendRawForm({ configurationSet: 'other' }), known)).toEqual({
      code: 'ConfigurationSetDoesNotExist',
      message: 'Configuration set <other> does not exist.',
    });
    const raw = Buffer.from(
      'From: bulletin@nashra.example\r\nTo: reader@example.org\r\nX-SES-CONFIGURATION-SET: gone\r\n\r\nx',
    );
    expect(checkSesRequest(await sendRawForm({ raw }), known)?.code).toBe('ConfigurationSetDoesNotExist');
  });

  it('refuses message tags outside ASCII letters, digits, _ and -', async () => {
    const form = await sendRawForm();
    form.set('Tags.member.1.Name', 'kind');
    form.set('Tags.member.1.Value', 'opt-in');
    expect(checkSesRequest(form, known)).toBeUndefined();
    form.set('Tags.member.1.Value', 'opt in');
    expect(checkSesRequest(form, known)?.message).toMatch(/Invalid tag value/);
  });

  it('checks SendEmail the same way', () => {
    const form = new URLSearchParams({
      Action: 'SendEmail',
      Source: 'نشرة <bulletin@nashra.example>',
      'Destination.ToAddresses.member.1': 'reader@example.org',
    });
    expect(checkSesRequest(form, known)?.code).toBe('InvalidParameterValue');
    form.set('Source', 'bulletin@nashra.example');
    expect(checkSesRequest(form, known)).toBeUndefined();
  });
});
