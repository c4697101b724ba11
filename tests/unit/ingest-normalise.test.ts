import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../../functions/core/ingest/feed-item';
import { detectLanguage, languageFromTag } from '../../functions/core/ingest/language';
import { type NormaliseContext, normaliseItem } from '../../functions/core/ingest/normalise';
import type { IngestRules } from '../../functions/core/ingest/rules';
import { sanitiseBody } from '../../functions/core/ingest/sanitise';
import { deriveSummary } from '../../functions/core/ingest/summary';
import { headerSafeLine, oneLine } from '../../functions/core/text';

const rules: IngestRules = {
  topicMap: { Security: 'security', البصرة: 'basra', Water: 'water' },
  urgentCategories: ['urgent', 'عاجل'],
  sites: { ar: 'ar.site.example', en: 'www.site.example' },
  maxItemBytes: 2 * 1024 * 1024,
};
const context: NormaliseContext = { forceUrgent: false, rules };
const item = (fields: Partial<FeedItem> = {}): FeedItem => ({
  position: 1,
  guid: 'https://ar.site.example/?p=1',
  title: 'البصرة تدعو القوات البريطانية للعودة اليها لحفظ الأمن',
  link: 'https://ar.site.example/2014/01/03/basra/',
  contentHtml: '<p>الميجور جنرال جراهام بينز ، وهو الرئيس التنفيذي لشركة ايجيس  Aegis للخدمات الدفاعية</p>',
  categories: [],
  topics: [],
  alternates: [],
  ...fields,
});
const draftOf = (fields: Partial<FeedItem>, extra: Partial<NormaliseContext> = {}) => {
  const result = normaliseItem(item(fields), { ...context, ...extra });
  if (!result.ok) throw new Error(`rejected: ${result.reason}`);
  return result.draft;
};
const reasonFor = (fields: Partial<FeedItem>, extra: Partial<NormaliseContext> = {}) => {
  const result = normaliseItem(item(fields), { ...context, ...extra });
  if (result.ok) throw new Error('accepted');
  return result.reason;
};

describe('one-line text', () => {
  it('removes CR/LF, other controls and bidi overrides, keeping Arabic, marks and single spaces', () => {
    expect(oneLine('Breaking\r\nnews\u0007  from\tBasra')).toBe('Breaking news from Basra');
    expect(oneLine('evil\u202Etxt.exe \u2066isolated\u2069')).toBe('evil txt.exe isolated');
    expect(oneLine('البصرة\u200F  اليوم')).toBe('البصرة\u200F اليوم');
  });
});

describe('titles holding RFC 2047 encoded-words', () => {
  it('are cleaned after decoding, so no override or line break comes back in a mail client', () => {
    expect(draftOf({ title: 'Invoice =?UTF-8?B?4oCuZ25wLmV4ZQ==?=' }).title).toBe('Invoice gnp.exe');
    expect(draftOf({ title: 'A =?iso-8859-1?Q?=0D=0ABcc:_x?= b' }).title).toBe('A Bcc: x b');
    expect(draftOf({ title: '=?UTF-8?B?2KfZhNio2LXYsdip?=' }).title).toBe('البصرة');
  });

  it('never keep a literal encoded-word, however deep or malformed', () => {
    const doubly = Buffer.from('=?UTF-8?B?4oCu?=').toString('base64');
    expect(draftOf({ title: `Statement =?UTF-8?B?${doubly}?=x` }).title).not.toMatch(/=\?|\u202E/);
    expect(draftOf({ title: 'Statement =?x-nashra?X?4oCu?=' }).title).not.toMatch(/=\?.*\?=/);
    expect(draftOf({ title: 'Statement =?UTF-8?B?4oCu?' }).title).toBe('Statement =?UTF-8?B?4oCu?');
    expect(draftOf({ title: 'Is 2+2=? Four' }).title).toBe('Is 2+2=? Four');
  });
});

describe('a line fit for a mail header', () => {
  it('decodes as mail clients do: adjacent words joined, a character split across them whole, Arabic charsets', () => {
    expect(headerSafeLine('=?UTF-8?B?2KfZhNio?= =?UTF-8?B?2LXYsdip?= news')).toBe('البصرة news');
    expect(headerSafeLine('=?UTF-8?Q?=D8=A7=D9?=  =?UTF-8?Q?=84?= x')).toBe('ال x');
    expect(headerSafeLine('=?windows-1256?Q?=C7=E1=C8=D5=D1=C9?=')).toBe('البصرة');
    expect(headerSafeLine('a =?utf-8*en?q?hi_there?= b')).toBe('a hi there b');
  });

  it('leaves a word in a charset it does not know undecoded, and defused', () => {
    expect(headerSafeLine('=?iso-8859-1?Q?caf=E9?= =?x-nashra?Q?abc?= end')).toBe(
      'café = ?x-nashra?Q?abc?= end',
    );
  });

  it('for any text, holds no encoded-word, control, line break or bidi override, also once decoded', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('=?', '?=', '?B?', '?Q?', 'UTF-8', '\u202E', '\r\n', '=0D=0A', '_', '4oCu', ' '),
      fc.string({ maxLength: 8 }).map((text) => `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`),
      fc
        .string({ maxLength: 8 })
        .map((text) => `=?utf-8?q?${encodeURIComponent(text).replaceAll('%', '=')}?=`),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const line = headerSafeLine(pieces.join(''));
        expect(line).not.toMatch(/=\?[\s\S]*\?=/);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
        expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        expect(headerSafeLine(line)).toBe(line);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('language', () => {
  it('reads ar and en from tags and refuses other languages', () => {
    expect(languageFromTag('ar-IQ')).toBe('ar');
    expect(languageFromTag('en_GB')).toBe('en');
    expect(languageFromTag('fr')).toBeUndefined();
  });

  it('detects Arabic by script even with English names inside, and English by script', () => {
    expect(
      detectLanguage('شركة ايجيس  Aegis للخدمات الدفاعية وساندلاين الدولية Sandline International'),
    ).toBe('ar');
    expect(detectLanguage('Six years after British troops left Basra')).toBe('en');
    expect(detectLanguage('2014 – 1000')).toBeUndefined();
  });
});

describe('body sanitising', () => {
  const base = 'https://www.site.example/2026/11/28/post/';

  it('drops scripts, styles, iframes, srcdoc, event handlers, style attributes and non-http URLs; resolves protocol-relative links to https', () => {
    const hostile = [
      '<p onclick="steal()" style="position:fixed;inset:0" class="x">Hello</p>',
      '<script>alert(1)</script><style>p{display:none}</style>',
      '<iframe src="https://evil.example" srcdoc="<script>alert(1)</script>"></iframe>',
      '<a href="javascript:alert(1)">js</a> <a href="data:text/html,<script>">data</a> <a href="//evil.example/x">rel</a>',
      '<img src="data:image/png;base64,AAAA" onerror="alert(1)"><img src="https://www.site.example/a.jpg" onload="x()">',
      '<object data="x.swf"></object><form action="https://evil.example"><input name="p"></form>',
    ].join('');
    const clean = sanitiseBody(hostile, base);
    expect(clean).not.toMatch(
      /script|style=|onclick|onerror|onload|iframe|srcdoc|javascript:|data:|object|form|input|class=/i,
    );
    expect(clean).not.toContain('"//');
    expect(clean).toContain('<a href="https://evil.example/x">rel</a>');
    expect(clean).toContain('<p>Hello</p>');
    expect(clean).toContain('<img src="https://www.site.example/a.jpg" />');
    expect(clean).toContain('<a>js</a>');
  });

  it('makes relative links absolute against the article URL and keeps dir and lang', () => {
    expect(sanitiseBody('<p dir="rtl" lang="ar"><a href="../sign/">وقّع</a></p>', base)).toBe(
      '<p dir="rtl" lang="ar"><a href="https://www.site.example/2026/11/28/sign/">وقّع</a></p>',
    );
  });
});

describe('summary', () => {
  it("uses the feed's excerpt without WordPress's bracket, else the start of the body, as one plain line", () => {
    expect(deriveSummary('Water before the summer [&hellip;]', '<p>x</p>')).toBe('Water before the summer…');
    expect(deriveSummary('Ends a sentence. [&#8230;]', '<p>x</p>')).toBe('Ends a sentence.');
    const long = `<p>${'word '.repeat(200)}</p>`;
    const summary = deriveSummary(undefined, `<h2>Title</h2>${long}`);
    expect(summary.length).toBeLessThanOrEqual(400);
    expect(summary.startsWith('Title word word')).toBe(true);
    expect(summary.endsWith('…')).toBe(true);
  });
});

describe('normaliseItem', () => {
  it('normalises a good Arabic item: language from script, topics from categories, summary from the body', () => {
    const draft = draftOf({ categories: ['security', 'البصرة', 'Uncategorized'] });
    expect(draft).toMatchObject({
      id: 'https://ar.site.example/?p=1',
      lang: 'ar',
      url: 'https://ar.site.example/2014/01/03/basra/',
      topics: ['security', 'basra'],
      urgent: false,
      translationLinks: [],
    });
    expect(draft.summary).toContain('Aegis');
    expect(draft.publishedAt).toBeUndefined();
  });

  it('uses the canonical URL as id when there is no GUID, and UTC for dates', () => {
    const draft = draftOf({ guid: undefined, publishedAt: '2014-01-03T12:00:00+03:00' });
    expect(draft.id).toBe('https://ar.site.example/2014/01/03/basra/');
    expect(draft.publishedAt).toBe('2014-01-03T09:00:00.000Z');
  });

  it("prefers the item's language, then the configured one, then the feed's, then the script", () => {
    expect(draftOf({ language: 'en' }, { configuredLanguage: 'ar' }).lang).toBe('en');
    expect(draftOf({}, { configuredLanguage: 'en', feedLanguage: 'ar' }).lang).toBe('en');
    expect(draftOf({}, { feedLanguage: 'en-US' }).lang).toBe('en');
    expect(reasonFor({}, { feedLanguage: 'fr' })).toMatch(/language "fr".*Arabic \(ar\) and English \(en\)/);
  });

  it('marks an item urgent by a configured category (any case) or when flagged', () => {
    expect(draftOf({ categories: ['عاجل'] }).urgent).toBe(true);
    expect(draftOf({ categories: ['URGENT'] }).urgent).toBe(true);
    expect(draftOf({}, { forceUrgent: true }).urgent).toBe(true);
  });

  it('cleans titles of line breaks and bidi overrides', () => {
    expect(draftOf({ title: 'Statement\r\nBcc: all\u202Egnp.exe' }).title).toBe('Statement Bcc: all gnp.exe');
  });

  it('finds translation links: hreflang alternates and body links to the other language site', () => {
    const draft = draftOf({
      alternates: [
        { href: 'https://www.site.example/en-version/#top', hreflang: 'en' },
        { href: 'https://fr.site.example/x/', hreflang: 'fr' },
      ],
      contentHtml:
        '<p>نص <a href="https://www.site.example/other/">English</a> <a href="https://elsewhere.example/">x</a></p>',
    });
    expect(draft.translationLinks).toEqual([
      'https://www.site.example/en-version/',
      'https://www.site.example/other/',
    ]);
  });

  it('refuses items without title or link, with a non-http link, too large, or with bad topics', () => {
    expect(reasonFor({ title: ' \r\n ' })).toBe('has no title');
    expect(reasonFor({ link: undefined })).toBe('has no link');
    expect(reasonFor({ link: 'javascript:alert(1)' })).toMatch(/not an http\(s\) URL/);
    expect(reasonFor({ contentHtml: 'x'.repeat(3 * 1024 * 1024) })).toMatch(
      /is 3\.0 MB, over the 2\.0 MB limit/,
    );
    expect(reasonFor({ contentHtml: `<p>${'ب'.repeat(200_000)}</p>` })).toMatch(/KB once cleaned/);
    expect(reasonFor({ topics: ['Not A Slug'] })).toMatch(/not slugs: Not A Slug/);
    expect(reasonFor({ publishedAt: 'yesterday' })).toMatch(/not a date/);
    expect(reasonFor({ problem: 'is not a valid article (title: required)' })).toBe(
      'is not a valid article (title: required)',
    );
  });
});
