import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner } from '../support/cli';

const fixture = (name: string) => join(import.meta.dirname, '../fixtures/feeds', name);
const { run: nashra } = cliRunner();

const arBasra = 'https://ar.iraqicivilsociety.example/?p=2781';
const enBasra = 'https://www.iraqicivilsociety.example/?p=4410';

describe('nashra ingest and nashra articles', { timeout: 120_000 }, () => {
  it('ingests feeds, names each rejected item with its feed, and exits non-zero when anything was rejected', async () => {
    const run = await nashra(
      'ingest',
      fixture('icssi-ar.rss.xml'),
      fixture('basra-en.feed.json'),
      fixture('bad-missing-title-link.rss.xml'),
      fixture('bad-entity-bomb.rss.xml'),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `${fixture('icssi-ar.rss.xml')} (rss): 2 created, 0 updated, 0 unchanged, 0 rejected`,
    );
    expect(run.stdout).toContain(`paired     ${enBasra} ↔ ${arBasra}`);
    expect(run.stdout).toContain(
      `${fixture('bad-missing-title-link.rss.xml')} (rss): 1 created, 0 updated, 0 unchanged, 3 rejected`,
    );
    expect(run.stdout).toContain(
      '  rejected   item 2 "An item without a link" (https://www.iraqicivilsociety.example/?p=7102): has no link',
    );
    expect(run.stdout).toContain(
      `${fixture('bad-entity-bomb.rss.xml')}: not ingested: has a DOCTYPE, which nashra refuses`,
    );
    expect(run.stderr).toBe('nashra: 3 item(s) rejected, 1 feed(s) not ingested\n');
  });

  it('re-ingests idempotently with --json and exits 0 when nothing was rejected', async () => {
    const run = await nashra('ingest', '--json', fixture('icssi-ar.rss.xml'));
    expect(run.code).toBe(0);
    const [report] = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      feed: fixture('icssi-ar.rss.xml'),
      format: 'rss',
      created: [],
      rejected: [],
    });
    expect(report.unchanged).toHaveLength(2);
  });

  it('lists articles as JSON with the public fields, by language and since an instant', async () => {
    const run = await nashra('articles', 'list', '--json', '--lang', 'ar');
    expect(run.code).toBe(0);
    const listed = JSON.parse(run.stdout);
    expect(listed.map((a: { id: string }) => a.id)).toEqual([
      'https://ar.iraqicivilsociety.example/?p=9120',
      arBasra,
    ]);
    expect(listed[1]).toEqual({
      id: arBasra,
      lang: 'ar',
      title: 'البصرة تدعو القوات البريطانية للعودة اليها لحفظ الأمن',
      summary: expect.stringMatching(/^بعد ست سنوات/),
      url: 'https://ar.iraqicivilsociety.example/2014/01/03/basra-security/',
      publishedAt: '2014-01-03T09:00:00.000Z',
      topics: ['security', 'basra'],
      urgent: false,
      translationId: enBasra,
    });
    const recent = JSON.parse((await nashra('articles', 'list', '--json', '--since', '2026-11-01')).stdout);
    expect(recent.map((a: { id: string }) => a.id)).not.toContain(arBasra);
    expect((await nashra('articles', 'list', '--since', 'last week')).stderr).toMatch(
      /--since "last week" is not a date or time/,
    );
  });

  it('shows one article with its body, and pairs articles symmetrically when staff say so', async () => {
    const shown = JSON.parse((await nashra('articles', 'show', arBasra, '--json')).stdout);
    expect(shown.bodyHtml).toContain('<p>3 كانون الثاني 2014 – تليغراف</p>');
    expect(shown.translationId).toBe(enBasra);

    const other = 'https://www.iraqicivilsociety.example/?p=7104';
    const pair = await nashra('articles', 'pair', arBasra, other);
    expect(pair).toMatchObject({ code: 0, stdout: `paired ${arBasra} ↔ ${other}\n` });
    const after = JSON.parse((await nashra('articles', 'list', '--json')).stdout) as Array<{
      id: string;
      translationId: string | null;
    }>;
    const partner = (id: string) => after.find((a) => a.id === id)?.translationId;
    expect([partner(arBasra), partner(other), partner(enBasra)]).toEqual([other, arBasra, null]);

    const same = await nashra('articles', 'pair', arBasra, 'https://ar.iraqicivilsociety.example/?p=9120');
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/are both in Arabic/);
    expect((await nashra('articles', 'show', 'no-such-id')).stderr).toBe('nashra: no article no-such-id\n');
  });
});
