import { Hono } from 'hono';
import { z } from 'zod';
import { html } from '../../templates/escape';
import { renderPage } from '../../templates/pages/layout';
import { samplePages } from '../../templates/pages/samples';
import type { Article } from '../core/article';
import { NotFoundError } from '../core/errors';
import { personalise } from '../core/mail/personalise';
import { languagesOf, type MailVariant, mailVariantSchema, mailVariants } from '../core/mail/variant';
import type { ArticleRepo, MailRenderer } from '../core/ports';
import { previewLinks } from '../render/preview';
import type { Runtime } from '../runtime/runtime';

const mailKindSchema = z.enum(['digest', 'alert', 'confirm', 'welcome', 'unsubscribed']);
type PreviewKind = z.infer<typeof mailKindSchema>;
const mailKinds = mailKindSchema.options;
const previewedArticles = 10;
/** A Map, not the object: a request names the page, and `__proto__` or `constructor` is no page. */
const pagesByName = new Map(Object.entries(samplePages));

/**
 * `GET /preview` in local mode only: every mail template × variant, rendered from the stored articles
 * (the demo data in `nashra dev`) with preview links in place of a reader's, and every page template.
 * `GET /preview/mail/{kind}/{variant}` is one mail (`?format=text` its plain-text part);
 * `GET /preview/page/{name}/{lang}` one page. On AWS these routes do not exist (404).
 */
export function previewRoutes(runtime: Runtime): Hono {
  const routes = new Hono();
  const settings = () => runtime.config;
  const preview = () => ({ articles: runtime.repos.articles, renderer: runtime.renderer });

  const localOnly = async (_: unknown, next: () => Promise<void>) => {
    if (settings().mode !== 'local') throw new NotFoundError('no such page');
    await next();
  };
  routes.use('/preview', localOnly);
  routes.use('/preview/*', localOnly);

  routes.get('/preview', (c) => {
    const rows = mailKinds.map(
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
    return c.html(
      renderPage({
        lang: 'en',
        title: 'Template preview',
        body: html`<p>Mails rendered from the ${previewedArticles} newest stored articles, with preview links where a reader's own links go.</p>
<table><caption>Mails</caption><thead><tr><th scope="col">template</th>${mailVariants.map((variant) => html`<th scope="col">${variant}</th>`)}</tr></thead><tbody>${rows}</tbody></table>
<table><caption>Pages</caption><thead><tr><th scope="col">page</th><th scope="col">ar</th><th scope="col">en</th></tr></thead><tbody>${pages}</tbody></table>`,
      }),
    );
  });

  routes.get('/preview/mail/:kind/:variant', async (c) => {
    const kind = mailKindSchema.safeParse(c.req.param('kind'));
    const variant = mailVariantSchema.safeParse(c.req.param('variant'));
    if (!kind.success || !variant.success) throw new NotFoundError('no such template or variant');
    const compiled = await renderPreview(preview(), kind.data, variant.data);
    const filled = personalise(compiled, previewLinks(settings().baseUrl));
    return c.req.query('format') === 'text' ? c.text(filled.text) : c.html(filled.html);
  });

  routes.get('/preview/page/:name/:lang', (c) => {
    const page = pagesByName.get(c.req.param('name'));
    const lang = z.enum(['ar', 'en']).safeParse(c.req.param('lang'));
    if (!page || !lang.success) throw new NotFoundError('no such page');
    return c.html(page(lang.data));
  });

  return routes;
}

async function renderPreview(
  tools: { articles: ArticleRepo; renderer: MailRenderer },
  kind: PreviewKind,
  variant: MailVariant,
) {
  if (kind === 'confirm' || kind === 'welcome' || kind === 'unsubscribed') {
    return tools.renderer.renderSystemMail(kind, variant, { cadence: 'weekly' });
  }
  const newest = await tools.articles.listPublished({ limit: previewedArticles });
  const languages = languagesOf(variant);
  if (kind === 'digest') {
    const inVariant = newest.filter((article) => languages.includes(article.lang));
    const oldest = inVariant.at(-1);
    const latest = inVariant[0];
    if (!oldest || !latest) throw new NotFoundError(`no stored article in ${variant}`);
    const window = {
      start: oldest.publishedAt,
      end: new Date(Date.parse(latest.publishedAt) + 1).toISOString(),
    };
    return tools.renderer.renderDigest({ issueId: 'preview', variant, articles: newest, window });
  }
  const article = newest.find((candidate) => languages.includes(candidate.lang));
  if (!article) throw new NotFoundError(`no stored article in ${variant}`);
  const translation = article.translationId ? await tools.articles.get(article.translationId) : undefined;
  const articles: Article[] = translation ? [article, translation] : [article];
  return tools.renderer.renderAlert({ issueId: 'preview', variant, articles });
}
