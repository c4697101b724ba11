import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import {
  confirmExpiredPage,
  confirmPage,
  confirmPromptPage,
  confirmResentPage,
  preferencesPage,
  resubscribedPage,
  resubscribePage,
  subscribeAcceptedPage,
  subscribePage,
  topicChoices,
  unsubscribedPage,
  unsubscribePage,
} from '../../templates/pages/pages';
import type { Language } from '../core/article';
import {
  PayloadTooLargeError,
  RateLimitedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../core/errors';
import type { Subscriber } from '../core/subscriber';
import {
  parseInput,
  preferencesRequestSchema,
  refuseControlCharacters,
  subscribeRequestSchema,
} from '../core/subscribers/input';
import { clientIdentity } from '../core/subscribers/rate-limit';
import {
  awaitsConfirmation,
  confirmSubscription,
  type LinkUse,
  readerOf,
  requestSubscription,
  resendConfirmation,
  resubscribe,
  savePreferences,
  unsubscribe,
} from '../core/subscribers/reader-flows';
import { readerParts } from '../runtime/readers';
import type { Runtime } from '../runtime/runtime';
import { hashForLog, logger, logSafeError } from '../shared/logger';
import { checkFormOrigin, formOrigins } from './form-origin';
import { type ReaderEnv, speakTo } from './reader-language';

export interface SubscriberRouteOptions {
  /**
   * The client's network address, for the per-client rate limit. By default the API Gateway event's
   * `sourceIp` on Lambda, the socket's remote address under Node; never X-Forwarded-For, which any
   * client can write.
   */
  clientAddress?: (c: Context) => string | undefined;
}

/** Bodies are small forms: a subscribe form is well under 2 KB, a button's POST is empty. */
const subscribeBodyLimit = 16 * 1024;
const buttonBodyLimit = 4 * 1024;

type BodyKind = 'form' | 'json' | 'empty';

/** Lambda (API Gateway HTTP API) or @hono/node-server: where each keeps the peer's address (never X-Forwarded-For). */
export function defaultClientAddress(c: Context): string | undefined {
  const env = c.env as
    | {
        requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } };
        incoming?: { socket?: { remoteAddress?: string } };
      }
    | undefined;
  return (
    env?.requestContext?.http?.sourceIp ??
    env?.requestContext?.identity?.sourceIp ??
    env?.incoming?.socket?.remoteAddress
  );
}

const limitBody = (maxSize: number): MiddlewareHandler =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new PayloadTooLargeError(`the body is over ${maxSize} bytes`);
    },
  });

/**
 * The body's fields, from the content types the route takes: a form (urlencoded or multipart; a
 * repeated field becomes a list), a JSON object, or nothing at all. Anything else is a 415; a file
 * or a body that does not parse is a 400. Every value is checked for line breaks and control
 * characters before any use.
 */
async function readFields(c: Context, kinds: BodyKind[]): Promise<Record<string, unknown>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  let fields: Record<string, unknown>;
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    if (!kinds.includes('form')) throw new UnsupportedMediaTypeError('this route takes no form');
    try {
      fields = await c.req.parseBody({ all: true });
    } catch {
      throw new ValidationError('the form does not parse');
    }
    const values = Object.values(fields).flat();
    if (values.some((value) => typeof value !== 'string'))
      throw new ValidationError('files are not taken here');
  } else if (type === 'application/json') {
    if (!kinds.includes('json')) throw new UnsupportedMediaTypeError('this route takes a form, not JSON');
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      throw new ValidationError('the body is not valid JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new ValidationError('the body must be a JSON object');
    fields = body as Record<string, unknown>;
  } else if (type === '' && kinds.includes('empty') && (await c.req.text()).length === 0) {
    fields = {};
  } else {
    throw new UnsupportedMediaTypeError(`${type || 'a body without a type'} is not taken here`);
  }
  refuseControlCharacters(fields);
  return fields;
}

const isLanguage = (value: unknown): value is Language => value === 'ar' || value === 'en';

/** `?lang=`, else the first of ar/en in Accept-Language, else Arabic (the network's first language). */
function pageLanguage(c: Context): Language {
  const asked = c.req.query('lang');
  if (isLanguage(asked)) return asked;
  const accepted = /\b(ar|en)\b/i.exec(c.req.header('accept-language') ?? '')?.[1]?.toLowerCase();
  return isLanguage(accepted) ? accepted : 'ar';
}

/** The language of a reader's pages: their first. */
const languageOf = (subscriber: Subscriber): Language => subscriber.languages[0] ?? 'en';

/**
 * The reader routes: subscribe, confirm, preferences, unsubscribe (RFC 8058 one-click) and
 * resubscribe. Every link carries a signed token and nothing else; a GET only ever shows a page with
 * a button, and only a POST changes state. Pages are in the reader's language, need no JavaScript,
 * set no cookie and are never cached.
 */
export function subscriberRoutes(runtime: Runtime, options: SubscriberRouteOptions = {}): Hono<ReaderEnv> {
  const routes = new Hono<ReaderEnv>();
  const services = () => readerParts(runtime);
  const clientAddress = options.clientAddress ?? defaultClientAddress;
  const subscribeOrigins = formOrigins(runtime.config);

  const limitClient = async (c: Context) => {
    const { limiter, clock } = services();
    const client = clientIdentity(clientAddress(c));
    if (!(await limiter.allow('client', client, clock.now()))) {
      logger.warn('client over the subscribe limit', { client: hashForLog(client) });
      throw new RateLimitedError('too many requests from this network; try again later');
    }
  };

  /**
   * The reader a token names (404 for anything not genuine and current), checked and read once for the
   * whole request; the page speaks their language from here on.
   */
  const reader = async (c: Context<ReaderEnv>, use: LinkUse, options: { allowExpired?: boolean } = {}) => {
    const link = await readerOf(c.req.param('token') ?? '', use, services(), options);
    speakTo(c, languageOf(link.subscriber));
    return link;
  };

  const knownTopics = (subscriber?: Subscriber) => [
    ...new Set([...services().topics, ...(subscriber?.topics ?? [])]),
  ];

  routes.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex');
  });

  routes.get('/subscribe', (c) => {
    const lang = pageLanguage(c);
    return c.html(
      subscribePage({
        lang,
        action: '/subscribe',
        otherLanguageUrl: `/subscribe?lang=${lang === 'ar' ? 'en' : 'ar'}`,
        topics: topicChoices(services().topics),
      }),
    );
  });

  routes.post('/subscribe', limitBody(subscribeBodyLimit), async (c) => {
    checkFormOrigin(c.req.header('origin'), subscribeOrigins);
    await limitClient(c);
    const json = (c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json');
    const fields = await readFields(c, ['form', 'json']);
    const asked = Array.isArray(fields.lang) ? fields.lang[0] : fields.lang;
    const lang: Language = isLanguage(asked) ? asked : pageLanguage(c);
    speakTo(c, lang);
    const accepted = () =>
      json
        ? c.json(
            {
              status: 'accepted',
              message: 'If this address can subscribe, a confirmation mail is on its way.',
            },
            202,
          )
        : c.html(subscribeAcceptedPage({ lang }));
    const honeypot = Array.isArray(fields.website) ? fields.website.join('') : fields.website;
    if (typeof honeypot === 'string' && honeypot.trim() !== '') {
      logger.info('subscribe honeypot filled: nothing done');
      return accepted();
    }
    const request = parseInput(subscribeRequestSchema, fields, services().topics);
    const { outcome } = await requestSubscription(request, services());
    // The outcome alone: beside a hash of the address it would say whether that address reads nashra.
    logger.info('subscribe request', { outcome });
    return accepted();
  });

  routes.get('/confirm/:token', async (c) => confirmLanding(c));
  routes.get('/confirm/:token/resend', async (c) => confirmLanding(c));

  async function confirmLanding(c: Context<ReaderEnv>) {
    const token = c.req.param('token') ?? '';
    const { subscriber, expired, spent } = await reader(c, 'confirm', { allowExpired: true });
    const lang = languageOf(subscriber);
    // A confirm link opens nothing but its own button: the preferences link comes once, in the answer
    // to the POST that confirms, and in the welcome mail.
    if (spent || subscriber.status === 'active')
      return c.html(confirmPage({ lang, confirmed: subscriber.status === 'active' }));
    if (!awaitsConfirmation(subscriber)) return c.html(confirmPage({ lang, confirmed: false }));
    if (expired) return c.html(confirmExpiredPage({ lang, action: `/confirm/${token}/resend` }), 410);
    return c.html(confirmPromptPage({ lang, action: `/confirm/${token}` }));
  }

  /** The resubscribe button of an unsubscribed reader: only for an unsubscribe link not since revoked. */
  const wayBack = (token: string, subscriber: Subscriber, current: boolean) =>
    subscriber.status === 'unsubscribed' && current ? `/resubscribe/${token}` : undefined;

  const preferencesPath = (subscriber: Subscriber) => {
    const { signer, clock } = services();
    const token = signer.sign(
      { subscriberId: subscriber.id, purpose: 'preferences', linkVersion: subscriber.linkVersion },
      clock.now(),
    );
    return `/preferences/${token}`;
  };

  routes.post('/confirm/:token', limitBody(buttonBodyLimit), async (c) => {
    const token = c.req.param('token');
    const link = await reader(c, 'confirm', { allowExpired: true });
    await readFields(c, ['form', 'empty']);
    const lang = languageOf(link.subscriber);
    if (link.expired && !link.spent)
      return c.html(confirmExpiredPage({ lang, action: `/confirm/${token}/resend` }), 410);
    const result = await confirmSubscription(link, services());
    if (result.mailError)
      logger.error('welcome mail failed', {
        subscriber: result.subscriber.id,
        error: logSafeError(result.mailError),
      });
    logger.info('confirm', {
      subscriber: result.subscriber.id,
      confirmed: result.confirmed,
      welcomed: result.welcomed,
    });
    return c.html(
      confirmPage({
        lang,
        confirmed: result.confirmed,
        preferencesUrl: result.fresh ? preferencesPath(result.subscriber) : undefined,
      }),
    );
  });

  routes.post('/confirm/:token/resend', limitBody(buttonBodyLimit), async (c) => {
    const link = await reader(c, 'confirm', { allowExpired: true });
    await readFields(c, ['form', 'empty']);
    await limitClient(c);
    const sent = await resendConfirmation(link, services());
    logger.info('confirmation resend', { subscriber: link.subscriber.id, sent });
    return c.html(confirmResentPage({ lang: languageOf(link.subscriber) }));
  });

  routes.get('/unsubscribe/:token', async (c) => {
    const token = c.req.param('token');
    const { subscriber, current } = await reader(c, 'unsubscribe');
    const lang = languageOf(subscriber);
    if (subscriber.status === 'unsubscribed')
      return c.html(unsubscribedPage({ lang, resubscribeAction: wayBack(token, subscriber, current) }));
    return c.html(unsubscribePage({ lang, action: `/unsubscribe/${token}` }));
  });

  // RFC 8058: a mail client POSTs `List-Unsubscribe=One-Click` with no cookie and wants a 200, no redirect.
  routes.post('/unsubscribe/:token', limitBody(buttonBodyLimit), async (c) => {
    const token = c.req.param('token');
    const link = await reader(c, 'unsubscribe');
    const fields = await readFields(c, ['form', 'empty']);
    const via = fields.source === 'page' ? 'page' : 'one-click';
    const result = await unsubscribe(link, via, services());
    if (result.countError)
      logger.error('unsubscribe not counted on its issues', {
        subscriber: result.subscriber.id,
        error: logSafeError(result.countError),
      });
    if (result.mailError)
      logger.error('unsubscribe notice failed', {
        subscriber: result.subscriber.id,
        error: logSafeError(result.mailError),
      });
    logger.info('unsubscribe', {
      subscriber: result.subscriber.id,
      via,
      changed: result.changed,
      notified: result.notified,
    });
    return c.html(
      unsubscribedPage({
        lang: languageOf(result.subscriber),
        resubscribeAction: wayBack(token, result.subscriber, link.current),
      }),
      200,
    );
  });

  routes.get('/resubscribe/:token', async (c) => {
    const token = c.req.param('token');
    const { subscriber } = await reader(c, 'resubscribe');
    const lang = languageOf(subscriber);
    if (subscriber.status === 'unsubscribed')
      return c.html(resubscribePage({ lang, action: `/resubscribe/${token}` }));
    return c.html(resubscribedPage({ lang, resubscribed: subscriber.status === 'active' }));
  });

  routes.post('/resubscribe/:token', limitBody(buttonBodyLimit), async (c) => {
    const link = await reader(c, 'resubscribe');
    await readFields(c, ['form', 'empty']);
    const result = await resubscribe(link, services());
    logger.info('resubscribe', { subscriber: result.subscriber.id, resubscribed: result.resubscribed });
    return c.html(
      // No preferences link: the unsubscribe token travels in a mail header that parties who never see
      // the mail's body can read, and it opens nothing beyond leaving and coming back.
      resubscribedPage({ lang: languageOf(result.subscriber), resubscribed: result.resubscribed }),
    );
  });

  const showPreferences = (c: Context<ReaderEnv>, subscriber: Subscriber, saved: boolean) =>
    c.html(
      preferencesPage({
        lang: languageOf(subscriber),
        action: `/preferences/${c.req.param('token')}`,
        values: subscriber,
        topics: topicChoices(knownTopics(subscriber)),
        saved,
        subscribed: subscriber.status === 'active' || subscriber.status === 'pending',
      }),
    );

  routes.get('/preferences/:token', async (c) =>
    showPreferences(c, (await reader(c, 'preferences')).subscriber, false),
  );

  routes.post('/preferences/:token', limitBody(subscribeBodyLimit), async (c) => {
    const link = await reader(c, 'preferences');
    const fields = await readFields(c, ['form']);
    const preferences = parseInput(preferencesRequestSchema, fields, knownTopics(link.subscriber));
    const saved = await savePreferences(link, preferences, services());
    speakTo(c, languageOf(saved));
    logger.info('preferences saved', { subscriber: saved.id });
    return showPreferences(c, saved, true);
  });

  return routes;
}
