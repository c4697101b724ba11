import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod';
import { UnauthorizedError, ValidationError } from '../core/errors';
import type { ParsedFeed } from '../core/ingest/feed-item';
import { hasRejections, ingestParsedFeed } from '../core/ingest/ingest-feed';
import { feedParsingParts } from '../runtime/feed-parsing';
import type { Runtime } from '../runtime/runtime';
import { httpApp } from './app-shell';

const querySchema = z.object({
  lang: z.enum(['ar', 'en']).optional(),
  urgent: z.enum(['true', 'false']).optional(),
});

/** `{ "articles": [...] }` or `{ "feed": "<rss…>" }`; any other JSON goes to the parser as it is. */
const wrappedBodySchema = z.union([
  z.object({ articles: z.array(z.unknown()) }).strict(),
  z.object({ feed: z.string() }).strict(),
]);

/** The IAM identity API Gateway's authoriser puts in the request context (hono/aws-lambda's `c.env`). */
const iamCallerSchema = z.object({
  requestContext: z
    .object({ authorizer: z.object({ iam: z.object({ userArn: z.string().min(1) }).loose() }).loose() })
    .loose(),
});

/** Constant-time comparison of the bearer token with the key (hashed first, so lengths do not leak). */
function bearerMatches(header: string | undefined, key: string): boolean {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (!token) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(token), digest(key));
}

/**
 * `POST /api/articles`: the staff ingest endpoint. The body is a JSON list of articles, a JSON object
 * `{ "articles": [...] }` or `{ "feed": "<document>" }`, a JSON Feed, or an RSS/Atom document sent as
 * XML; `?lang=ar|en` gives the language of items that do not say, `?urgent=true` flags every item.
 * Answers the ingest report: 200 when everything was taken, 422 when anything was rejected (the good
 * items are stored all the same), 400 when the body is not a feed at all.
 *
 * Authorisation: on AWS, API Gateway lets only IAM-signed requests reach this route (the route's
 * authoriser), and the function checks that the request carries the IAM identity the authoriser set. Locally there is no IAM: the request must carry
 * `Authorization: Bearer <ingest key>` (NASHRA_INGEST_KEY, or NASHRA_HOME/ingest.key).
 */
export function ingestRoutes(runtime: Runtime): Hono {
  const routes = new Hono();
  const settings = () => runtime.config;

  routes.post(
    '/api/articles',
    async (c, next) => {
      const { mode, ingestKey } = settings();
      if (mode === 'local' && !(ingestKey && bearerMatches(c.req.header('authorization'), ingestKey)))
        throw new UnauthorizedError('a valid "Authorization: Bearer <ingest key>" header is required');
      // API Gateway's IAM authoriser guards the exact route; a look-alike path that falls through to
      // the public default route arrives without an IAM identity and is refused here.
      if (mode === 'aws' && !iamCallerSchema.safeParse(c.env).success)
        throw new UnauthorizedError('this route needs an IAM-signed request');
      await next();
    },
    (c, next) =>
      bodyLimit({
        maxSize: settings().ingest.maxFeedBytes,
        onError: (limited) => limited.json({ error: 'the body is over the size limit for one feed' }, 413),
      })(c, next),
    async (c) => {
      const query = querySchema.safeParse(c.req.query());
      if (!query.success) throw new ValidationError('lang must be ar or en, urgent true or false');
      const services = feedParsingParts(runtime);
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      let parsed: ParsedFeed;
      try {
        parsed = services.parser.parse(unwrap(bytes));
      } catch (error) {
        throw new ValidationError(`the body ${(error as Error).message}`);
      }
      const report = await ingestParsedFeed(
        services,
        { location: 'POST /api/articles', lang: query.data.lang, urgent: query.data.urgent === 'true' },
        parsed,
      );
      return c.json(report, hasRejections(report) ? 422 : 200);
    },
  );
  return routes;
}

/**
 * The staff ingest function's app on AWS (functions/handlers/ingest-api.ts): the ingest route alone,
 * with the headers and error answers of every nashra app.
 */
export function ingestApp(runtime: Runtime) {
  return httpApp(runtime, (app) => app.route('/', ingestRoutes(runtime)));
}

/** The document inside a `{ articles }` or `{ feed }` wrapper; anything else unchanged. */
function unwrap(bytes: Uint8Array): Uint8Array {
  const start = bytes.findIndex((byte) => byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09);
  if (bytes[start] !== 0x7b) return bytes;
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return bytes;
  }
  const wrapped = wrappedBodySchema.safeParse(body);
  if (!wrapped.success) return bytes;
  if ('feed' in wrapped.data) return new TextEncoder().encode(wrapped.data.feed);
  try {
    return new TextEncoder().encode(JSON.stringify(wrapped.data.articles));
  } catch {
    // JSON.stringify recurses: a list nested tens of thousands deep overflows the stack.
    throw new Error('is nested too deeply to be a list of articles');
  }
}
