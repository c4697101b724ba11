import type { Hono } from 'hono';
import type { ConsoleEnv } from '../console/console-env';
import type { Runtime } from '../runtime/runtime';
import { httpApp } from './app-shell';
import { archiveRoutes } from './archive-routes';
import { previewRoutes } from './preview-routes';
import type { ReaderEnv } from './reader-language';
import { type SubscriberRouteOptions, subscriberRoutes } from './subscriber-routes';

export interface AppOptions extends SubscriberRouteOptions {
  /** Where local mode's mail viewer is, shown on the index page; absent on AWS. */
  mailViewer?: string;
  /**
   * The staff console (functions/console/app.ts), served by the same server in `nashra dev`; on AWS
   * it is a function of its own and the reader app serves no `/console` route.
   */
  console?: Hono<ConsoleEnv>;
  /**
   * The staff ingest route (`ingestRoutes`, functions/http/ingest-routes.ts), served by the same server
   * in `nashra dev`; on AWS it is a function of its own (functions/handlers/ingest-api.ts), so the
   * readers' function carries no feed parser or HTML sanitiser.
   */
  ingest?: Hono;
}

/**
 * The readers' HTTP API, one Hono app for Lambda (API Gateway) and for `nashra dev` (Node server):
 * subscribe, confirm, preferences, unsubscribe, the archive and (local mode) the previews, with the
 * console and the ingest route where the options give them.
 */
export function createApp(runtime: Runtime, options: AppOptions = {}): Hono<ReaderEnv> {
  return httpApp(
    runtime,
    (app) => {
      if (options.ingest) app.route('/', options.ingest);
      app.route('/', previewRoutes(runtime));
      app.route('/', archiveRoutes(runtime));
      app.route('/', subscriberRoutes(runtime, options));
      app.get('/', (c) => c.html(indexPage(options.mailViewer)));
    },
    options.console ? { console: options.console } : {},
  );
}

/** The index page: what the service is, the two subscribe pages and (local mode) the mail viewer. */
function indexPage(mailViewer: string | undefined): string {
  return `<!doctype html>
<html lang="en" dir="ltr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>nashra · نشرة</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>nashra <span lang="ar" dir="rtl">نشرة</span></h1>
<p>The newsletter and alert service of the network is running.</p>
<ul><li><a href="/subscribe?lang=ar" hreflang="ar" lang="ar" dir="rtl">اشترك في النشرة</a></li><li><a href="/subscribe?lang=en" hreflang="en">Subscribe to the bulletin</a></li>${mailViewer ? `<li><a href="${mailViewer}">Mail sent in local mode</a></li>` : ''}</ul>
</body></html>`;
}
