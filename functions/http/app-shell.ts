import { type Context, Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ErrorStatus, errorPage } from '../../templates/pages/pages';
import type { ConsoleEnv } from '../console/console-env';
import { metricNames } from '../core/metrics';
import type { Runtime } from '../runtime/runtime';
import { statusForError } from '../shared/http-errors';
import { logger, logSafeError } from '../shared/logger';
import { type ReaderEnv, readerLanguageOf } from './reader-language';

/**
 * What every nashra HTTP app shares, whichever routes it serves (the readers' function, the staff
 * ingest function, `nashra dev`'s server): security headers, `/health`, the routes `mount` adds, and
 * one answer for an unknown path and for each error. Pages are server-rendered and need no
 * JavaScript; no third-party asset is ever referenced. `console` (functions/console/app.ts) is mounted
 * first, so that its own headers, cookies and error pages answer every /console path.
 */
export function httpApp(
  runtime: Runtime,
  mount: (app: Hono<ReaderEnv>) => void,
  options: { console?: Hono<ConsoleEnv> } = {},
): Hono<ReaderEnv> {
  const app = new Hono<ReaderEnv>();
  if (options.console) app.route('/', options.console);
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        // Pages load nothing from elsewhere, images included (the archive shows none).
        imgSrc: ["'self'"],
        formAction: ["'self'"],
      },
      // No Referer ever leaves for another site. Not `no-referrer`: under it a browser sends
      // `Origin: null` with every form POST, our own included, and `POST /subscribe` refuses that
      // (https://fetch.spec.whatwg.org/#origin-header).
      referrerPolicy: 'same-origin',
    }),
  );

  app.get('/health', (c) => c.json({ ok: true }));
  mount(app);

  // The same answer for every unknown address as for a forged or revoked link: a 404 says nothing more.
  app.notFound((c) => notFound(c));

  app.onError((error, c) => {
    const status = statusForError(error);
    // Whatever refused a link (its signature, its purpose, its version, no such reader), and in
    // whichever language the route had begun to speak: the one answer of a page that does not exist.
    if (status === 404 && !c.req.path.startsWith('/api/')) return notFound(c);
    // The route pattern, never the path: paths carry link tokens, which are credentials.
    if (status >= 500) {
      logger.error('request failed', {
        method: c.req.method,
        route: c.req.routePath,
        error: logSafeError(error),
      });
      // Lambda's Errors metric never sees a request the app answered: this count is what the alarm watches.
      runtime.metrics.count(metricNames.apiServerErrors, 1);
    }
    const message = status === 500 ? 'Something went wrong.' : error.message;
    if (c.req.path.startsWith('/api/')) return c.text(message, status);
    if (wantsJson(c)) return c.json({ error: message }, status);
    return c.html(errorPage({ status: pageStatusOf(status), lang: readerLanguageOf(c) }), status);
  });
  return app;
}

/** A page that does not exist, for a browser (the bilingual page) or a JSON client, always the same bytes. */
function notFound(c: Context): Response {
  if (wantsJson(c)) return c.json({ error: 'not found' }, 404);
  return c.html(errorPage({ status: 404 }), 404);
}

const pageStatuses: readonly ErrorStatus[] = [400, 403, 404, 410, 413, 415, 429, 500];

/** The error page nearest a status: its own where one is written, else the general 400 or 500. */
function pageStatusOf(status: ContentfulStatusCode): ErrorStatus {
  return (pageStatuses as readonly number[]).includes(status)
    ? (status as ErrorStatus)
    : status >= 500
      ? 500
      : 400;
}

/** A JSON client (a JSON body, or JSON asked for and HTML not): errors as `{ "error": … }`. */
function wantsJson(c: Context): boolean {
  const type = c.req.header('content-type') ?? '';
  const accept = c.req.header('accept') ?? '';
  return (
    type.startsWith('application/json') ||
    (accept.includes('application/json') && !accept.includes('text/html'))
  );
}
