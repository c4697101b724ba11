import { type Context, Hono } from 'hono';
import * as z from 'zod';
import { html } from '../../templates/escape';
import { renderPage } from '../../templates/pages/layout';
import { samplePages } from '../../templates/pages/samples';
import type { Article } from '../core/article';
import { NotFoundError, ValidationError } from '../core/errors';
import type { CompiledMail } from '../core/mail/compiled-mail';
import { personalise } from '../core/mail/personalise';
import { languagesOf, type MailVariant, mailVariantSchema, mailVariants } from '../core/mail/variant';
import type { RenderedMail } from '../core/ports';
import { type Schedule, scheduleNameSchema } from '../core/schedule';
import { translationFor } from '../core/send/send-alert';
import { type DigestPlan, planDigest } from '../core/send/send-digest';
import { formatStaffTime } from '../core/time';
import { previewLinks } from '../render/preview';
import type { Runtime } from '../runtime/runtime';
import { sendingParts } from '../runtime/sending';

const mailKindSchema = z.enum(['alert', 'confirm', 'welcome', 'unsubscribed']);
type PreviewKind = z.infer<typeof mailKindSchema>;
const mailKinds = mailKindSchema.options;
/** The alert preview is of the newest stored article in the variant's languages, among these. */
const alertCandidates = 10;
/** A Map, not the object: a request names the page, and `__proto__` or `constructor` is no page. */
const pagesByName = new Map(Object.entries(samplePages));

/**
 * `GET /preview` in local mode only: the next digest of each schedule in every variant, the alert of
 * the newest article and the system mails, with preview links in place of a reader's, and every page
 * template.
 * - `GET /preview/schedule/{name}/{variant}` is the digest that schedule would send next: its real
 *   window and articles (`planDigest`, as the schedule's next firing plans it), or a page saying why
 *   there is none. Its view-in-browser link points at itself: a preview has no archive copy.
 * - `GET /preview/mail/{kind}/{variant}` is one other mail; `?format=text` gives either's plain text.
 * - `GET /preview/page/{name}/{lang}` is one page.
 * On AWS these routes do not exist (404).
 */
export function previewRoutes(runtime: Runtime): Hono {
  const routes = new Hono();
  const settings = () => runtime.config;
  const baseUrl = () => settings().baseUrl.replace(/\/$/, '');
  const at = (instant: string) => formatStaffTime(instant, settings().timeZone);

  const localOnly = async (_: unknown, next: () => Promise<void>) => {
    if (settings().mode !== 'local') throw new NotFoundError('no such page');
    await next();
  };
  routes.use('/preview', localOnly);
  routes.use('/preview/*', localOnly);

  /** The plan of a schedule's next digest, as its next firing would make it now. */
  const planOf = (schedule: Schedule) => planDigest(schedule, {}, sendingParts(runtime));
  const scheduleNamed = async (name: string) => {
    const schedule = scheduleNameSchema.safeParse(name).success
      ? await runtime.repos.schedules.get(name)
      : undefined;
    if (!schedule) throw new NotFoundError(`no schedule named "${name}"`);
    return schedule;
  };

  const describePlan = (plan: DigestPlan) =>
    `${at(plan.window.start)} → ${at(plan.window.end)}: ${plan.articles.length} new ${plan.articles.length === 1 ? 'article' : 'articles'}${plan.alreadyCarried ? ` (${plan.alreadyCarried} sent before, left out)` : ''}`;

  routes.get('/preview', async (c) => {
    const schedules = await runtime.repos.schedules.list();
    const digestRows = await Promise.all(
      schedules.map(async (schedule) => {
        const about = await planOf(schedule).then(
          (plan) => describePlan(plan),
          (error: unknown) => {
            if (error instanceof ValidationError) return error.message;
            throw error;
          },
        );
        return html`<tr><th scope="row">${schedule.name}<br><span class="meta">${about}</span></th>${mailVariants.map(
          (variant) =>
            html`<td><a href="/preview/schedule/${schedule.name}/${variant}">${variant}</a> <a class="meta" href="/preview/schedule/${schedule.name}/${variant}?format=text">text</a></td>`,
        )}</tr>`;
      }),
    );
    const mailRows = mailKinds.map(
      (kind) =>
        html`<tr><th scope="row">${kind}</th>${mailVariants.map(
          (variant) =>
            html`<td><a href="/preview/mail/${kind}/${variant}">${variant}</a> <a class="meta" href="/preview/mail/${kind}/${variant}?format=text">text</a></td>`,
        )}</tr>`,
    );
    const pages = [...pagesByName.keys()].map(
      (name) =>
        html`<tr><th scope="row">${name}</th>${(['ar', 'en'] as const).map(
          (lang) => html`<td><a href="/preview/page/${name}/${lang}">${lang}</a></td>`,
        )}</tr>`,
    );
    const variantHeads = mailVariants.map((variant) => html`<th scope="col">${variant}</th>`);
    const digests =
      digestRows.length > 0
        ? html`<table><caption>Next digest of each schedule</caption><thead><tr><th scope="col">schedule: window, articles</th>${variantHeads}</tr></thead><tbody>${digestRows}</tbody></table>`
        : html`<p class="notice">No schedules yet: add one with <code>nashra schedule add NAME --cron "0 8 * * 5" --cadence weekly</code>, and its next digest shows here.</p>`;
    return c.html(
      renderPage({
        lang: 'en',
        title: 'Template preview',
        body: html`<p>Each schedule's next digest as it would go out now (its window since its last digest, its topics, without what it sent before), the alert of the newest stored article, and the system mails, with preview links where a reader's own links go.</p>
${digests}
<table><caption>Other mails</caption><thead><tr><th scope="col">template</th>${variantHeads}</tr></thead><tbody>${mailRows}</tbody></table>
<table><caption>Pages</caption><thead><tr><th scope="col">page</th><th scope="col">ar</th><th scope="col">en</th></tr></thead><tbody>${pages}</tbody></table>`,
      }),
    );
  });

  routes.get('/preview/schedule/:name/:variant', async (c) => {
    const variant = mailVariantSchema.safeParse(c.req.param('variant'));
    if (!variant.success) throw new NotFoundError('no such variant');
    const name = c.req.param('name');
    const plan = await planOf(await scheduleNamed(name));
    const self = `${baseUrl()}/preview/schedule/${encodeURIComponent(name)}/${variant.data}`;
    let compiled: RenderedMail;
    try {
      if (plan.articles.length === 0) throw new ValidationError('its next firing would send nothing');
      compiled = await runtime.renderer.renderDigest({
        issueId: 'preview',
        variant: variant.data,
        articles: plan.articles,
        window: plan.window,
        viewInBrowserUrl: self,
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return c.html(
        renderPage({
          lang: 'en',
          title: `No ${variant.data} digest for "${name}" yet`,
          body: html`<p>${describePlan(plan)}: ${error.message}.</p><p><a href="/preview">All previews</a></p>`,
        }),
      );
    }
    return fill(c, compiled);
  });

  routes.get('/preview/mail/:kind/:variant', async (c) => {
    const kind = mailKindSchema.safeParse(c.req.param('kind'));
    const variant = mailVariantSchema.safeParse(c.req.param('variant'));
    if (!kind.success || !variant.success) throw new NotFoundError('no such template or variant');
    const self = `${baseUrl()}/preview/mail/${kind.data}/${variant.data}`;
    return fill(c, await renderMail(runtime, kind.data, variant.data, self));
  });

  routes.get('/preview/page/:name/:lang', (c) => {
    const page = pagesByName.get(c.req.param('name'));
    const lang = z.enum(['ar', 'en']).safeParse(c.req.param('lang'));
    if (!page || !lang.success) throw new NotFoundError('no such page');
    return c.html(page(lang.data));
  });

  /** The mail with preview links in a reader's place: its HTML, or with `?format=text` its text part. */
  function fill(c: Context, compiled: CompiledMail): Response | Promise<Response> {
    const filled = personalise(compiled, previewLinks(settings().baseUrl));
    return c.req.query('format') === 'text' ? c.text(filled.text) : c.html(filled.html);
  }

  return routes;
}

async function renderMail(runtime: Runtime, kind: PreviewKind, variant: MailVariant, self: string) {
  if (kind !== 'alert') return runtime.renderer.renderSystemMail(kind, variant, { cadence: 'weekly' });
  const { articles } = runtime.repos;
  const languages = languagesOf(variant);
  const newest = await articles.listPublished({ limit: alertCandidates });
  const article = newest.find((candidate) => languages.includes(candidate.lang));
  if (!article) throw new NotFoundError(`no stored article in ${variant}`);
  const translation = await translationFor(article, articles);
  const alerted: Article[] = translation ? [article, translation] : [article];
  return runtime.renderer.renderAlert({
    issueId: 'preview',
    variant,
    articles: alerted,
    viewInBrowserUrl: self,
  });
}
