import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedReport, ingestFeeds, ingestParsedFeed } from '../../functions/core/ingest/ingest-feed';
import { createFeedPollerHandler } from '../../functions/handlers/feed-poller';
import { closeServer, serverUrl } from '../../functions/local/emulators';
import { LocalTriggers } from '../../functions/local/triggers';
import { wireLocalTriggers } from '../../functions/local/wiring';
import { type IngestParts, ingestParts } from '../../functions/runtime/ingesting';
import { createRuntime, type Runtime } from '../../functions/runtime/runtime';
import { suiteConfig, suiteRuntime } from '../support/local-aws';

const fixtures = join(import.meta.dirname, '../fixtures/feeds');
const fixture = (name: string) => join(fixtures, name);
// The served feeds are on loopback, which only an explicit local-mode setting lets the fetcher reach.
const config = suiteConfig({ NASHRA_FEED_TIMEOUT_MS: '500', NASHRA_FEED_ALLOW_ADDRESSES: '127.0.0.1' });
let runtime: Runtime;
let services: IngestParts;
let server: Server;
let base: string;

const rss = (items: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Served feed</title><language>en</language>${items}</channel></rss>`;
const rssItem = (n: number, body = `<p>Body ${n}</p>`) =>
  `<item><title>Served statement ${n}</title><link>https://www.iraqicivilsociety.example/served/${n}/</link><guid isPermaLink="false">served-${n}</guid><pubDate>Sat, 28 Nov 2026 0${n}:00:00 +0000</pubDate><content:encoded><![CDATA[${body}]]></content:encoded></item>`;

beforeAll(async () => {
  runtime = await suiteRuntime(config);
  services = ingestParts(runtime);
  const tenMegabyteBody = `<p>${'Lorem ipsum dolor sit amet. '.repeat(380_000)}</p>`;
  server = createServer((request, response) => {
    switch (request.url) {
      case '/atom':
        response
          .writeHead(200, { 'content-type': 'application/atom+xml' })
          .end(readFileSync(fixture('icssi-en.atom.xml')));
        return;
      case '/500':
        response.writeHead(500).end('Internal Server Error');
        return;
      case '/timeout':
        return; // never answers
      case '/ten-megabyte-item':
        response.writeHead(200).end(rss(rssItem(1) + rssItem(2, tenMegabyteBody) + rssItem(3)));
        return;
      case '/windows-1256':
        // "بيان" in windows-1256: bytes that are not UTF-8.
        response
          .writeHead(200)
          .end(Buffer.concat([Buffer.from(rss('').slice(0, 120)), Buffer.from([0xc8, 0xed, 0xc7, 0xe4])]));
        return;
      case '/over-the-feed-limit':
        response.writeHead(200);
        for (let i = 0; i < 21; i++) response.write(Buffer.alloc(1024 * 1024, 0x20));
        response.end();
        return;
      default:
        response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = serverUrl(server);
});
afterAll(async () => {
  await runtime.close();
  await closeServer(server);
});

const ingest = (...locations: string[]) =>
  ingestFeeds(
    services,
    locations.map((location) => ({ location })),
  );
const only = (reports: FeedReport[]) => {
  expect(reports).toHaveLength(1);
  return reports[0] as FeedReport;
};

describe('ingesting the network feeds into dynalite', () => {
  const arBasra = 'https://ar.iraqicivilsociety.example/?p=2781';
  const enBasra = 'https://www.iraqicivilsociety.example/?p=4410';
  const arWater = 'https://ar.iraqicivilsociety.example/?p=9120';
  const enWater = 'https://www.iraqicivilsociety.example/?p=5120';

  it('stores the Arabic RSS, English Atom and JSON Feed items, pairs the translations both ways', async () => {
    const reports = await ingest(
      fixture('icssi-ar.rss.xml'),
      fixture('icssi-en.atom.xml'),
      fixture('basra-en.feed.json'),
    );
    expect(reports.map((r) => [r.format, r.created.length, r.rejected.length, r.error])).toEqual([
      ['rss', 2, 0, undefined],
      ['atom', 2, 0, undefined],
      ['json-feed', 2, 0, undefined],
    ]);
    const basra = await services.articles.get(arBasra);
    expect(basra).toMatchObject({
      lang: 'ar',
      title: 'البصرة تدعو القوات البريطانية للعودة اليها لحفظ الأمن',
      url: 'https://ar.iraqicivilsociety.example/2014/01/03/basra-security/',
      imageUrl: 'https://ar.iraqicivilsociety.example/wp-content/uploads/2014/01/basra_2781015b.jpg',
      source: 'تليغراف',
      author: 'ICSSI',
      topics: ['security', 'basra'],
      publishedAt: '2014-01-03T09:00:00.000Z',
      urgent: false,
      translationId: enBasra,
    });
    expect(basra?.bodyHtml).toContain('<p>3 كانون الثاني 2014 – تليغراف</p>');
    expect(basra?.bodyHtml).toContain('Sandline International');
    expect(basra?.bodyHtml).not.toContain('class=');
    expect(basra?.summary.startsWith('بعد ست سنوات من مغادرة القوات البريطانية البصرة')).toBe(true);
    expect((await services.articles.get(enBasra))?.translationId).toBe(arBasra);
    expect(await services.articles.get(arWater)).toMatchObject({
      urgent: true,
      topics: ['campaigns', 'water'],
      translationId: enWater,
    });
    expect(await services.articles.get(enWater)).toMatchObject({ urgent: true, translationId: arWater });
  });

  it('re-ingesting the same feeds changes nothing; an edited item updates its article and keeps its pairing', async () => {
    const reports = await ingest(
      fixture('icssi-ar.rss.xml'),
      fixture('icssi-en.atom.xml'),
      fixture('basra-en.feed.json'),
    );
    expect(reports.flatMap((r) => [...r.created, ...r.updated, ...r.rejected.map((x) => x.item)])).toEqual(
      [],
    );
    expect(reports.flatMap((r) => r.unchanged)).toHaveLength(6);

    const edited = readFileSync(fixture('icssi-ar.rss.xml'), 'utf8').replace(
      'لحفظ الأمن</title>',
      'لحفظ أمنها</title>',
    );
    const parsed = services.parser.parse(new TextEncoder().encode(edited));
    const report = await ingestParsedFeed(services, { location: 'edited.xml' }, parsed);
    expect(report).toMatchObject({ created: [], updated: [arBasra], unchanged: [arWater] });
    expect(await services.articles.get(arBasra)).toMatchObject({
      title: 'البصرة تدعو القوات البريطانية للعودة اليها لحفظ أمنها',
      translationId: enBasra,
    });
  });
});

describe('bad input: a clear message naming the feed and the item, the good items stored, nothing half-written', () => {
  it('malformed XML, entity bomb and external entity refuse the feed, naming it', async () => {
    const reports = await ingest(
      fixture('bad-malformed.rss.xml'),
      fixture('bad-entity-bomb.rss.xml'),
      fixture('bad-external-entity.rss.xml'),
    );
    expect(reports[0]?.feed).toBe(fixture('bad-malformed.rss.xml'));
    expect(reports[0]?.error).toMatch(/^is not well-formed XML in item 2 \(line 1[0-2], column/);
    expect(reports[1]?.error).toMatch(/has a DOCTYPE, which nashra refuses/);
    expect(reports[2]?.error).toMatch(/has a DOCTYPE, which nashra refuses/);
    expect(await services.articles.findByUrl('https://www.iraqicivilsociety.example/fine/')).toEqual([]);
  });

  it('items without title or with a bad link are refused by name; the complete one is stored', async () => {
    const report = only(await ingest(fixture('bad-missing-title-link.rss.xml')));
    expect(report.rejected).toEqual([
      { item: 'item 1 (https://www.iraqicivilsociety.example/?p=7101)', reason: 'has no title' },
      {
        item: 'item 2 "An item without a link" (https://www.iraqicivilsociety.example/?p=7102)',
        reason: 'has no link',
      },
      {
        item: 'item 3 "An item linking to javascript" (https://www.iraqicivilsociety.example/?p=7103)',
        reason: 'has a link that is not an http(s) URL: javascript:alert(document.cookie)',
      },
    ]);
    expect(report.created).toEqual(['https://www.iraqicivilsociety.example/?p=7104']);
    for (const id of ['7101', '7102', '7103'])
      expect(await services.articles.get(`https://www.iraqicivilsociety.example/?p=${id}`)).toBeUndefined();
  });

  it('duplicated GUIDs in one feed: the first (newest) is stored, the later one refused naming it', async () => {
    const report = only(await ingest(fixture('bad-duplicate-guids.rss.xml')));
    expect(report.rejected).toEqual([
      {
        item: 'item 2 "A different post under the same GUID" (https://www.iraqicivilsociety.example/?p=7001)',
        reason:
          'has the same id (GUID) https://www.iraqicivilsociety.example/?p=7001 as item 1 "First version of a statement" (https://www.iraqicivilsociety.example/?p=7001) earlier in this feed: that one is stored, this one is not',
      },
    ]);
    expect(report.created).toEqual([
      'https://www.iraqicivilsociety.example/?p=7001',
      'https://www.iraqicivilsociety.example/?p=7002',
    ]);
    expect((await services.articles.get('https://www.iraqicivilsociety.example/?p=7001'))?.title).toBe(
      'First version of a statement',
    );
  });

  it('hostile bodies are stored clean: no script, style, overlay, iframe, srcdoc, handler, javascript: or data:', async () => {
    const report = only(await ingest(fixture('bad-hostile-bodies.rss.xml')));
    expect(report.created).toHaveLength(1);
    const stored = await services.articles.get('https://www.iraqicivilsociety.example/?p=7201');
    expect(stored?.bodyHtml).not.toMatch(
      /<script|<style|style=|<iframe|srcdoc|\son\w+=|javascript:|data:|tracker/i,
    );
    expect(stored?.bodyHtml).toContain('<p>The statement text.</p>');
    expect(stored?.bodyHtml).toContain(
      '<img alt="photo" src="https://www.iraqicivilsociety.example/photo.jpg" />',
    );
    expect(stored?.bodyHtml).toContain('<a href="https://www.iraqicivilsociety.example/read/">read more</a>');
  });

  it('CR/LF, line separators and bidi controls are removed from titles', async () => {
    const report = only(await ingest(fixture('bad-control-titles.rss.xml')));
    expect(report.created).toHaveLength(2);
    expect((await services.articles.get('https://www.iraqicivilsociety.example/?p=7301'))?.title).toBe(
      'Urgent statement Bcc: everyone@example.org more',
    );
    const bidi = await services.articles.get('https://ar.iraqicivilsociety.example/?p=7302');
    expect(bidi?.title).toBe('بيان gnp.exe عاجل');
    expect(bidi?.lang).toBe('ar');
  });

  it('a URL that answers 500 or times out, bytes that are not UTF-8 and an oversized feed refuse that feed only', async () => {
    const reports = await ingest(
      `${base}/500`,
      `${base}/timeout`,
      `${base}/windows-1256`,
      `${base}/over-the-feed-limit`,
      `${base}/atom`,
      'ftp://127.0.0.1/feed.xml',
    );
    expect(reports.map((r) => [r.feed.replace(base, ''), r.error])).toEqual([
      ['/500', 'answered 500 Internal Server Error'],
      ['/timeout', 'did not answer within 0.5 s'],
      ['/windows-1256', 'is not valid UTF-8 (first bad byte at line 1, byte offset 120)'],
      ['/over-the-feed-limit', 'is over the 20.0 MB limit for one feed'],
      ['/atom', undefined],
      ['ftp://127.0.0.1/feed.xml', 'is a ftp: URL; feeds are fetched over http or https only'],
    ]);
    expect(reports[4]?.unchanged).toHaveLength(2);
  });

  it('a 10 MB item is refused by name; the items around it are stored', async () => {
    const report = only(await ingest(`${base}/ten-megabyte-item`));
    expect(report.rejected).toEqual([
      {
        item: 'item 2 "Served statement 2" (served-2)',
        reason: 'is 10.1 MB, over the 2.0 MB limit for one item',
      },
    ]);
    expect(report.created).toEqual(['served-1', 'served-3']);
    expect(await services.articles.get('served-2')).toBeUndefined();
  });
});

describe('the feed poller', () => {
  it('ingests every configured feed, reports failed feeds without throwing, and runs on the local scheduler', async () => {
    const poll = createFeedPollerHandler(services, [
      { location: `${base}/atom` },
      { location: `${base}/500` },
      { location: `${base}/ten-megabyte-item`, lang: 'en' },
    ]);
    expect(await poll({})).toEqual({
      feeds: 3,
      created: 0,
      updated: 0,
      unchanged: 4,
      rejected: 1,
      failedFeeds: 1,
    });
    await expect(poll({ feeds: [{ url: 'file:///etc/passwd' }] })).rejects.toThrow();

    const triggers = new LocalTriggers(config.region);
    const polling = createRuntime('local', {
      ...config,
      ingest: { ...config.ingest, feeds: [{ url: `${base}/atom` }] },
    });
    wireLocalTriggers(triggers, polling, { poll: true });
    expect(triggers.scheduler.names()).toEqual(['feed-poller']);
    expect((triggers.scheduler.nextRun('feed-poller')?.getMinutes() ?? 1) % 15).toBe(0);
    triggers.stop();
    await polling.close();
  });
});
