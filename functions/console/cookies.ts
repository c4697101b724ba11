import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

/**
 * The console's three cookies, and the only cookies nashra sets: the session (a random token naming a
 * server-side record), the CSRF token of the sign-in form (before there is a session), and the staff
 * member's language. All are HttpOnly, SameSite=Strict and scoped to /console, so the reader pages
 * never receive them; over https they are Secure and carry the `__Secure-` prefix, which a browser
 * refuses to set from plain http or without Secure.
 */
export type ConsoleCookie = 'session' | 'csrf' | 'lang';

const names: Record<ConsoleCookie, string> = {
  session: 'nashra-console-session',
  csrf: 'nashra-console-csrf',
  lang: 'nashra-console-lang',
};

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

const overHttps = (c: Context) => new URL(c.req.url).protocol === 'https:';

export function readCookie(c: Context, cookie: ConsoleCookie): string | undefined {
  return overHttps(c) ? getCookie(c, names[cookie], 'secure') : getCookie(c, names[cookie]);
}

/** Sets a cookie: the session and CSRF ones for the browser session, the language for a year. */
export function writeCookie(c: Context, cookie: ConsoleCookie, value: string): void {
  setCookie(c, names[cookie], value, {
    path: '/console',
    httpOnly: true,
    sameSite: 'Strict',
    ...(overHttps(c) ? { secure: true, prefix: 'secure' as const } : {}),
    ...(cookie === 'lang' ? { maxAge: ONE_YEAR_SECONDS } : {}),
  });
}

export function clearCookie(c: Context, cookie: ConsoleCookie): void {
  deleteCookie(c, names[cookie], {
    path: '/console',
    ...(overHttps(c) ? { secure: true, prefix: 'secure' as const } : {}),
  });
}
