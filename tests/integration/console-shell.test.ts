import { statSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  InitiateAuthCommand,
  UpdateUserPoolCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CognitoStaffDirectory, createStaffPool, staffPoolOf } from '../../functions/adapters/cognito-staff';
import { createConsoleApp } from '../../functions/console/app';
import type { ConsoleSection } from '../../functions/console/console-env';
import { consoleSections } from '../../functions/console/sections';
import { addStaffAccount, removeStaffAccount } from '../../functions/core/staff/accounts';
import { createApp } from '../../functions/http/app';
import { cognitoHomeOf } from '../../functions/local/cognito-local';
import { createRuntime } from '../../functions/runtime/runtime';
import { staffIdentityClient } from '../../functions/runtime/staff';
import { csrfField } from '../../templates/console/forms';
import { html } from '../../templates/escape';
import {
  CONSOLE_ORIGIN,
  ConsoleBrowser,
  type ConsoleHarness,
  describeConsoleRouteGuards,
  openConsoleHarness,
} from '../support/console-harness';
import { totpCode } from '../support/totp';

/** A section as the staff's sections plug in: a page, and an action that records itself. */
const notesSection: ConsoleSection = {
  path: '/notes',
  nav: { ar: 'ملاحظات', en: 'Notes' },
  register(app, { render, audit }) {
    app.get('/notes/:id', (c) =>
      render(c, {
        title: `Note ${c.req.param('id')}`,
        section: '/notes',
        body: html`<form method="post" action="/console/notes/${c.req.param('id')}">${csrfField(c.get('csrf'))}<button>Keep</button></form>`,
      }),
    );
    app.post('/notes/:id', async (c) => {
      await audit(c, {
        action: 'note.keep',
        target: { kind: 'article', id: c.req.param('id') },
        detail: { pages: 2 },
      });
      return render(c, { title: 'Kept', section: '/notes', notice: 'Kept.', body: html`` });
    });
  },
};

describeConsoleRouteGuards('the console shell and the staff’s sections', {
  sections: [...consoleSections(), notesSection],
  // The staff actions with the widest reach, named so that a change of path cannot drop them unchecked.
  covers: [
    'POST /console/digest/:name/send',
    'POST /console/digest/:name/test',
    'POST /console/schedules/:name/run',
    'POST /console/readers/:id/erase',
    'POST /console/readers/import',
    'POST /console/articles/alert',
    'POST /console/issues/:id/resume',
    'GET /console/readers/export.csv',
    'GET /console/readers/:id/personal-data.json',
    'GET /console/issues/:id/recipients.csv',
  ],
});

/** A page's main part, its per-browser CSRF token left out. */
const mainOf = async (response: Response) => {
  const page = await response.text();
  return page.slice(page.indexOf('<main'), page.indexOf('</main>')).replace(/value="[\w-]{43}"/g, 'value=""');
};

describe('the console, signed in through the staff pool', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await openConsoleHarness({ sections: [...consoleSections(), notesSection] });
  });
  afterAll(() => h?.close());

  it('signs a staff member in through the form: a new session cookie, HttpOnly, SameSite=Strict, only for /console', async () => {
    const { email, password, member } = await h.addStaff();
    const browser = h.browser();
    const first = await browser.get('/console/sign-in');
    expect(first.status).toBe(200);
    const before = browser.cookies.get('nashra-console-session');
    expect(before).toBeUndefined();
    const page = await first.text();
    expect(page).toContain('name="email"');
    expect(page).toContain('name="password"');

    const answer = await browser.post('/console/sign-in', {
      _csrf: ConsoleBrowser.csrfOf(page),
      email,
      password,
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/console/overview');
    const set = answer.headers.getSetCookie().find((line) => line.startsWith('nashra-console-session='));
    expect(set).toMatch(/; Path=\/console; HttpOnly; SameSite=Strict$/);
    expect(set).not.toMatch(/Secure|Max-Age|Expires/);

    const overview = await browser.get('/console/overview');
    expect(overview.status).toBe(200);
    expect(await overview.text()).toContain(email);
    const log = await h.runtime.repos.audit.list({});
    expect(log.records.find((record) => record.action === 'staff.sign-in')).toMatchObject({
      actor: { kind: 'staff', id: member.id, email },
    });
  });

  it('answers a wrong password and an unknown address alike, and opens no session', async () => {
    const { email } = await h.addStaff();
    const wrong = h.browser('192.0.2.21');
    const unknown = h.browser('192.0.2.22');
    const a = await wrong.signIn(email, 'Not-the-password-1');
    const b = await unknown.signIn('nobody-here@nashra.example', 'Not-the-password-1');
    expect([a.status, b.status]).toEqual([401, 401]);
    const [pageA, pageB] = [await mainOf(a), await mainOf(b)];
    expect(pageA.replace(email, 'X')).toEqual(pageB.replace('nobody-here@nashra.example', 'X'));
    expect(pageA).toContain('البريد الإلكتروني أو كلمة المرور غير صحيحة');
    expect(wrong.cookies.has('nashra-console-session')).toBe(false);
    expect(unknown.cookies.has('nashra-console-session')).toBe(false);
  });

  it('takes the staff member on to the page they asked for, and never off the console', async () => {
    const { email, password } = await h.addStaff();
    const browser = h.browser();
    const asked = await browser.get('/console/audit');
    expect(asked.status).toBe(303);
    expect(asked.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Faudit');
    const there = await browser.signIn(email, password, '/console/audit');
    expect(there.headers.get('location')).toBe('/console/audit');
    for (const next of [
      'https://evil.example/',
      '//evil.example/console',
      '/console/../subscribe',
      '/consolex',
    ]) {
      const other = h.browser();
      expect((await other.signIn(email, password, next)).headers.get('location'), next).toBe(
        '/console/overview',
      );
    }
  });

  it('signs out with the button: the session ends at once and the sign-out is recorded', async () => {
    const { email, password, member } = await h.addStaff();
    const browser = h.browser();
    await browser.signIn(email, password);
    const page = await (await browser.get('/console/overview')).text();
    expect(page).toContain('action="/console/sign-out"');
    const token = browser.cookies.get('nashra-console-session');
    const out = await browser.post('/console/sign-out', { _csrf: ConsoleBrowser.csrfOf(page) });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/console/sign-in?signed-out');
    expect(browser.cookies.has('nashra-console-session')).toBe(false);
    // The old cookie, kept by someone, opens nothing: the session record is gone.
    const replay = h.browser();
    replay.cookies.set('nashra-console-session', token as string);
    expect((await replay.get('/console/overview')).status).toBe(303);
    const signedOut = await browser.get('/console/sign-in?signed-out');
    expect(await signedOut.text()).toContain('سُجّل خروجك');
    // The suite's clock stands still, so records of one test share their instant: find, not first.
    const log = await h.runtime.repos.audit.list({});
    const signOut = log.records.find(
      (record) =>
        record.action === 'staff.sign-out' && record.actor.kind === 'staff' && record.actor.id === member.id,
    );
    expect(signOut).toBeDefined();
  });

  it('ends a session after the idle timeout, keeps one in use alive, and ends any after its maximum age', async () => {
    const { email, password } = await h.addStaff();
    const idle = h.browser();
    const busy = h.browser();
    await idle.signIn(email, password);
    await busy.signIn(email, password);
    const minute = 60_000;
    for (let i = 0; i < 4; i++) {
      h.clock.advance(20 * minute);
      expect((await busy.get('/console/overview')).status, `after ${(i + 1) * 20} minutes in use`).toBe(200);
    }
    expect((await idle.get('/console/overview')).status, 'after 80 idle minutes').toBe(303);
    // Still in use, but 12 hours after signing in: over.
    for (let i = 0; i < 33; i++) {
      h.clock.advance(20 * minute);
      await busy.get('/console/overview');
    }
    expect((await busy.get('/console/overview')).status).toBe(303);
  });

  it('ends every session of a staff member who is removed', async () => {
    const { email, password } = await h.addStaff();
    const one = h.browser();
    const two = h.browser();
    await one.signIn(email, password);
    await two.signIn(email, password);
    expect((await one.get('/console/overview')).status).toBe(200);
    const removed = await removeStaffAccount(h.staff, { kind: 'cli', name: 'test' }, { email });
    expect(removed.sessionsEnded).toBe(2);
    expect((await one.get('/console/overview')).status).toBe(303);
    expect((await two.get('/console/overview')).status).toBe(303);
    expect((await h.browser().signIn(email, password)).status).toBe(401);
  });

  it('asks an account made with a temporary password for a password of its own, under the policy', async () => {
    const email = `new-${Date.now()}@nashra.example`;
    const added = await addStaffAccount(h.staff, { kind: 'cli', name: 'test' }, { email });
    expect(added.account.status).toBe('new-password');
    const browser = h.browser();
    const first = await browser.signIn(email, added.temporaryPassword as string);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/console/sign-in/new-password');
    // Answering a challenge is not being signed in.
    expect((await browser.get('/console/overview')).status).toBe(303);
    const form = await (await browser.get('/console/sign-in/new-password')).text();
    const csrf = ConsoleBrowser.csrfOf(form);
    const mismatch = await browser.post('/console/sign-in/new-password', {
      _csrf: csrf,
      password: 'A-new-password-42',
      confirm: 'Another-one-42',
    });
    expect(mismatch.status).toBe(400);
    const weak = await browser.post('/console/sign-in/new-password', {
      _csrf: csrf,
      password: 'short',
      confirm: 'short',
    });
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain('Password does not conform to policy');
    const done = await browser.post('/console/sign-in/new-password', {
      _csrf: csrf,
      password: 'A-new-password-42',
      confirm: 'A-new-password-42',
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/console/overview');
    expect((await browser.get('/console/overview')).status).toBe(200);
    expect((await h.staff.directory.findAccount(email))?.status).toBe('active');
  });

  it('records a section’s action for the staff member who did it, and shows it in the audit log', async () => {
    const { email, password, member } = await h.addStaff();
    const browser = h.browser();
    await browser.signIn(email, password);
    const page = await (await browser.get('/console/notes/n-1')).text();
    const kept = await browser.post('/console/notes/n-1', { _csrf: ConsoleBrowser.csrfOf(page) });
    expect(kept.status).toBe(200);
    expect(await kept.text()).toContain('Kept.');
    const log = await browser.get('/console/audit?lang=en');
    const text = await log.text();
    expect(text).toContain('<code dir="ltr">note.keep</code>');
    expect(text).toContain('article <bdi dir="ltr">n-1</bdi>');
    expect(text).toContain('pages: 2');
    expect(text).toMatch(/Iraq Time|Baghdad/);
    const { records } = await h.runtime.repos.audit.list({});
    expect(records.find((record) => record.action === 'note.keep')).toMatchObject({
      actor: { kind: 'staff', id: member.id, email },
      target: { kind: 'article', id: 'n-1' },
      detail: { pages: 2 },
    });
  });

  it('pages through the audit log newest first, and refuses a cursor it did not hand out', async () => {
    const { email, password } = await h.addStaff();
    const browser = h.browser();
    await browser.signIn(email, password);
    for (let i = 0; i < 55; i++)
      await h.runtime.repos.audit.append({
        at: new Date(Date.UTC(2030, 0, 1, 0, i)).toISOString(),
        id: `a${String(i).padStart(9, '0')}`,
        actor: { kind: 'cli', name: 'pager' },
        action: 'test.page',
      });
    const first = await (await browser.get('/console/audit')).text();
    const next = /href="\/console\/audit\?before=([^"]+)" rel="next"/.exec(first)?.[1];
    expect(next).toBeDefined();
    const second = await browser.get(`/console/audit?before=${next}`);
    expect(second.status).toBe(200);
    expect(await second.text()).toContain('test.page');
    expect((await browser.get('/console/audit?before=not-a-cursor')).status).toBe(404);
  });

  it('speaks Arabic first, right to left; ?lang switches, and the language cookie remembers', async () => {
    const browser = h.browser();
    const arabic = await (await browser.get('/console/sign-in')).text();
    expect(arabic).toContain('<html lang="ar" dir="rtl">');
    expect(arabic).toContain('href="/console/sign-in?lang=en" lang="en" hreflang="en"');
    const english = await browser.get('/console/sign-in?lang=en');
    expect(english.headers.getSetCookie().join()).toMatch(
      /nashra-console-lang=en; Max-Age=\d+; Path=\/console; HttpOnly; SameSite=Strict/,
    );
    expect(await english.text()).toContain('<html lang="en" dir="ltr">');
    expect(await (await browser.get('/console/sign-in')).text()).toContain('<html lang="en" dir="ltr">');
  });

  it('sets its own three cookies only, and the reader pages beside it set none', async () => {
    const { email, password } = await h.addStaff();
    const browser = h.browser();
    await browser.get('/console/sign-in?lang=en');
    await browser.signIn(email, password);
    expect([...browser.cookies.keys()].sort()).toEqual([
      'nashra-console-csrf',
      'nashra-console-lang',
      'nashra-console-session',
    ]);
    const site = createApp(h.runtime, { console: h.app });
    for (const path of ['/', '/subscribe', '/subscribe?lang=en', '/issues', '/nothing-here']) {
      const response = await site.request(`${CONSOLE_ORIGIN}${path}`);
      expect(response.headers.getSetCookie(), path).toEqual([]);
    }
    expect((await site.request(`${CONSOLE_ORIGIN}/console/sign-in`)).headers.getSetCookie().length).toBe(1);
  });

  it('answers every console page with no framing, no caching, no indexing and the reader pages’ CSP', async () => {
    for (const path of ['/console/sign-in', '/console/audit', '/console/nothing']) {
      const response = await h.browser().get(path);
      expect(response.headers.get('content-security-policy'), path).toContain("default-src 'none'");
      expect(response.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('cache-control'), path).toBe('no-store');
      expect(response.headers.get('x-robots-tag'), path).toContain('noindex');
    }
  });

  it('keeps cognito-local behind a guarded loopback proxy, its data and socket in an owner-only folder', async () => {
    const folder = cognitoHomeOf(h.stack.stack.config.home);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, 'cognito.sock')).isSocket()).toBe(true);
    const url = h.stack.stack.staff?.url as string;
    const page = await fetch(`${url}/health`, { headers: { origin: 'https://evil.example' } });
    expect(page.status).toBe(403);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('answers as Cognito does where cognito-local does not: a wrong password, a password under the policy', async () => {
    const { email } = await h.addStaff();
    const pool = staffPoolOf(h.runtime.config);
    const wrong = staffIdentityClient(h.runtime).send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: pool?.clientId,
        AuthParameters: { USERNAME: email, PASSWORD: 'Wrong-password-123' },
      }),
    );
    await expect(wrong).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    const weak = staffIdentityClient(h.runtime).send(
      new AdminSetUserPasswordCommand({
        UserPoolId: pool?.userPoolId,
        Username: email,
        Password: 'password',
        Permanent: true,
      }),
    );
    await expect(weak).rejects.toMatchObject({ name: 'InvalidPasswordException' });
  });
});

describe('failed sign-ins are limited per account and per client', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await openConsoleHarness({
      env: { NASHRA_CONSOLE_SIGN_IN_LIMIT_ACCOUNT: '3/900', NASHRA_CONSOLE_SIGN_IN_LIMIT_CLIENT: '5/900' },
    });
  });
  afterAll(() => h?.close());

  it('locks an account after its failures, from any client, even with the right password, until the window ends', async () => {
    const { email, password } = await h.addStaff();
    for (let i = 0; i < 3; i++)
      expect((await h.browser(`198.51.100.${i}`).signIn(email, 'Wrong-password-123')).status).toBe(401);
    const locked = await h.browser('198.51.100.50').signIn(email, password);
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain('محاولات فاشلة كثيرة');
    h.clock.advance(15 * 60_000);
    expect((await h.browser('198.51.100.51').signIn(email, password)).status).toBe(303);
  });

  it('limits one client across accounts, and counts no successful sign-in', async () => {
    const { email, password } = await h.addStaff();
    const client = '203.0.113.77';
    for (let i = 0; i < 3; i++) expect((await h.browser(client).signIn(email, password)).status).toBe(303);
    for (let i = 0; i < 5; i++)
      expect((await h.browser(client).signIn(`guess${i}@nashra.example`, 'Wrong-password-123')).status).toBe(
        401,
      );
    expect((await h.browser(client).signIn(email, password)).status).toBe(429);
    expect((await h.browser('203.0.113.78').signIn(email, password)).status).toBe(303);
  });

  it('keeps no address or client in clear in the counters', async () => {
    const { Items = [] } = await h.stack.db.send(
      new ScanCommand({ TableName: h.runtime.config.tables.counters }),
    );
    const text = JSON.stringify(Items);
    expect(Items.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/@nashra\.example|198\.51\.100|203\.0\.113/);
  });
});

describe('two-step sign-in where the pool requires it (as on prod), with cognito-local', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await openConsoleHarness();
  });
  afterAll(() => h?.close());

  it('asks for the authenticator code after the password, refuses a wrong one, and signs in with the right one', async () => {
    const client = staffIdentityClient(h.runtime);
    const made = await createStaffPool(client, { name: 'nashra-prod-staff', mfa: 'OFF' });
    const config = { ...h.runtime.config, staff: { ...h.runtime.config.staff, ...made } };
    const prod = createRuntime('local', config, { clock: h.clock });
    const pool = staffPoolOf(config);
    if (!pool) throw new Error('no pool');
    const directory = new CognitoStaffDirectory(client, pool);
    const email = `prod-${Date.now()}@nashra.example`;
    const password = 'Prod-password-2026!';
    await directory.addAccount(email, { kind: 'permanent', value: password });
    // The staff member sets up an authenticator (cognito-local does so with an access token only)…
    const tokens = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: made.clientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    const accessToken = tokens.AuthenticationResult?.AccessToken;
    const { SecretCode: secret = '' } = await client.send(
      new AssociateSoftwareTokenCommand({ AccessToken: accessToken }),
    );
    await client.send(
      new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totpCode(secret) }),
    );
    // …and the pool requires it from now on.
    await client.send(new UpdateUserPoolCommand({ UserPoolId: made.userPoolId, MfaConfiguration: 'ON' }));
    expect((await directory.findAccount(email))?.totp).toBe(true);

    const app = createConsoleApp(prod, { sections: consoleSections(), clientAddress: () => '192.0.2.99' });
    const browser = new ConsoleBrowser(app);
    const first = await browser.signIn(email, password);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/console/sign-in/totp-code');
    expect((await browser.get('/console/overview')).status).toBe(303);
    const form = await browser.get('/console/sign-in/totp-code');
    const page = await form.text();
    expect(page).toContain('autocomplete="one-time-code"');
    const csrf = ConsoleBrowser.csrfOf(page);
    const wrongCode = String((Number(totpCode(secret)) + 500_000) % 1_000_000).padStart(6, '0');
    const wrong = await browser.post('/console/sign-in/totp-code', { _csrf: csrf, code: wrongCode });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('الرمز غير صحيح');
    const right = await browser.post('/console/sign-in/totp-code', { _csrf: csrf, code: totpCode(secret) });
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/console/overview');
    expect((await browser.get('/console/overview')).status).toBe(200);
    await prod.close();
  });
});
