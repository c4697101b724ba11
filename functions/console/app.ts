import { type Context, Hono } from 'hono';
import { writeAudit } from '../core/staff/audit';
import type { Runtime } from '../runtime/runtime';
import { statusForError } from '../shared/http-errors';
import { logger, logSafeError } from '../shared/logger';
import type { AuditEntry, ConsoleContext, ConsoleEnv, ConsoleSection } from './console-env';
import {
  consoleBodyLimit,
  consoleHeaders,
  consoleLanguage,
  consolePages,
  HOME_PATH,
  httpStatusOf,
  requireCsrfToken,
  requireSession,
  sameOriginOnly,
} from './shell';
import { type SignInRouteOptions, signInRoutes, signOutRoute } from './sign-in-routes';

export interface ConsoleAppOptions extends SignInRouteOptions {
  /** The console's sections, in the navigation's order (functions/console/sections.ts). */
  sections: ConsoleSection[];
}

/** The console's routes that need no session: the sign-in steps. Every other route needs one. */
export const publicConsoleRoutes = ['/console/sign-in', '/console/sign-in/:step'] as const;

/**
 * The staff console under `/console`: server-rendered pages like the reader pages (no JavaScript, no
 * third-party asset), on the same use cases as the CLI. Sign-in is outside the guard; every other
 * route — each section's and the shell's own — is behind the session check and, for anything but a
 * GET, the origin check and the session's CSRF token. Every section gets the same `render` (the
 * console layout) and `audit` (one entry for the signed-in staff member). The app serves `/console`
 * paths only: `nashra dev` mounts it in front of the reader app, the console function serves it alone.
 */
export function createConsoleApp(runtime: Runtime, options: ConsoleAppOptions): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const pages = consolePages(runtime, options.sections);

  app.use(
    '/console/*',
    consoleHeaders(),
    consoleLanguage,
    sameOriginOnly(runtime.config.baseUrl),
    consoleBodyLimit,
  );

  app.route('/console', signInRoutes(runtime, pages, options));

  const guarded = new Hono<ConsoleEnv>();
  guarded.use('*', requireSession(runtime, pages.errorPage), requireCsrfToken(pages.errorPage));
  const context: ConsoleContext = {
    runtime,
    render: pages.render,
    audit: async (c: Context<ConsoleEnv>, entry: AuditEntry) => {
      await writeAudit(
        { audit: runtime.repos.audit, clock: runtime.clock },
        { kind: 'staff', ...c.get('staff') },
        entry,
      );
    },
  };
  guarded.get('/', (c) => c.redirect(HOME_PATH, 303));
  signOutRoute(runtime)(guarded);
  for (const section of options.sections) section.register(guarded, context);
  guarded.all('*', (c) => pages.errorPage(c, 404));
  app.route('/console', guarded);

  app.onError((error, c) => {
    const status = httpStatusOf(error) ?? statusForError(error);
    // The route pattern, never the path: a path may name a reader or an issue.
    if (status >= 500)
      logger.error('console request failed', {
        method: c.req.method,
        route: c.req.routePath,
        error: logSafeError(error),
      });
    return pages.errorPage(c, status);
  });
  return app;
}
