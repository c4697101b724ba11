import type { Node } from 'constructs';
import * as z from 'zod';

const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a lower-case DNS name');

const feedObjectSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
    lang: z.enum(['ar', 'en']).optional(),
  })
  .strict();
/** A feed given as a bare string: `https://…`, or `ar=https://…` to say the language of its items. */
const feedSchema = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const match = /^(?:(ar|en)=)?(.+)$/.exec(value.trim());
  return { url: match?.[2], ...(match?.[1] ? { lang: match[1] } : {}) };
}, feedObjectSchema);

/**
 * Host names reserved for examples (RFC 2606, RFC 6761): `example.org`, `example.com`, `example.net`,
 * `*.example`, `*.test`, `*.invalid`, `*.localhost` and their subdomains. cdk.json's example feeds are
 * on them.
 */
export function isExampleHost(host: string): boolean {
  return /(^|\.)example\.(org|com|net)$/.test(host) || /(^|\.)(example|test|invalid|localhost)$/.test(host);
}

const clockTime = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A context value given as a JSON array, or on the command line (`-c urgentCategories=a,b`) as a list. */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean)
        : value,
    z.array(item),
  );

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** Deployment settings, from `cdk.json` context or `-c key=value`, validated at synth. */
const settingsSchema = z
  .object({
    stage: z.string().regex(/^[a-z][a-z0-9-]{0,20}$/, 'lower-case letters, digits and dashes'),
    account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1'),
    /** The SES-verified sending domain: DKIM, SPF (through the MAIL FROM domain) and DMARC align on it. */
    domain: hostname,
    /** The address every mail comes from; it must be on `domain` for DKIM to align. */
    senderAddress: z.email('an email address such as bulletin@example.org'),
    /** Display name in the From header, e.g. "ICSSI نشرة". */
    senderName: z
      .string()
      .regex(
        /^[^\r\n<>"\\]{1,64}$/,
        'at most 64 characters, without line breaks, quotes, backslashes or angle brackets',
      )
      .optional(),
    /** The mailto of List-Unsubscribe: a mailbox someone reads. Default unsubscribe@<domain>. */
    unsubscribeMailto: z.email('an email address').optional(),
    /** Public HTTPS URL of the HTTP API (a custom domain in front of it, or the API's own URL). */
    baseUrl: z.url({ protocol: /^https$/, error: 'an https:// URL' }),
    /** SES maximum send rate of the account, messages per second. */
    sendRate: z.coerce.number().positive('a positive number of messages per second').max(1000),
    timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Baghdad'),
    /** Feeds to poll: `{ "url": …, "lang": "ar" }`, or a URL, optionally prefixed `ar=` / `en=`. */
    feeds: list(feedSchema).pipe(
      z.array(feedObjectSchema).min(1, 'at least one feed to poll').max(40, 'at most 40 feeds'),
    ),
    /** Minutes between two polls of the feeds; divides an hour, so that a cron says the same locally. */
    feedPollMinutes: z.coerce
      .number()
      .refine((minutes) => [5, 10, 15, 20, 30, 60].includes(minutes), 'one of 5, 10, 15, 20, 30, 60')
      .default(15),
    /** Feed category (any case) → topic slug; the functions' default map when absent. */
    topicMap: z.record(z.string().min(1), z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/)).optional(),
    /** Categories that make an article urgent. */
    urgentCategories: list(z.string().min(1)).optional(),
    /** Host name of each language's site, for pairing translations by a link from one to the other. */
    sites: z.object({ ar: hostname.optional(), en: hostname.optional() }).strict().optional(),
    quietHours: z.string().refine((value) => {
      const [start, end, ...rest] = value.split('-');
      return rest.length === 0 && clockTime.test(start ?? '') && clockTime.test(end ?? '') && start !== end;
    }, 'two different HH:MM times such as 23:00-07:00'),
    /**
     * Where alarms are mailed; without it the alarm topic has no subscriber until an operator adds one.
     * Required for a stage named `prod`.
     */
    alarmEmail: z.email('an email address').optional(),
    /** Polls in a row a feed may fail before the failing-feed alarm rings. */
    feedFailurePolls: z.coerce.number().int().min(1).max(100).default(4),
    /** Minutes the oldest send job may wait before the send-queue alarm rings: longer than a digest takes. */
    sendQueueAgeAlarmMinutes: z.coerce
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(120),
    /** Days a delivery record (who was sent which issue) is kept before DynamoDB's TTL deletes it. */
    deliveryRetentionDays: z.coerce.number().int().min(1).max(3650).default(180),
    /** Where DMARC aggregate reports go: the `rua` of the DMARC record the stack prints. */
    dmarcReportAddress: z.email('an email address').optional(),
    /**
     * A custom domain for the HTTP API (`news.example.org`): the stack makes the API Gateway domain
     * name and mapping, and turns off the `execute-api` endpoint so the API is reached by that name only.
     */
    apiDomain: hostname.optional(),
    /** An ACM certificate (same region) for `apiDomain`; without it the stack requests one (DNS validation). */
    apiCertificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, 'an ACM certificate ARN')
      .optional(),
    /**
     * Verified addresses to test with while the account is in the SES sandbox: the stack verifies each
     * (SES mails it a link) and lets the sending functions send to it.
     */
    sandboxRecipients: list(z.email('an email address')).pipe(z.array(z.email()).max(20)).optional(),
  })
  .superRefine((settings, ctx) => {
    if (settings.stage === 'prod') {
      if (!settings.alarmEmail)
        ctx.addIssue({
          code: 'custom',
          path: ['alarmEmail'],
          message: 'a stage named prod needs an address its alarms are mailed to',
        });
      settings.feeds.forEach((feed, index) => {
        if (isExampleHost(new URL(feed.url).hostname))
          ctx.addIssue({
            code: 'custom',
            path: ['feeds', index, 'url'],
            message: `${feed.url} is an example address: give prod the feeds it is to poll`,
          });
      });
    }
    if (settings.apiCertificateArn && !settings.apiDomain)
      ctx.addIssue({
        code: 'custom',
        path: ['apiCertificateArn'],
        message: 'is the certificate of apiDomain: give apiDomain too',
      });
    if (settings.apiDomain && new URL(settings.baseUrl).hostname !== settings.apiDomain)
      ctx.addIssue({
        code: 'custom',
        path: ['baseUrl'],
        message: `must be on apiDomain (https://${settings.apiDomain}): every link in every mail points there`,
      });
    const senderDomain = settings.senderAddress.split('@')[1]?.toLowerCase() ?? '';
    if (senderDomain !== settings.domain && !senderDomain.endsWith(`.${settings.domain}`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['senderAddress'],
        message: `must be an address on the sending domain ${settings.domain}`,
      });
    }
  });
export type DeploySettings = z.infer<typeof settingsSchema>;

const settingNames = Object.keys(settingsSchema.shape);

/** Reads every setting from the construct tree's context and validates it; throws naming each bad one. */
export function readSettings(node: Node): DeploySettings {
  const raw = Object.fromEntries(settingNames.map((key) => [key, node.tryGetContext(key)]));
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `context "${issue.path.join('.')}": ${issue.message}`,
    );
    throw new Error(`invalid deployment settings: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The table-name prefix of a stage: the same one the functions read as NASHRA_TABLE_PREFIX. */
export const tablePrefixFor = (stage: string) => `nashra-${stage}-`;

/**
 * The From setting the functions get (NASHRA_FROM_ADDRESS): `Name <address>` in plain text, the name
 * quoted when it holds a character that would otherwise split or end it (`,` `;` `@` …). The functions
 * encode the name into the From header (RFC 2047) and give SES the bare address as Source.
 */
export const fromHeaderOf = (settings: DeploySettings) => {
  if (!settings.senderName) return settings.senderAddress;
  const name = /[()<>[\]:;@\\,."]/.test(settings.senderName)
    ? `"${settings.senderName}"`
    : settings.senderName;
  return `${name} <${settings.senderAddress}>`;
};
