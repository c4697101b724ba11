import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/shared/config';

const load = (env: NodeJS.ProcessEnv) =>
  loadConfig({ NASHRA_HOME: mkdtempSync(join(tmpdir(), 'nashra-cfg-')), ...env });

describe('ingest configuration', () => {
  it('has local defaults: no feeds, a 15-minute poll, the demo sites, urgent and عاجل, the default topics', () => {
    const { ingest } = load({});
    expect(ingest).toMatchObject({
      feeds: [],
      pollCron: '*/15 * * * *',
      urgentCategories: ['urgent', 'عاجل'],
      sites: { ar: 'ar.iraqicivilsociety.example', en: 'www.iraqicivilsociety.example' },
      maxFeedBytes: 20 * 1024 * 1024,
      maxItemBytes: 2 * 1024 * 1024,
    });
    expect(ingest.topicMap).toMatchObject({ البصرة: 'basra', security: 'security' });
  });

  it('reads feeds as JSON or as a comma list with optional languages', () => {
    expect(
      load({ NASHRA_FEEDS: '[{"url":"https://ar.site.example/feed/","lang":"ar"}]' }).ingest.feeds,
    ).toEqual([{ url: 'https://ar.site.example/feed/', lang: 'ar' }]);
    expect(
      load({ NASHRA_FEEDS: 'ar=https://ar.site.example/feed/, https://www.site.example/feed/atom/' }).ingest
        .feeds,
    ).toEqual([
      { url: 'https://ar.site.example/feed/', lang: 'ar' },
      { url: 'https://www.site.example/feed/atom/' },
    ]);
  });

  it('reads the topic map, urgent categories and sites', () => {
    const { ingest } = load({
      NASHRA_TOPIC_MAP: '{"Elections":"elections","انتخابات":"elections"}',
      NASHRA_URGENT_CATEGORY: 'Breaking, عاجل',
      NASHRA_SITES: 'ar=AR.Site.Example,en=www.site.example',
    });
    expect(ingest.topicMap).toEqual({ Elections: 'elections', انتخابات: 'elections' });
    expect(ingest.urgentCategories).toEqual(['Breaking', 'عاجل']);
    expect(ingest.sites).toEqual({ ar: 'ar.site.example', en: 'www.site.example' });
  });

  it('allows feeds inside the network only by address, and only in local mode', () => {
    expect(load({}).ingest.allowedAddresses).toEqual([]);
    expect(
      load({ NASHRA_FEED_ALLOW_ADDRESSES: '127.0.0.1, ::1,10.0.0.0/8 , fd00::/8' }).ingest.allowedAddresses,
    ).toEqual(['127.0.0.1', '::1', '10.0.0.0/8', 'fd00::/8']);
    expect(() => load({ NASHRA_FEED_ALLOW_ADDRESSES: 'localhost' })).toThrow(
      /NASHRA_FEED_ALLOW_ADDRESSES.*localhost is not an IP address or a CIDR range/,
    );
    expect(() => load({ NASHRA_FEED_ALLOW_ADDRESSES: '10.0.0.0/33' })).toThrow(/NASHRA_FEED_ALLOW_ADDRESSES/);
    expect(() =>
      load({
        NASHRA_MODE: 'aws',
        NASHRA_BASE_URL: 'https://news.example.org',
        NASHRA_LINK_SIGNING_KEY: 'k'.repeat(32),
        NASHRA_SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/q',
        NASHRA_FEED_ALLOW_ADDRESSES: '10.0.0.1',
      }),
    ).toThrow(/NASHRA_FEED_ALLOW_ADDRESSES: is for local mode only/);
  });

  it('refuses bad values with the setting name', () => {
    expect(() => load({ NASHRA_FEEDS: 'file:///etc/passwd' })).toThrow(/NASHRA_FEEDS/);
    expect(() => load({ NASHRA_FEEDS: '[{"url": "https://x.example", "lang": "fr"}]' })).toThrow(
      /NASHRA_FEEDS/,
    );
    expect(() => load({ NASHRA_FEEDS: '[not json' })).toThrow(/NASHRA_FEEDS: is not valid JSON/);
    expect(() => load({ NASHRA_TOPIC_MAP: '{"Security":"Security Topic"}' })).toThrow(
      /NASHRA_TOPIC_MAP.*slugs/,
    );
    expect(() => load({ NASHRA_SITES: 'fr=site.example' })).toThrow(/NASHRA_SITES/);
    expect(() => load({ NASHRA_FEED_MAX_BYTES: '-1' })).toThrow(/NASHRA_FEED_MAX_BYTES/);
  });
});
