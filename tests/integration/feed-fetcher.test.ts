import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFeedReader, type FetchLimits } from '../../functions/adapters/feed-fetcher';
import { closeServer } from '../../functions/local/emulators';

const feed = '<rss version="2.0"><channel><title>Served</title></channel></rss>';
const limits: FetchLimits = { timeoutMs: 2000, maxFeedBytes: 1024 * 1024 };
const refused = /is a loopback, private, link-local or reserved address/;

/** A feed server on one loopback address that records the paths it was asked for. */
async function feedServer(host: string, redirects: Record<string, string> = {}) {
  const asked: string[] = [];
  const server: Server = createServer((request, response) => {
    asked.push(request.url ?? '');
    const location = redirects[request.url ?? ''];
    if (location) return response.writeHead(302, { location }).end();
    response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return { server, asked, port, url: `http://${host}:${port}` };
}

let allowed: Awaited<ReturnType<typeof feedServer>>;
let other: Awaited<ReturnType<typeof feedServer>>;

beforeAll(async () => {
  // 127.0.0.2 is loopback too (all of 127/8 is), but only 127.0.0.1 is allowed below.
  other = await feedServer('127.0.0.2');
  allowed = await feedServer('127.0.0.1', {
    '/to-other': `${other.url}/secret`,
    '/to-name': 'http://metadata.example/latest/meta-data/',
    '/to-metadata': 'http://169.254.169.254/latest/meta-data/',
    '/to-file': 'file:///etc/passwd',
    ...Object.fromEntries(Array.from({ length: 7 }, (_, n) => [`/hop-${n}`, `/hop-${n + 1}`])),
    '/five-hops': '/hop-3',
  });
});
beforeEach(() => {
  allowed.asked.length = 0;
  other.asked.length = 0;
});
afterAll(async () => {
  await closeServer(allowed.server);
  await closeServer(other.server);
});

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('the feed fetcher refuses addresses inside the network', () => {
  it('refuses a feed on loopback unless a local-mode setting allows that address', async () => {
    await expect(createFeedReader(limits).read(`${allowed.url}/feed`)).rejects.toThrow(refused);
    expect(allowed.asked).toEqual([]);
    const reader = createFeedReader({ ...limits, allowedAddresses: ['127.0.0.1'] });
    expect(text(await reader.read(`${allowed.url}/feed`))).toBe(feed);
  });

  it.each([
    'http://127.0.0.1/',
    'http://127.1.2.3/',
    'http://2130706433/',
    'http://0x7f.0.0.1/',
    'http://0.0.0.0/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[fd00::1]/',
    'http://[fd00:ec2::254]/',
    'http://[fe80::1]/',
    'http://[fc00::1]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'https://224.0.0.1/',
    'http://255.255.255.255/',
  ])('refuses %s before connecting', async (url) => {
    await expect(createFeedReader(limits).read(url)).rejects.toThrow(refused);
  });

  it('resolves a name and refuses it when any of its addresses is refused', async () => {
    await expect(createFeedReader(limits).read(`http://localhost:${allowed.port}/feed`)).rejects.toThrow(
      refused,
    );
    const half = createFeedReader({
      ...limits,
      allowedAddresses: ['127.0.0.1'],
      resolve: async () => [
        { address: '127.0.0.1', family: 4 },
        { address: '10.0.0.1', family: 4 },
      ],
    });
    await expect(half.read(`http://feeds.example:${allowed.port}/feed`)).rejects.toThrow(refused);
    expect(allowed.asked).toEqual([]);
  });

  it('connects to the address it checked: one lookup per connection, no second one to rebind', async () => {
    const answers = ['127.0.0.1', '127.0.0.2'];
    const lookups: string[] = [];
    const reader = createFeedReader({
      ...limits,
      allowedAddresses: ['127.0.0.1'],
      resolve: async (hostname) => {
        lookups.push(hostname);
        return [{ address: answers.shift() ?? '127.0.0.2', family: 4 }];
      },
    });
    expect(text(await reader.read(`http://feeds.example:${allowed.port}/rebind`))).toBe(feed);
    expect(lookups).toEqual(['feeds.example']);
    expect(allowed.asked).toEqual(['/rebind']);
  });

  it('checks every redirect hop: loopback, a name for metadata, metadata and other schemes are refused', async () => {
    const reader = createFeedReader({
      ...limits,
      allowedAddresses: ['127.0.0.1'],
      resolve: async (hostname) => [
        { address: hostname === 'metadata.example' ? '169.254.169.254' : '127.0.0.1', family: 4 },
      ],
    });
    for (const path of ['/to-other', '/to-name', '/to-metadata'])
      await expect(reader.read(`${allowed.url}${path}`), path).rejects.toThrow(refused);
    await expect(reader.read(`${allowed.url}/to-file`)).rejects.toThrow(
      /redirects to a file: URL; feeds are fetched over http or https only/,
    );
    expect(other.asked).toEqual([]);
  });

  it('follows at most 5 redirects', async () => {
    const reader = createFeedReader({ ...limits, allowedAddresses: ['127.0.0.1'] });
    expect(text(await reader.read(`${allowed.url}/five-hops`))).toBe(feed);
    await expect(reader.read(`${allowed.url}/hop-0`)).rejects.toThrow(/redirects more than 5 times/);
  });
});
