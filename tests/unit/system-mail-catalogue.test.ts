import { describe, expect, it } from 'vitest';
import { MjmlRenderer } from '../../functions/adapters/mjml-renderer';
import { createMailRenderer } from '../../functions/render/render-mail';
import { compileSystemMails, everySystemMail } from '../../functions/render/system-mail-catalogue';
import compiledSystemMails from '../../functions/render/system-mails.compiled.json';
import { precompiledMailRenderer } from '../../functions/runtime/precompiled-rendering';
import { basraAr, basraEn } from '../fixtures/render-articles';

const fresh = (baseUrl: string, timeZone: string) =>
  compileSystemMails(createMailRenderer({ compiler: new MjmlRenderer(), baseUrl, timeZone }));

describe('the system mails the reader-facing function serves precompiled', () => {
  it('are, byte for byte, what MJML compiles now (after a template or words change: npm run compile:system-mails)', async () => {
    // Under two configurations: a system mail holds nothing of either, so one file serves every stage.
    const [here, elsewhere] = await Promise.all([
      fresh('https://bulletin.example.org', 'Asia/Baghdad'),
      fresh('http://127.0.0.1:8787/', 'Europe/London'),
    ]);
    expect(elsewhere).toEqual(here);
    expect(compiledSystemMails).toEqual(here);
  }, 60_000);

  it('cover every kind in every variant, the welcome mail per cadence, and are served as compiled', async () => {
    const renderer = precompiledMailRenderer();
    const catalogue = compiledSystemMails as Record<string, unknown>;
    expect(Object.keys(catalogue)).toHaveLength(everySystemMail().length);
    expect(await renderer.renderSystemMail('welcome', 'ar+en', { cadence: 'daily' })).toEqual(
      catalogue['welcome ar+en daily'],
    );
    // Only the welcome mail says the cadence: a confirmation is the same whatever it is.
    expect(await renderer.renderSystemMail('confirm', 'en', { cadence: 'instant' })).toEqual(
      catalogue['confirm en'],
    );
    expect(await renderer.renderSystemMail('unsubscribed', 'ar')).toEqual(catalogue['unsubscribed ar']);
  });

  it('refuse digests and alerts in words: the function that sends those renders them', async () => {
    const renderer = precompiledMailRenderer();
    await expect(
      renderer.renderDigest({
        issueId: 'weekly',
        variant: 'en',
        articles: [basraEn],
        window: { start: '2013-12-25T00:00:00.000Z', end: '2014-01-31T00:00:00.000Z' },
      }),
    ).rejects.toThrow(/precompiled system mails only: it renders no digest/);
    await expect(
      renderer.renderAlert({ issueId: 'alert', variant: 'ar', articles: [basraAr] }),
    ).rejects.toThrow(/renders no alert/);
  });
});
