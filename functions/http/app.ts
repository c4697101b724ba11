import { type Context, Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ErrorStatus, errorPage } from '../../templates/pages/pages';
import type { ConsoleEnv } from '../console/console-env';
import { metricNames } from '../core/metrics';
import type { Runtime } from '../runtime/runtime';
import { statusForError } from '../shared/http-errors';
import { logger, logSafeError } from '../shared/logger';
import { archiveRoutes } from './archive-routes';
import { ingestRoutes } from './ingest-routes';
import { previewRoutes } from './preview-routes';
import { type ReaderEnv, readerLanguageOf } from './reader-language';
import { type SubscriberRouteOptions, subscriberRoutes } from './subscriber-routes';

export interface AppOptions extends SubscriberRouteOptions {
  /** Where local mode's mail viewer is, shown on the index page; absent on AWS. */
  mailViewer?: string;
  /**
   * The staff console (functions/console/app.ts), served by the same server in `nashra dev`; on AWS
   * it is a function of its own and the reader app serves no `/console` route.
   */
  console?: Hono<ConsoleEnv>;
}

/**
 * The HTTP API, one Hono app for Lambda (API Gateway) and for `nashra dev` (Node server). Pages are
 * server-rendered and need no JavaScript; no third-party asset is ever referenced.
 */
export function createApp(runtime: Runtime, options: AppOptions = {}): Hono<ReaderEnv> {
  const app = new Hono<ReaderEnv>();
  // First, so that its own headers, cookies and error pages answer every /console path.
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
  app.route('/', ingestRoutes(runtime));
  app.route('/', previewRoutes(runtime));
  app.route('/', archiveRoutes(runtime));
  app.route('/', subscriberRoutes(runtime, options));

  app.get('/', (c) =>
    c.html(`<!doctype html>
<html lang="en" dir="ltr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>nashra · نشرة</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>nashra <span lang="ar" dir="rtl">نشرة</span></h1>
<p>The newsletter and alert service of the network is running.</p>
<ul><li><a href="/subscribe?lang=ar" hreflang="ar" lang="ar" dir="rtl">اشترك في النشرة</a></li><li><a href="/subscribe?lang=en" hreflang="en">Subscribe to the bulletin</a></li>${options.mailViewer ? `<li><a href="${options.mailViewer}">Mail sent in local mode</a></li>` : ''}</ul>
</body></html>`),
  );

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
