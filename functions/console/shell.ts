import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { consoleCopy } from '../../templates/console/console-copy';
import { notice } from '../../templates/console/forms';
import { renderConsolePage } from '../../templates/console/layout';
import { zoneName } from '../../templates/console/time';
import { html } from '../../templates/escape';
import { PayloadTooLargeError } from '../core/errors';
import { currentSession } from '../core/staff/sessions';
import type { Runtime } from '../runtime/runtime';
import { staffParts } from '../runtime/staff';
import type { ConsoleEnv, ConsolePageView, ConsoleSection } from './console-env';
import { readCookie, writeCookie } from './cookies';

/** Where a signed-in staff member lands. */
export const HOME_PATH = '/console/overview';

/** Lambda's request payload limit: nothing larger reaches the console function on AWS anyway. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

const safeMethod = (method: string) => method === 'GET' || method === 'HEAD';

/**
 * Headers of every console answer: the reader pages' CSP (nothing from elsewhere, no script; frames
 * only of the console's own, the digest's sandboxed previews) plus no framing (the console's buttons
 * must never sit under another site's page), never cached, never indexed, no referrer. An answer that
 * sets a Content-Security-Policy of its own keeps it (a preview frame: sandboxed, framed by the
 * console's pages only), and may then be framed by the same origin.
 */
export function consoleHeaders(): MiddlewareHandler {
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: ["'unsafe-inline'"],
      imgSrc: ["'self'"],
      frameSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
  });
  return async (c, next) => {
    let ownPolicy: string | null = null;
    await headers(c, async () => {
      await next();
      ownPolicy = c.res.headers.get('Content-Security-Policy');
      c.header('Cache-Control', 'no-store');
      c.header('X-Robots-Tag', 'noindex, nofollow');
    });
    if (ownPolicy) {
      c.res.headers.set('Content-Security-Policy', ownPolicy);
      c.res.headers.set('X-Frame-Options', 'SAMEORIGIN');
    }
  };
}

/**
 * The page's language: `?lang=ar|en` on a GET switches it (and the language cookie remembers it),
 * else the cookie, else Arabic.
 */
export const consoleLanguage: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  const asked = c.req.query('lang');
  let lang = readCookie(c, 'lang');
  if (safeMethod(c.req.method) && (asked === 'ar' || asked === 'en')) {
    lang = asked;
    writeCookie(c, 'lang', asked);
  }
  c.set('lang', lang === 'en' ? 'en' : 'ar');
  await next();
};

/**
 * A state-changing request must come from the console's own pages: its Origin is this request's own
 * origin or the stage's public one (`baseUrl`, when a CDN or custom domain fronts the API), or the
 * browser says it is same-origin (Sec-Fetch-Site). Neither header (not a browser form) is refused too.
 * hono's csrf middleware does the checking; forms then also carry a token (`requireCsrfToken`).
 */
export function sameOriginOnly(baseUrl: string): MiddlewareHandler {
  const publicOrigin = new URL(baseUrl).origin;
  return csrf({ origin: (origin, c) => origin === new URL(c.req.url).origin || origin === publicOrigin });
}

/** Bodies up to Lambda's payload limit; anything larger is a 413 page. */
export const consoleBodyLimit: MiddlewareHandler = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new PayloadTooLargeError('the request is too large');
  },
});

/** Compares two tokens in constant time. */
export function sameToken(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The form's fields (urlencoded or multipart; anything else has none), parsed once per request. */
export async function formOf(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return {};
  return (await c.req.parseBody()) as Record<string, unknown>;
}

/** A `/console` path (and query) to go back to after signing in; anything else is not followed. */
export function safeNext(next: unknown): string | undefined {
  if (typeof next !== 'string' || next.length > 512) return undefined;
  if (!/^\/console(\/[\w\-.~%/]*)?(\?[\w\-.~%&=+]*)?$/.test(next)) return undefined;
  if (next.includes('//') || next.startsWith('/console/sign-in')) return undefined;
  // A browser resolves `.` and `..` segments, written or percent-encoded, before it follows them.
  const path = next.split('?')[0] ?? '';
  if (/%2e/i.test(path) || path.split('/').some((segment) => /^\.+$/.test(segment))) return undefined;
  return next;
}

/** The error pages of the console: the status's words, in the staff member's language. */
const errorWords = (lang: 'ar' | 'en', status: number) => {
  const words = consoleCopy[lang].errors;
  if (status === 404) return words.notFound;
  if (status === 403) return words.forbidden;
  if (status === 401) return words.unauthorised;
  if (status === 429) return words.tooMany;
  if (status >= 500) return words.failed;
  return words.badRequest;
};

/**
 * How the shell draws pages: `render` for sections (the console layout with the navigation, the
 * language switch, who is signed in and sign-out), `publicPage` for the sign-in steps (no navigation),
 * `errorPage` for refusals and failures.
 */
export function consolePages(runtime: Runtime, sections: readonly ConsoleSection[]) {
  const zone = (lang: 'ar' | 'en') => zoneName(lang, runtime.config.timeZone);

  /** This page in the other language: the same address for a GET, the section's page otherwise. */
  function switchHref(c: Context<ConsoleEnv>, section: string | undefined): string {
    const other = c.get('lang') === 'ar' ? 'en' : 'ar';
    const url = new URL(c.req.url);
    if (!safeMethod(c.req.method)) return `/console${section ?? '/overview'}?lang=${other}`;
    url.searchParams.set('lang', other);
    return `${url.pathname}?${url.searchParams.toString()}`;
  }

  function render(c: Context<ConsoleEnv>, view: ConsolePageView): Response {
    const lang = c.get('lang');
    const staff = c.get('staff');
    const page = renderConsolePage({
      lang,
      title: view.title,
      body: view.body,
      nav: staff
        ? sections.map((section) => ({
            href: `/console${section.path}`,
            label: section.nav[lang],
            current: section.path === view.section,
          }))
        : undefined,
      staff: staff ? { email: staff.email, csrf: c.get('csrf') } : undefined,
      switchHref: switchHref(c, view.section),
      notice: view.notice,
      zone: zone(lang),
    });
    return c.html(page, (view.status ?? 200) as ContentfulStatusCode);
  }

  function errorPage(c: Context<ConsoleEnv>, status: number): Response {
    const lang = c.get('lang') ?? 'ar';
    const words = consoleCopy[lang];
    const signIn = status === 401;
    return render(c, {
      title: errorWords(lang, status),
      body: html`${notice(errorWords(lang, status), 'error')}
<p><a href="${signIn ? '/console/sign-in' : HOME_PATH}">${signIn ? words.signIn.again : words.errors.back}</a></p>`,
      status,
    });
  }

  return { render, errorPage };
}

/**
 * The session guard of every route behind sign-in: the session cookie must name a live, signed-in
 * session (not one still answering a challenge, not one signed out, idle too long, too old or of a
 * removed staff member). Without one, a page redirects to sign-in (and back after it) and an action
 * is a 401. With one, the request carries who it is and the session's CSRF token.
 */
export function requireSession(
  runtime: Runtime,
  errorPage: (c: Context<ConsoleEnv>, status: number) => Response,
): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const staff = staffParts(runtime);
    const session = await currentSession(
      staff.sessions,
      readCookie(c, 'session'),
      staff.clock.now(),
      staff.policy,
    );
    if (session?.state !== 'signed-in' || !session.staff) {
      if (!safeMethod(c.req.method)) return errorPage(c, 401);
      const url = new URL(c.req.url);
      url.searchParams.delete('lang');
      const back = safeNext(`${url.pathname}${url.search}`);
      return c.redirect(
        `/console/sign-in${back && back !== '/console' ? `?next=${encodeURIComponent(back)}` : ''}`,
        303,
      );
    }
    c.set('staff', session.staff);
    c.set('csrf', session.csrf);
    await next();
  };
}

/** Every state-changing request behind sign-in carries the session's CSRF token as `_csrf`, or is a 403. */
export function requireCsrfToken(
  errorPage: (c: Context<ConsoleEnv>, status: number) => Response,
): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (safeMethod(c.req.method)) return next();
    const form = await formOf(c);
    if (!sameToken(form._csrf, c.get('csrf'))) return errorPage(c, 403);
    await next();
  };
}

/** The status of a refusal hono itself raised (the origin check's 403), or undefined. */
export const httpStatusOf = (error: unknown) => (error instanceof HTTPException ? error.status : undefined);
