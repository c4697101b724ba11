import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleAppOptions, createConsoleApp, publicConsoleRoutes } from '../../functions/console/app';
import type { AuditEntry, ConsoleEnv, ConsoleSection } from '../../functions/console/console-env';
import { consoleSections } from '../../functions/console/sections';
import { HOME_PATH } from '../../functions/console/shell';
import type { Clock } from '../../functions/core/ports';
import { addStaffAccount } from '../../functions/core/staff/accounts';
import { signedInSession } from '../../functions/core/staff/sessions';
import type { StaffMember } from '../../functions/core/staff/staff';
import type { Runtime } from '../../functions/runtime/runtime';
import { type StaffParts, staffParts } from '../../functions/runtime/staff';
import { openTestStack, type TestStack } from './test-stack';

/** A clock the test moves by hand (the console's sessions run on it; Cognito's tokens on real time). */
export interface MutableClock extends Clock {
  advance(ms: number): void;
}

export function mutableClock(start = new Date()): MutableClock {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
  };
}

/** The address the console is asked at in these tests; a browser's form POST carries it as Origin. */
export const CONSOLE_ORIGIN = 'http://console.test';

/**
 * A browser of its own against the console app: it keeps the cookies the console sets (and sends
 * back those of /console), and posts forms as a browser does, with the page's Origin and
 * `Sec-Fetch-Site: same-origin` unless told otherwise.
 */
export class ConsoleBrowser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: Hono<ConsoleEnv>,
    /** The client address the console's limits see (the app of a harness reads x-test-client). */
    readonly client = '192.0.2.10',
  ) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(path, { method: 'GET', headers: { 'sec-fetch-site': 'none', ...headers } });
  }

  /** A form POST (URL-encoded); a field given as a list is repeated (ticked checkboxes). */
  async post(
    path: string,
    fields: Record<string, string | readonly string[]>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields))
      for (const item of [value].flat()) body.append(name, item);
    return this.send(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: CONSOLE_ORIGIN,
        'sec-fetch-site': 'same-origin',
        ...headers,
      },
      body: body.toString(),
    });
  }

  /** A multipart form POST (a file upload), as a browser sends one from the page. */
  async postMultipart(path: string, form: FormData): Promise<Response> {
    return this.send(path, {
      method: 'POST',
      headers: { origin: CONSOLE_ORIGIN, 'sec-fetch-site': 'same-origin' },
      body: form,
    });
  }

  /** The CSRF token a page's forms carry. */
  static csrfOf(page: string): string {
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
    if (!token) throw new Error('the page has no form with a CSRF token');
    return token;
  }

  /** Signs in through the form as a person does: the page, then its form. Returns the form's answer. */
  async signIn(email: string, password: string, next?: string): Promise<Response> {
    const page = await (await this.get('/console/sign-in')).text();
    return this.post('/console/sign-in', {
      _csrf: ConsoleBrowser.csrfOf(page),
      email,
      password,
      ...(next ? { next } : {}),
    });
  }

  private async send(
    path: string,
    init: RequestInit & { headers: Record<string, string> },
  ): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await this.app.request(`${CONSOLE_ORIGIN}${path}`, {
      ...init,
      headers: { ...init.headers, ...(cookie ? { cookie } : {}), 'x-test-client': this.client },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (/Max-Age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}

export interface ConsoleHarness {
  stack: TestStack;
  /** The console's runtime: the suite's stack, on the harness's clock. */
  runtime: Runtime;
  staff: StaffParts;
  clock: MutableClock;
  app: Hono<ConsoleEnv>;
  browser(client?: string): ConsoleBrowser;
  /** A staff account that may sign in at once (`nashra staff add --password-stdin`). */
  addStaff(email?: string): Promise<{ member: StaffMember; email: string; password: string }>;
  /**
   * A signed-in session for `member` begun at `at` (default: now), stored as sign-in stores it, and a
   * browser holding its cookie: for the route checks, which need sessions of every age quickly.
   */
  browserSignedInAs(member: StaffMember, at?: Date): Promise<{ browser: ConsoleBrowser; csrf: string }>;
  close(): Promise<void>;
}

let accounts = 0;

/**
 * The console app on a local test stack with its staff identity service (cognito-local, started for
 * the suite as `nashra dev` starts it), its sessions on a clock the test moves, and a client address
 * per test browser.
 */
export async function openConsoleHarness(
  options: Partial<ConsoleAppOptions> & { env?: NodeJS.ProcessEnv } = {},
): Promise<ConsoleHarness> {
  const stack = await openTestStack({ POWERTOOLS_LOG_LEVEL: 'ERROR', ...options.env }, { staff: true });
  const clock = mutableClock();
  const runtime = stack.withClock(clock);
  const app = createConsoleApp(runtime, {
    sections: options.sections ?? consoleSections(),
    clientAddress: (c) => c.req.header('x-test-client'),
  });
  const staff = staffParts(runtime);
  return {
    stack,
    runtime,
    staff,
    clock,
    app,
    browser: (client) => new ConsoleBrowser(app, client),
    async addStaff(email) {
      accounts += 1;
      const address = email ?? `officer${accounts}-${Date.now().toString(36)}@nashra.example`;
      const password = `Correct-horse-${accounts}-battery`;
      const { account } = await addStaffAccount(
        staff,
        { kind: 'cli', name: 'test' },
        { email: address, password },
      );
      return { member: { id: account.id, email: account.email }, email: address, password };
    },
    async browserSignedInAs(member, at = clock.now()) {
      const { token, session } = signedInSession(member, at, staff.policy);
      await staff.sessions.create(session);
      const browser = new ConsoleBrowser(app);
      browser.cookies.set('nashra-console-session', token);
      return { browser, csrf: session.csrf };
    },
    close: () => stack.close(),
  };
}

export interface ConsoleRoute {
  method: string;
  /** The route's pattern, as registered. */
  path: string;
  /** A path that matches it: each `:param` filled in with `x`. */
  example: string;
}

/**
 * Every route the console app has registered but the public sign-in steps: the routes that must each
 * refuse a request without a live session. Middleware and the catch-all (method ALL) are left out; a
 * `:param{regex}` is filled with `x` all the same (the guard answers before any route matches).
 */
export function guardedConsoleRoutes(app: Hono<ConsoleEnv>): ConsoleRoute[] {
  const seen = new Set<string>();
  return app.routes
    .filter(
      (route) => route.method !== 'ALL' && !(publicConsoleRoutes as readonly string[]).includes(route.path),
    )
    .map((route) => ({
      method: route.method,
      path: route.path,
      example: route.path.replace(/:\w+(\{[^}]*\})?/g, 'x'),
    }))
    .filter((route) => {
      const key = `${route.method} ${route.path}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

const idempotent = (method: string) => method === 'GET' || method === 'HEAD';

/**
 * The checks every console route must pass, over whatever routes the app has registered — a new
 * route is covered without a new test. For a section's own suite: `describeConsoleRouteGuards(
 * 'the schedules section', { sections: [schedulesSection] })`.
 */
export function describeConsoleRouteGuards(
  name: string,
  options: {
    sections?: ConsoleSection[];
    /** Routes (`POST /console/digest/:name/send`) that must be among those checked. */
    covers?: string[];
  } = {},
): void {
  describe(`${name}: every route refuses what it must`, () => {
    let harness: ConsoleHarness;
    let member: StaffMember;
    let routes: ConsoleRoute[];

    beforeAll(async () => {
      harness = await openConsoleHarness(options);
      member = { id: `staff-${Date.now()}`, email: 'route-check@nashra.example' };
      routes = guardedConsoleRoutes(harness.app);
    });
    afterAll(() => harness?.close());

    async function attempt(
      browser: ConsoleBrowser,
      route: ConsoleRoute,
      fields: Record<string, string> = {},
    ) {
      const method = route.method.toUpperCase();
      if (idempotent(method)) return browser.get(route.example);
      if (method === 'POST') return browser.post(route.example, fields);
      return harness.app.request(`${CONSOLE_ORIGIN}${route.example}`, {
        method,
        headers: {
          origin: CONSOLE_ORIGIN,
          'sec-fetch-site': 'same-origin',
          cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
    }

    function expectRefusedForWantOfSession(route: ConsoleRoute, response: Response) {
      const where = `${route.method} ${route.path}`;
      if (idempotent(route.method.toUpperCase())) {
        expect(response.status, where).toBe(303);
        expect(response.headers.get('location'), where).toMatch(/^\/console\/sign-in/);
      } else expect(response.status, where).toBe(401);
    }

    it('has routes to check: the shell’s own, every section’s, and those named', () => {
      const named = routes.map((route) => `${route.method} ${route.path}`);
      expect(named).toEqual(expect.arrayContaining(['POST /console/sign-out', ...(options.covers ?? [])]));
      for (const section of options.sections ?? consoleSections()) {
        const under = `/console${section.path}`;
        expect(
          routes.some((route) => route.path === under || route.path.startsWith(`${under}/`)),
          `routes of ${section.path}`,
        ).toBe(true);
      }
    });

    it('refuses a request without a session: a page sends to sign-in, an action is a 401', async () => {
      for (const route of routes)
        expectRefusedForWantOfSession(route, await attempt(harness.browser(), route));
    });

    it('refuses a session idle for longer than the idle timeout, and one older than its maximum age', async () => {
      const { policy } = harness.staff;
      const now = harness.clock.now().getTime();
      for (const route of routes) {
        const idle = await harness.browserSignedInAs(member, new Date(now - policy.idleMs - 60_000));
        expectRefusedForWantOfSession(route, await attempt(idle.browser, route, { _csrf: idle.csrf }));
        const old = await harness.browserSignedInAs(member, new Date(now - policy.maxMs - 60_000));
        expectRefusedForWantOfSession(route, await attempt(old.browser, route, { _csrf: old.csrf }));
      }
    });

    it('refuses a session that was signed out', async () => {
      for (const route of routes) {
        const { browser, csrf } = await harness.browserSignedInAs(member);
        expect((await browser.post('/console/sign-out', { _csrf: csrf })).status).toBe(303);
        expectRefusedForWantOfSession(route, await attempt(browser, route, { _csrf: csrf }));
      }
    });

    it('refuses a state change without the CSRF token, with another token, or from another origin, even signed in', async () => {
      for (const route of routes.filter((r) => !idempotent(r.method.toUpperCase()))) {
        const where = `${route.method} ${route.path}`;
        const { browser, csrf } = await harness.browserSignedInAs(member);
        expect((await attempt(browser, route)).status, `${where} without a token`).toBe(403);
        expect(
          (await attempt(browser, route, { _csrf: `${csrf.slice(1)}x` })).status,
          `${where} another token`,
        ).toBe(403);
        const foreign = await browser.post(
          route.example,
          { _csrf: csrf },
          { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
        );
        expect(foreign.status, `${where} from another origin`).toBe(403);
        const headless = await harness.app.request(`${CONSOLE_ORIGIN}${route.example}`, {
          method: route.method,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          },
          body: new URLSearchParams({ _csrf: csrf }).toString(),
        });
        expect(headless.status, `${where} with neither Origin nor Sec-Fetch-Site`).toBe(403);
      }
    });

    it('refuses a sign-in step posted without the CSRF token', async () => {
      for (const path of [
        '/console/sign-in',
        '/console/sign-in/totp-code',
        '/console/sign-in/new-password',
      ]) {
        const response = await harness.browser().post(path, { email: member.email, password: 'x' });
        expect(response.status, path).toBe(403);
      }
    });
  });
}

/** A staff member signed in to the console through its sign-in form, driving the sections' pages. */
export interface SignedInStaff {
  /** The console app: the shell with the sections, its guard in front of every route. */
  app: Hono<ConsoleEnv>;
  member: StaffMember;
  browser: ConsoleBrowser;
  /** The session's CSRF token, as the pages' forms carry it. */
  csrf: string;
  /** Switches the console's language as the layout's link does (`?lang=`, remembered by a cookie). */
  setLanguage(lang: 'ar' | 'en'): Promise<void>;
  /** A page under /console (`/schedules`). */
  get(path: string): Promise<Response>;
  /** A form POST under /console, with the session's CSRF token unless `csrf: false`. */
  post(
    path: string,
    fields?: Record<string, string | readonly string[]>,
    options?: { csrf?: boolean },
  ): Promise<Response>;
  /** A multipart POST under /console (a file upload, or a form that carries one back), with the CSRF token. */
  upload(
    path: string,
    fields: Record<string, string>,
    file?: { name: string; content: string; filename: string },
  ): Promise<Response>;
  /** What this staff member did through these methods, in order, as read from the audit log (the actor as its id). */
  audits(): Promise<Array<AuditEntry & { staff: string }>>;
}

/**
 * The console as staff meet it, for the sections' suites: `createConsoleApp` with `sections` on the
 * suite's runtime (which must reach the staff's identity service: `openTestStack(…, { staff: true })`),
 * a staff account added as `nashra staff add` adds one, signed in through the sign-in form against
 * cognito-local, in `lang` (English unless told). Every request then passes the shell's real session,
 * origin and CSRF checks, and every audit entry is read back from the audit table.
 */
export async function signInToConsole(
  runtime: Runtime,
  sections: ConsoleSection[],
  options: { email?: string; lang?: 'ar' | 'en' } = {},
): Promise<SignedInStaff> {
  const app = createConsoleApp(runtime, { sections, clientAddress: (c) => c.req.header('x-test-client') });
  const staff = staffParts(runtime);
  accounts += 1;
  const email = options.email ?? `editor${accounts}-${Date.now().toString(36)}@nashra.example`;
  const password = `Correct-horse-${accounts}-battery`;
  const { account } = await addStaffAccount(staff, { kind: 'cli', name: 'test' }, { email, password });
  const member = { id: account.id, email: account.email };
  const browser = new ConsoleBrowser(app);
  const signedIn = await browser.signIn(email, password);
  if (signedIn.status !== 303 || signedIn.headers.get('location') !== HOME_PATH)
    throw new Error(`signing in to the console failed: ${signedIn.status} ${await signedIn.text()}`);
  const csrf = ConsoleBrowser.csrfOf(await (await browser.get(HOME_PATH)).text());
  const url = (path: string) => `/console${path}`;
  // The audit log orders the records of one millisecond by a random id, and the suites freeze time:
  // what each request wrote is collected after it, so that the entries read in the order done.
  const done: Array<AuditEntry & { staff: string }> = [];
  const seen = new Set<string>();
  const collect = async (answer: Promise<Response>) => {
    const response = await answer;
    const { records } = await runtime.repos.audit.list({});
    for (const record of records.reverse()) {
      if (seen.has(record.id) || record.actor.kind !== 'staff' || record.actor.id !== member.id) continue;
      seen.add(record.id);
      const { action, target, detail } = record;
      done.push({ action, ...(target ? { target } : {}), ...(detail ? { detail } : {}), staff: member.id });
    }
    return response;
  };
  const setLanguage = async (lang: 'ar' | 'en') => {
    const answer = await browser.get(`${HOME_PATH}?lang=${lang}`);
    if (answer.status !== 200) throw new Error(`switching the console to ${lang} failed: ${answer.status}`);
  };
  await setLanguage(options.lang ?? 'en');
  return {
    app,
    member,
    browser,
    csrf,
    setLanguage,
    get: (path) => collect(browser.get(url(path))),
    post: (path, fields = {}, postOptions = {}) =>
      collect(browser.post(url(path), postOptions.csrf === false ? fields : { _csrf: csrf, ...fields })),
    upload(path, fields, file) {
      const form = new FormData();
      form.append('_csrf', csrf);
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      if (file) form.append(file.name, new Blob([file.content], { type: 'text/csv' }), file.filename);
      return collect(browser.postMultipart(url(path), form));
    },
    async audits() {
      return [...done];
    },
  };
}
