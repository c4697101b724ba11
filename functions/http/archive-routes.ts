import { Hono } from 'hono';
import * as z from 'zod';
import { archiveListPage, publicCopyHtml } from '../../templates/pages/archive-page';
import { errorPage } from '../../templates/pages/pages';
import { archiveCopy, archivePath, listArchive } from '../core/archive';
import type { Language } from '../core/article';
import { languagesOf, mailVariantSchema } from '../core/mail/variant';
import { formatDate } from '../render/dates';
import type { Runtime } from '../runtime/runtime';

const pageSize = 20;
const languageSchema = z.enum(['ar', 'en']);
/** Page cursors are base64url; anything else is not one of ours. */
const cursorSchema = z.string().regex(/^[A-Za-z0-9_-]{1,1024}$/);

/**
 * The archive shows no image: an article's image may be hosted anywhere (a hijacked feed chooses),
 * and a page that loads it tells that host who reads the archive. The app's CSP (`img-src 'self'`)
 * would block it anyway; taking the element out leaves no broken image behind. The compiled mail's
 * attribute values are escaped, so no `>` ends a tag early.
 */
function withoutImages(page: string): string {
  return page.replace(/<img\b[^>]*>/gi, '');
}

/**
 * The public archive, on every stage, for anyone: `GET /issues` lists the issues that went out,
 * newest first (`?lang=ar|en` for the page's language, `?before=` for older ones), and
 * `GET /issues/{id}/{variant}` shows one issue's copy in a variant (`ar`, `en`, `ar+en`, `en+ar`,
 * as `archivePath` builds them; a plain `ar`/`en` is also served from a bilingual copy when the
 * issue has no copy in that language alone). No page carries a token or a reader's link. Unknown
 * issues, variants and cursors are a 404.
 */
export function archiveRoutes(runtime: Runtime): Hono {
  const routes = new Hono();
  const archive = () => ({ issues: runtime.repos.issues, timeZone: runtime.config.timeZone });
  const notFound = (lang?: Language) => errorPage({ status: 404, ...(lang ? { lang } : {}) });

  routes.get('/issues', async (c) => {
    const lang = languageSchema.catch('ar').parse(c.req.query('lang'));
    const before = c.req.query('before');
    if (before !== undefined && !cursorSchema.safeParse(before).success) return c.html(notFound(lang), 404);
    const { issues, timeZone } = archive();
    let page: Awaited<ReturnType<typeof listArchive>>;
    try {
      page = await listArchive({ limit: pageSize, ...(before ? { cursor: before } : {}) }, { issues });
    } catch (error) {
      if ((error as Error).name === 'InvalidCursorError') return c.html(notFound(lang), 404);
      throw error;
    }
    const other = lang === 'ar' ? 'en' : 'ar';
    c.header('Cache-Control', 'public, max-age=60');
    return c.html(
      archiveListPage({
        lang,
        items: page.entries.map((entry) => ({
          date: formatDate(entry.issue.createdAt, lang, timeZone),
          copies: entry.copies.map((copy) => ({
            lang: copy.lang,
            title: copy.subject,
            url: archivePath(entry.issue.id, copy.variant),
          })),
        })),
        otherLanguageUrl: `/issues?lang=${other}`,
        ...(page.cursor ? { olderUrl: `/issues?lang=${lang}&before=${page.cursor}` } : {}),
      }),
    );
  });

  routes.get('/issues/:id/:variant', async (c) => {
    // A `+` written as a space by a client that form-decodes paths.
    const variant = mailVariantSchema.safeParse(c.req.param('variant').replace(/ /g, '+'));
    const id = c.req.param('id');
    if (!variant.success || id.length > 200) return c.html(notFound(), 404);
    const copy = await archiveCopy(id, variant.data, archive()).catch((error: Error) => {
      if (error.name === 'NotFoundError') return undefined;
      throw error;
    });
    if (!copy) return c.html(notFound(), 404);
    c.header('Cache-Control', 'public, max-age=3600');
    c.header('Content-Language', copy.mail.contentLanguage);
    return c.html(withoutImages(publicCopyHtml(copy.mail.html, languagesOf(copy.variant))));
  });

  return routes;
}
