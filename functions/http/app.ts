import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { statusForError } from '../shared/http-errors';
import { logger } from '../shared/logger';
import { type IngestRouteOptions, ingestRoutes } from './ingest-routes';
import { previewRoutes } from './preview-routes';

export interface AppLinks {
  /** Where local mode's mail viewer is, shown on the index page; absent on AWS. */
  mailViewer?: string;
}

/**
 * The HTTP API, one Hono app for Lambda (API Gateway) and for `nashra dev` (Node server). Pages are
 * server-rendered and need no JavaScript; no third-party asset is ever referenced.
 */
export function createApp(links: AppLinks = {}, deps: { ingest?: IngestRouteOptions } = {}): Hono {
  const app = new Hono();
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'https:'],
        formAction: ["'self'"],
      },
      referrerPolicy: 'no-referrer',
    }),
  );

  app.get('/health', (c) => c.json({ ok: true }));
  app.route('/', ingestRoutes(deps.ingest));
  app.route('/', previewRoutes());

  app.get('/', (c) =>
    c.html(`<!doctype html>
<html lang="en" dir="ltr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>nashra · نشرة</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>nashra <span lang="ar" dir="rtl">نشرة</span></h1>
<p>The newsletter and alert service of the network is running.</p>
<ul>${links.mailViewer ? `<li><a href="${links.mailViewer}">Mail sent in local mode</a></li>` : ''}</ul>
</body></html>`),
  );

  app.onError((error, c) => {
    const status = statusForError(error);
    if (status === 500) logger.error('request failed', { path: c.req.path, error });
    return c.text(status === 500 ? 'Something went wrong.' : error.message, status);
  });
  return app;
}
