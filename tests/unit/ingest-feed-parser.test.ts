import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFeedParser } from '../../functions/adapters/feed-parser';

const feeds = join(import.meta.dirname, '../fixtures/feeds');
const fixture = (name: string) => readFileSync(join(feeds, name));
const parser = createFeedParser({ maxFeedBytes: 20 * 1024 * 1024 });
const utf8 = (text: string) => new TextEncoder().encode(text);
const parseText = (text: string) => parser.parse(utf8(text));
const doctypeRefused = /has a DOCTYPE, which nashra refuses/;
const require = createRequire(import.meta.url);

describe('the feed parser on good feeds', () => {
  it('reads a WordPress-style Arabic RSS 2.0 feed: content:encoded, categories, dc:creator, source, image', () => {
    const feed = parser.parse(fixture('icssi-ar.rss.xml'));
    expect(feed).toMatchObject({
      format: 'rss',
      language: 'ar',
      title: 'المبادرة الدولية للتضامن مع المجتمع المدني العراقي',
    });
    const [basra] = feed.items;
    expect(basra).toMatchObject({
      position: 1,
      guid: 'https://ar.iraqicivilsociety.example/?p=2781',
      title: 'البصرة تدعو القوات البريطانية للعودة اليها لحفظ الأمن',
      link: 'https://ar.iraqicivilsociety.example/2014/01/03/basra-security/',
      author: 'ICSSI',
      source: 'تليغراف',
      categories: ['أمن', 'البصرة', 'Uncategorized'],
      publishedAt: '2014-01-03T09:00:00.000Z',
    });
    expect(basra?.contentHtml).toContain('3 كانون الثاني 2014 – تليغراف');
    expect(basra?.contentHtml).toContain('basra_2781015b');
    expect(basra?.contentHtml).toContain('ايجيس \u00a0Aegis');
    expect(basra?.contentHtml).toContain('” حلقة من الصلب ”');
  });

  it('reads an Atom feed with xml:lang and an hreflang alternate', () => {
    const feed = parser.parse(fixture('icssi-en.atom.xml'));
    expect(feed).toMatchObject({ format: 'atom', language: 'en' });
    expect(feed.items[0]?.alternates).toEqual([
      { href: 'https://ar.iraqicivilsociety.example/2026/11/28/water-crisis-statement/', hreflang: 'ar' },
    ]);
    expect(feed.items[0]?.title).toBe(
      'Campaign: Save the Tigris and Euphrates — statement on the water crisis',
    );
  });

  it('reads a JSON Feed, and a JSON list of articles from staff tools', () => {
    const feed = parser.parse(fixture('basra-en.feed.json'));
    expect(feed).toMatchObject({ format: 'json-feed', language: 'en' });
    expect(feed.items[0]?.categories).toEqual(['Security', 'Basra']);
    expect(feed.items[1]?.contentHtml).toBe(
      '<p>The Iraqi Civil Society Solidarity Initiative (ICSSI) is dedicated to bringing together Iraqi and international civil societies through concrete actions to build together another Iraq, with peace and Human Rights for all.</p><p>It was founded in 2009.</p>',
    );
    const list = parseText(JSON.stringify([{ title: 'A', url: 'https://x.example/a' }, { title: 5 }]));
    expect(list.format).toBe('articles');
    expect(list.items[0]?.problem).toBeUndefined();
    expect(list.items[1]?.problem).toMatch(/not a valid article \(title: .*; url: /);
  });
});

describe('the feed parser on hostile or broken documents', () => {
  it('names the line and the item of malformed XML', () => {
    expect(() => parser.parse(fixture('bad-malformed.rss.xml'))).toThrow(
      /is not well-formed XML in item 2 \(line \d+, column \d+: .*title/,
    );
  });

  it('refuses a DOCTYPE with entities before parsing: expansion bomb, external entity', () => {
    for (const name of ['bad-entity-bomb.rss.xml', 'bad-external-entity.rss.xml']) {
      expect(() => parser.parse(fixture(name))).toThrow(doctypeRefused);
    }
    expect(
      parseText(
        '<rss version="2.0"><channel><title>x</title><item><title><![CDATA[<!ENTITY x "y">]]></title><link>https://a.example/</link></item></channel></rss>',
      ).items,
    ).toHaveLength(1);
  });

  describe('refuses a DOCTYPE wherever the XML parser meets one, however it is hidden', () => {
    const item = '<item><title>&x;</title><link>https://a.example/</link></item>';
    const feedWith = (before: string, inChannel = '') =>
      `${before}<rss version="2.0"><channel><title>t</title>${inChannel}${item}</channel></rss>`;
    const subset = '<!DOCTYPE rss [<!ENTITY x "EXPANDED">]>';
    it.each([
      ['behind a comment that opens a CDATA section', feedWith(`<!-- <![CDATA[ -->${subset}<!-- ]]> -->`)],
      [
        'after the XML declaration and a processing instruction',
        feedWith(`<?xml version="1.0"?><?x y?>${subset}`),
      ],
      ['with an internal subset', feedWith(subset)],
      [
        'with an external SYSTEM id and no subset',
        feedWith('<!DOCTYPE rss SYSTEM "https://a.example/x.dtd">'),
      ],
      [
        'with a PUBLIC id',
        feedWith(
          '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">',
        ),
      ],
      ['inside the root element', feedWith('', subset)],
      ['after another, legitimate-looking one', feedWith(`<!DOCTYPE rss>${subset}`)],
    ])('%s', (_, xml) => {
      expect(() => parseText(xml)).toThrow(doctypeRefused);
    });

    it('takes one quoted inside a CDATA section or a comment as the text it is', () => {
      const quoted = parseText(
        `<!-- ${subset} --><rss version="2.0"><channel><title>t</title><item><title><![CDATA[${subset}]]></title><link>https://a.example/</link></item></channel></rss>`,
      );
      expect(quoted.items[0]?.title).toBe(subset);
    });

    it('reads with the same fast-xml-parser that @rowanmanning/feed-parser parses with', () => {
      const feedParserRequire = createRequire(require.resolve('@rowanmanning/feed-parser'));
      expect(feedParserRequire.resolve('fast-xml-parser')).toBe(require.resolve('fast-xml-parser'));
    });
  });

  it('refuses bytes that are not UTF-8 and names where they start; refuses other declared encodings', () => {
    const latin1 = Buffer.concat([
      utf8('<rss version="2.0"><channel>\n<title>caf'),
      Buffer.from([0xe9]),
      utf8('</title></channel></rss>'),
    ]);
    expect(() => parser.parse(latin1)).toThrow(
      /is not valid UTF-8 \(first bad byte at line 2, byte offset 39\)/,
    );
    expect(() => parseText('<?xml version="1.0" encoding="windows-1256"?><rss/>')).toThrow(
      /declares the encoding windows-1256/,
    );
  });

  it('refuses a feed over the size limit, non-feeds and JSON that is not a feed', () => {
    expect(() => createFeedParser({ maxFeedBytes: 10 }).parse(utf8('<rss>……</rss>'))).toThrow(
      /over the 0\.0 MB limit/,
    );
    expect(() => parseText('hello')).toThrow(/neither XML \(RSS, Atom\) nor JSON/);
    expect(() => parseText('<html><body>hi</body></html>')).toThrow(/is not an RSS or Atom feed/);
    expect(() => parseText('{"version": "2"}')).toThrow(/neither a JSON Feed nor a list of articles/);
    expect(() => parseText('{"version":')).toThrow(/is not valid JSON/);
  });
});
