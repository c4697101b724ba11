import { open } from 'node:fs/promises';
import { ValidationError } from '../core/errors';
import type { FeedReader } from '../core/ingest/ingest-feed';

export interface FetchLimits {
  /** Abort a fetch (connection, headers and body) after this long. */
  timeoutMs: number;
  /** Refuse a feed larger than this, without reading further than the limit. */
  maxFeedBytes: number;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Whether a location is a URL (has a scheme) rather than a file path. */
export function isUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

/**
 * Fetches a feed over http(s) with a deadline and a size cap: a server that never answers, answers an
 * error status, or sends more than `maxFeedBytes` is an Error that says which. Other schemes (file:,
 * ftp:, data:) are refused: a configured or staff-given feed is a web address.
 */
export async function fetchFeed(location: string, limits: FetchLimits): Promise<Uint8Array> {
  const url = new URL(location);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ValidationError(`is a ${url.protocol} URL; feeds are fetched over http or https only`);
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    const response = await fetch(url, {
      signal,
      redirect: 'follow',
      headers: {
        accept:
          'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5',
      },
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`answered ${response.status} ${response.statusText}`.trim());
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > limits.maxFeedBytes) {
      await response.body?.cancel();
      throw new ValidationError(`is ${mb(declared)}, over the ${mb(limits.maxFeedBytes)} limit for one feed`);
    }
    return await readCapped(response, limits.maxFeedBytes);
  } catch (error) {
    if (signal.aborted) throw new Error(`did not answer within ${limits.timeoutMs / 1000} s`);
    if (error instanceof Error && error.message === 'fetch failed')
      throw new Error(
        `could not be fetched (${(error.cause as Error | undefined)?.message ?? 'network error'})`,
      );
    throw error;
  }
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

/** The reader of `nashra ingest`: URLs are fetched, anything else is a file path. */
export function createFeedReader(limits: FetchLimits): FeedReader {
  return {
    read: (location) =>
      isUrl(location) ? fetchFeed(location, limits) : readFeedFile(location, limits.maxFeedBytes),
  };
}
