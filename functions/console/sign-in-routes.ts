import { type Context, Hono } from 'hono';
import { consoleCopy } from '../../templates/console/console-copy';
import { button, field, ltr, notice, postForm } from '../../templates/console/forms';
import { html, type SafeHtml } from '../../templates/escape';
import type { StaffSession } from '../core/ports';
import { currentSession, newToken } from '../core/staff/sessions';
import { answerChallenge, type SignInOutcome, signOut, startSignIn } from '../core/staff/sign-in';
import { clientIdentity } from '../core/subscribers/rate-limit';
import { defaultClientAddress } from '../http/subscriber-routes';
import type { Runtime } from '../runtime/runtime';
import { staffParts } from '../runtime/staff';
import { hashForLog, logger } from '../shared/logger';
import type { ConsoleEnv, ConsolePageView } from './console-env';
import { clearCookie, readCookie, writeCookie } from './cookies';
import { formOf, HOME_PATH, safeNext, sameToken } from './shell';

type Render = (c: Context<ConsoleEnv>, view: ConsolePageView) => Response;
type ErrorPage = (c: Context<ConsoleEnv>, status: number) => Response;

/** The steps after the password, each a page of its own, in the order Cognito may ask for them. */
const steps = ['new-password', 'totp-setup', 'totp-code'] as const;
type Step = (typeof steps)[number];
const isStep = (value: string): value is Step => (steps as readonly string[]).includes(value);

export interface SignInRouteOptions {
  /** The client's network address (the per-client limit); by default as the reader routes find it. */
  clientAddress?: (c: Context) => string | undefined;
}

/** A secret as an authenticator app asks for it: groups of four, easier to type without a slip. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * Sign-in, outside the session guard: the address and password, then what the identity service asks
 * next (a new password for an account made with a temporary one; an authenticator's set-up or code
 * where the stage requires it), each step a form of its own. The sign-in form's CSRF token is the
 * CSRF cookie's (double submit); a challenge's is its own session's. A sign-in always ends in a new
 * session token (never the one the browser had before), and every step is a POST.
 */
export function signInRoutes(
  runtime: Runtime,
  pages: { render: Render; errorPage: ErrorPage },
  options: SignInRouteOptions = {},
): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const clientOf = (c: Context) => clientIdentity((options.clientAddress ?? defaultClientAddress)(c));
  const { render, errorPage } = pages;

  /** The sign-in form's CSRF token: the cookie's, made now if the browser has none. */
  function formToken(c: Context<ConsoleEnv>): string {
    const kept = readCookie(c, 'csrf');
    if (kept && /^[A-Za-z0-9_-]{43}$/.test(kept)) return kept;
    const token = newToken();
    writeCookie(c, 'csrf', token);
    return token;
  }

  function signInPage(
    c: Context<ConsoleEnv>,
    view: { email?: string; error?: string; notice?: string; next?: string; status?: number },
  ): Response {
    const words = consoleCopy[c.get('lang')].signIn;
    return render(c, {
      title: words.title,
      notice: view.notice,
      status: view.status,
      body: html`<p>${words.intro}</p>
${view.error ? notice(view.error, 'error') : ''}
${postForm({
  action: '/console/sign-in',
  csrf: formToken(c),
  body: html`${view.next ? html`<input type="hidden" name="next" value="${view.next}">` : ''}
${field({ name: 'email', label: words.email, type: 'email', value: view.email, autocomplete: 'username', required: true, ltr: true, autofocus: true })}
${field({ name: 'password', label: words.password, type: 'password', autocomplete: 'current-password', required: true, ltr: true })}
${button(words.submit)}`,
})}`,
    });
  }

  function stepPage(c: Context<ConsoleEnv>, session: StaffSession, error?: string, status = 200): Response {
    const lang = c.get('lang');
    const words = consoleCopy[lang];
    const challenge = session.challenge as NonNullable<StaffSession['challenge']>;
    const action = `/console/sign-in/${challenge.challenge}`;
    const errorLine = error ? notice(error, 'error') : '';
    let title: string;
    let body: SafeHtml;
    if (challenge.challenge === 'new-password') {
      title = words.newPassword.title;
      body = html`<p>${words.newPassword.intro}</p>${errorLine}
${postForm({
  action,
  csrf: session.csrf,
  body: html`${field({ name: 'password', label: words.newPassword.password, type: 'password', autocomplete: 'new-password', required: true, hint: words.newPassword.policy, ltr: true, autofocus: true })}
${field({ name: 'confirm', label: words.newPassword.confirm, type: 'password', autocomplete: 'new-password', required: true, ltr: true })}
${button(words.newPassword.submit)}`,
})}`;
    } else if (challenge.challenge === 'totp-setup') {
      title = words.totpSetup.title;
      body = html`<p>${words.totpSetup.intro}</p>
<ol>${words.totpSetup.steps.map((line) => html`<li>${line}</li>`)}</ol>
<p>${words.totpSetup.secretLabel}:</p>
<p><code class="secret" dir="ltr">${grouped(challenge.secret ?? '')}</code></p>
<p class="meta">${ltr(challenge.email)}</p>
${errorLine}
${postForm({
  action,
  csrf: session.csrf,
  body: html`${field({ name: 'code', label: words.totpSetup.code, autocomplete: 'one-time-code', inputmode: 'numeric', required: true, ltr: true, autofocus: true })}
${button(words.totpSetup.submit)}`,
})}`;
    } else {
      title = words.totpCode.title;
      body = html`<p>${words.totpCode.intro}</p>${errorLine}
${postForm({
  action,
  csrf: session.csrf,
  body: html`${field({ name: 'code', label: words.totpCode.code, autocomplete: 'one-time-code', inputmode: 'numeric', required: true, ltr: true, autofocus: true })}
${button(words.totpCode.submit)}`,
})}`;
    }
    return render(c, { title, body, status });
  }

  /** Where an outcome takes the browser: in (a new session cookie), on to the next step, or back. */
  function follow(
    c: Context<ConsoleEnv>,
    outcome: SignInOutcome,
    again: (error: string, status: number) => Response,
    next?: string,
  ): Response {
    const words = consoleCopy[c.get('lang')];
    switch (outcome.kind) {
      case 'signed-in':
        writeCookie(c, 'session', outcome.token);
        return c.redirect(next ?? HOME_PATH, 303);
      case 'challenge':
        writeCookie(c, 'session', outcome.token);
        return c.redirect(`/console/sign-in/${outcome.session.challenge?.challenge}`, 303);
      case 'limited':
        return again(words.signIn.limited, 429);
      case 'expired':
        clearCookie(c, 'session');
        return signInPage(c, { error: words.signIn.expired, status: 401 });
      case 'refused':
        if (outcome.reason === 'credentials') return again(words.signIn.refused, 401);
        if (outcome.reason === 'code') return again(words.wrongCode, 401);
        if (outcome.reason === 'password')
          return again(words.newPassword.refused(outcome.message ?? words.newPassword.policy), 400);
        return again(words.signIn.unavailable, 403);
    }
  }

  app.get('/sign-in', async (c) => {
    const next = safeNext(c.req.query('next'));
    const staff = staffParts(runtime);
    const session = await currentSession(
      staff.sessions,
      readCookie(c, 'session'),
      staff.clock.now(),
      staff.policy,
    );
    if (session?.state === 'signed-in') return c.redirect(next ?? HOME_PATH, 303);
    const words = consoleCopy[c.get('lang')].signIn;
    const signedOut = c.req.query('signed-out') !== undefined;
    return signInPage(c, {
      next,
      notice: signedOut ? words.signedOut : next ? words.needed : undefined,
    });
  });

  app.post('/sign-in', async (c) => {
    const form = await formOf(c);
    if (!sameToken(form._csrf, readCookie(c, 'csrf'))) return errorPage(c, 403);
    const email = typeof form.email === 'string' ? form.email : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNext(form.next);
    const outcome = await startSignIn(staffParts(runtime), { email, password, client: clientOf(c) });
    if (outcome.kind === 'refused' || outcome.kind === 'limited')
      logger.warn('console sign-in refused', { outcome: outcome.kind, client: hashForLog(clientOf(c)) });
    return follow(c, outcome, (error, status) => signInPage(c, { email, error, next, status }), next);
  });

  /** The challenge a step's page answers: the session cookie's, if it is at that step. */
  async function pendingAt(c: Context<ConsoleEnv>, step: Step): Promise<StaffSession | undefined> {
    const staff = staffParts(runtime);
    const session = await currentSession(
      staff.sessions,
      readCookie(c, 'session'),
      staff.clock.now(),
      staff.policy,
    );
    return session?.state === 'challenge' && session.challenge?.challenge === step ? session : undefined;
  }

  app.get('/sign-in/:step', async (c) => {
    const step = c.req.param('step');
    if (!isStep(step)) return errorPage(c, 404);
    const session = await pendingAt(c, step);
    if (!session) return c.redirect('/console/sign-in', 303);
    return stepPage(c, session);
  });

  app.post('/sign-in/:step', async (c) => {
    const step = c.req.param('step');
    if (!isStep(step)) return errorPage(c, 404);
    const form = await formOf(c);
    const session = await pendingAt(c, step);
    if (!session) {
      if (!sameToken(form._csrf, readCookie(c, 'csrf'))) return errorPage(c, 403);
      const words = consoleCopy[c.get('lang')].signIn;
      clearCookie(c, 'session');
      return signInPage(c, { error: words.expired, status: 401 });
    }
    if (!sameToken(form._csrf, session.csrf)) return errorPage(c, 403);
    const words = consoleCopy[c.get('lang')];
    const answer =
      typeof (step === 'new-password' ? form.password : form.code) === 'string'
        ? String(step === 'new-password' ? form.password : form.code)
        : '';
    if (step === 'new-password' && answer !== form.confirm)
      return stepPage(c, session, words.newPassword.mismatch, 400);
    const outcome = await answerChallenge(staffParts(runtime), { session, answer, client: clientOf(c) });
    return follow(c, outcome, (error, status) => stepPage(c, session, error, status));
  });

  return app;
}

/** Sign-out: behind the session guard and the CSRF check, like every action. */
export function signOutRoute(runtime: Runtime): (app: Hono<ConsoleEnv>) => void {
  return (app) => {
    app.post('/sign-out', async (c) => {
      const staff = staffParts(runtime);
      const session = await currentSession(
        staff.sessions,
        readCookie(c, 'session'),
        staff.clock.now(),
        staff.policy,
      );
      if (session) await signOut(staff, session);
      clearCookie(c, 'session');
      return c.redirect('/console/sign-in?signed-out', 303);
    });
  };
}
