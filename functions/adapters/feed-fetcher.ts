import { promises as dns, type LookupAddress, type LookupOneOptions } from 'node:dns';
import { open } from 'node:fs/promises';
import { BlockList, isIP } from 'node:net';
import { Agent, buildConnector, fetch, type Response } from 'undici';
import { ValidationError } from '../core/errors';
import type { FeedReader } from '../core/ingest/ingest-feed';

export interface FetchLimits {
  /** Abort a fetch (connection, headers and body, every redirect) after this long. */
  timeoutMs: number;
  /** Refuse a feed larger than this, without reading further than the limit. */
  maxFeedBytes: number;
  /**
   * Addresses and ranges (`127.0.0.1`, `10.0.0.0/8`, `::1`) fetched from although they are inside
   * the network: local mode's NASHRA_FEED_ALLOW_ADDRESSES, for feeds served on loopback.
   */
  allowedAddresses?: readonly string[];
  /** Every address a host name resolves to (DNS by default). */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

/** Redirects followed before a fetch is given up: a WordPress move is one or two. */
const maxRedirects = 5;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * What a feed may never be fetched from (blind SSRF through a hijacked feed or one of its redirects):
 * the IANA special-purpose ranges (https://www.iana.org/assignments/iana-ipv4-special-registry,
 * https://www.iana.org/assignments/iana-ipv6-special-registry) that are not the public internet —
 * "this network", loopback, private, CGNAT, link-local (the cloud metadata endpoints 169.254.169.254
 * and fd00:ec2::254 among them), documentation, benchmarking, multicast and reserved — and the IPv6
 * forms that carry an IPv4 address into them. BlockList checks an IPv4-mapped IPv6 address
 * (`::ffff:127.0.0.1`) against the IPv4 ranges itself.
 */
const forbiddenRanges: Array<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  // Unspecified (::), loopback (::1) and the deprecated IPv4-compatible addresses.
  ['::', 96, 'ipv6'],
  // NAT64, which reaches any IPv4 address the gateway can.
  ['64:ff9b::', 96, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['100::', 64, 'ipv6'],
  // IETF protocol assignments: Teredo, ORCHID, benchmarking.
  ['2001::', 23, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  // 6to4, which carries an IPv4 address.
  ['2002::', 16, 'ipv6'],
  // Unique local (fd00::/8 among them), link-local, the old site-local, multicast.
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['fec0::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const forbidden = new BlockList();
for (const [network, prefix, family] of forbiddenRanges) forbidden.addSubnet(network, prefix, family);

const familyOf = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

function allowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    if (prefix === undefined) list.addAddress(address, familyOf(address));
    else list.addSubnet(address, Number(prefix), familyOf(address));
  }
  return list;
}

/** The connection-level refusal; `fetchFeed` says which hop it was. */
class ForbiddenAddressError extends ValidationError {
  constructor() {
    super('is a loopback, private, link-local or reserved address');
  }
}

/**
 * An undici Agent whose every connection goes only to addresses that were checked: a literal IP is
 * checked as it is; a host name is resolved once, ALL its addresses are checked, and the socket
 * connects to those very addresses (the check is the `lookup` net.connect uses), so no second DNS
 * answer can slip in between check and connect (DNS rebinding).
 */
function guardedAgent(limits: FetchLimits): Agent {
  const allowed = allowList(limits.allowedAddresses ?? []);
  const permitted = (address: string) =>
    allowed.check(address, familyOf(address)) || !forbidden.check(address, familyOf(address));
  const resolve = limits.resolve ?? ((hostname: string) => dns.lookup(hostname, { all: true }));
  const lookup = (
    hostname: string,
    options: LookupOneOptions & { all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0) return callback(new Error(`${hostname} has no address`), '');
        if (!addresses.every((entry) => permitted(entry.address)))
          return callback(new ForbiddenAddressError(), '');
        const [first] = addresses as [LookupAddress];
        return options.all ? callback(null, addresses) : callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, ''),
    );
  };
  const connectChecked = buildConnector({ lookup } as buildConnector.BuildOptions);
  return new Agent({
    connect: (options, callback) => {
      const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
      if (isIP(host) && !permitted(host)) return callback(new ForbiddenAddressError(), null);
      return connectChecked(options, callback);
    },
  });
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Whether a location is a URL (has a scheme) rather than a file path. */
export function isUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

const isHttp = (url: URL) => url.protocol === 'http:' || url.protocol === 'https:';

/**
 * Fetches a feed over http(s) with a deadline and a size cap: a server that never answers, answers an
 * error status, or sends more than `maxFeedBytes` is an Error that says which. Other schemes (file:,
 * ftp:, data:) are refused: a configured or staff-given feed is a web address. Redirects are followed
 * by hand, at most five, each to http(s) only, and every connection — the feed's and each hop's —
 * goes through `agent`, which refuses addresses inside the network.
 */
async function fetchFeed(location: string, limits: FetchLimits, agent: Agent): Promise<Uint8Array> {
  let url = new URL(location);
  if (!isHttp(url))
    throw new ValidationError(`is a ${url.protocol} URL; feeds are fetched over http or https only`);
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let redirects = 0;
  try {
    for (;;) {
      const response = await fetch(url, {
        signal,
        redirect: 'manual',
        dispatcher: agent,
        headers: {
          accept:
            'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5',
        },
      });
      const target = response.headers.get('location');
      if (!redirectStatuses.has(response.status) || !target) return await feedBody(response, limits);
      await response.body?.cancel();
      if (redirects === maxRedirects) throw new ValidationError(`redirects more than ${maxRedirects} times`);
      url = new URL(target, url);
      redirects += 1;
      if (!isHttp(url))
        throw new ValidationError(
          `redirects to a ${url.protocol} URL; feeds are fetched over http or https only`,
        );
    }
  } catch (error) {
    if (signal.aborted) throw new Error(`did not answer within ${limits.timeoutMs / 1000} s`);
    const cause = error instanceof Error ? (error.cause as Error | undefined) : undefined;
    if (cause instanceof ForbiddenAddressError)
      throw new ValidationError(
        redirects === 0
          ? `${cause.message}; nashra fetches feeds from public addresses only`
          : `redirects (hop ${redirects}) to an address that ${cause.message}; nashra fetches feeds from public addresses only`,
      );
    if (error instanceof Error && error.message === 'fetch failed')
      throw new Error(`could not be fetched (${cause?.message ?? 'network error'})`);
    throw error;
  }
}

async function feedBody(response: Response, limits: FetchLimits): Promise<Uint8Array> {
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`answered ${response.status} ${response.statusText}`.trim());
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limits.maxFeedBytes) {
    await response.body?.cancel();
    throw new ValidationError(`is ${mb(declared)}, over the ${mb(limits.maxFeedBytes)} limit for one feed`);
  }
  return readCapped(response, limits.maxFeedBytes);
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!response.body) return new Uint8Array();
  for await (const chunk of response.body) {
    total += chunk.length;
    if (total > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw new ValidationError(`is over the ${mb(maxBytes)} limit for one feed`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Reads a feed file, refusing one over the size cap before reading it. */
export async function readFeedFile(path: string, maxFeedBytes: number): Promise<Uint8Array> {
  const file = await open(path).catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === 'ENOENT' ? 'no such file' : `could not be read (${error.message})`);
  });
  try {
    const { size } = await file.stat();
    if (size > maxFeedBytes)
      throw new ValidationError(`is ${mb(size)}, over the ${mb(maxFeedBytes)} limit for one feed`);
    return await file.readFile();
  } finally {
    await file.close();
  }
}

/**
 * The reader of `nashra ingest` and the feed poller: URLs are fetched (from public addresses only,
 * but for `allowedAddresses`), anything else is a file path.
 */
export function createFeedReader(limits: FetchLimits): FeedReader {
  const agent = guardedAgent(limits);
  return {
    read: (location) =>
      isUrl(location) ? fetchFeed(location, limits, agent) : readFeedFile(location, limits.maxFeedBytes),
  };
}
