import {
  type ArticlePageView,
  type ArticleView,
  articlePage,
  articlesPage,
  ingestReportPage,
} from '../../../templates/console/articles';
import { articlesCopy } from '../../../templates/console/articles-copy';
import { sectionCopy } from '../../../templates/console/section-copy';
import type { Article } from '../../core/article';
import { ValidationError } from '../../core/errors';
import type { FeedSource, ParsedFeed } from '../../core/ingest/feed-item';
import { type FeedReport, hasRejections, ingestFeeds, ingestParsedFeed } from '../../core/ingest/ingest-feed';
import { plainText } from '../../core/ingest/summary';
import { alertIssueId, sendAlertNow, translationFor } from '../../core/send/send-alert';
import { findArticles, searchLookbackDays, setArticleUrgent } from '../../core/staff-articles';
import { ingestParts } from '../../runtime/ingesting';
import { sendingParts } from '../../runtime/sending';
import type { ConsoleSection } from '../console-env';
import {
  type ConsoleContextOf,
  field,
  readForm,
  refusal,
  refusalOf,
  seeOther,
  staffTime,
  ticked,
} from '../console-kit';

const path = '/articles';
const shownArticles = 50;

/**
 * Articles: search the recent ones; show one beside its translation; mark it urgent (or not); send its
 * alert now (a held alert at once; one alert per article); add articles from a feed URL or an uploaded
 * feed file, with the report of what each item became. An ingest's report is the answer to its POST
 * (reading a feed again changes nothing, so a reload is harmless); every other action redirects.
 */
export function articlesSection(): ConsoleSection {
  return {
    path,
    nav: { ar: articlesCopy.ar.title, en: articlesCopy.en.title },
    register(app, context) {
      const { runtime } = context;
      const maxBytes = runtime.config.ingest.maxFeedBytes;
      const maxSize = `${Math.round(maxBytes / 1024 / 1024)} MB`;
      const zone = runtime.config.timeZone;
      const title = (c: ConsoleContextOf) => articlesCopy[c.get('lang')].title;
      const notFound = (c: ConsoleContextOf) =>
        context.render(c, {
          title: title(c),
          section: path,
          status: 404,
          body: refusal(404, sectionCopy[c.get('lang')].notFound).box,
        });

      app.get(path, async (c) => {
        const lang = c.get('lang');
        const text = (c.req.query('q') ?? '').slice(0, 200);
        const wanted = c.req.query('lang');
        const searchLang = wanted === 'ar' || wanted === 'en' ? wanted : undefined;
        const found = await findArticles(
          { text, limit: shownArticles, ...(searchLang ? { lang: searchLang } : {}) },
          { articles: runtime.repos.articles, clock: runtime.clock },
        );
        return context.render(c, {
          title: title(c),
          section: path,
          body: articlesPage({
            lang,
            csrf: c.get('csrf'),
            text,
            ...(searchLang ? { searchLang } : {}),
            lookbackDays: searchLookbackDays,
            articles: found.articles.map((article) => ({
              id: article.id,
              lang: article.lang,
              title: article.title,
              published: staffTime(article.publishedAt, zone, lang),
              urgent: article.urgent,
              paired: article.translationId !== undefined,
              topics: article.topics,
            })),
            more: found.more,
            maxFileSize: maxSize,
          }),
        });
      });

      app.post(`${path}/ingest`, async (c) => {
        const lang = c.get('lang');
        const form = await readForm(c);
        const given = field(form.fields, 'lang');
        const source: Omit<FeedSource, 'location'> = {
          ...(given === 'ar' || given === 'en' ? { lang: given } : {}),
          urgent: ticked(form.fields, 'urgent'),
        };
        const parts = ingestParts(runtime);
        const file = form.files.file;
        let report: FeedReport;
        if (file) {
          if (file.size === 0 || file.size > maxBytes)
            return context.render(c, {
              title: title(c),
              section: path,
              status: 400,
              body: refusal(
                400,
                file.size === 0 ? articlesCopy[lang].noFile : articlesCopy[lang].tooLarge(maxSize),
              ).box,
            });
          const location = `upload ${file.name}`;
          let parsed: ParsedFeed | undefined;
          let unreadable: string | undefined;
          try {
            parsed = parts.parser.parse(new Uint8Array(await file.arrayBuffer()));
          } catch (error) {
            unreadable = (error as Error).message;
          }
          report = parsed
            ? await ingestParsedFeed(parts, { location, ...source }, parsed)
            : {
                feed: location,
                created: [],
                updated: [],
                unchanged: [],
                rejected: [],
                paired: [],
                notes: [],
                error: unreadable,
              };
        } else {
          const url = (field(form.fields, 'url') ?? '').trim();
          if (!/^https?:\/\//i.test(url) || !URL.canParse(url))
            return context.render(c, {
              title: title(c),
              section: path,
              status: 400,
              body: refusalOf(c, new ValidationError(`"${url}" is not an http(s) URL`)).box,
            });
          [report] = (await ingestFeeds(parts, [{ location: url, ...source }])) as [FeedReport];
        }
        await context.audit(c, {
          action: 'article.ingest',
          detail: {
            created: report.created.length,
            updated: report.updated.length,
            rejected: report.rejected.length,
            failed: report.error !== undefined,
            urgent: source.urgent === true,
          },
        });
        return context.render(c, {
          title: articlesCopy[lang].reportTitle,
          section: path,
          ...(hasRejections(report) ? { status: 422 } : {}),
          body: ingestReportPage({ lang, report }),
        });
      });

      const articleView = (article: Article, lang: 'ar' | 'en'): ArticleView => ({
        id: article.id,
        lang: article.lang,
        title: article.title,
        published: staffTime(article.publishedAt, zone, lang),
        url: article.url,
        ...(article.source ? { source: article.source } : {}),
        topics: article.topics,
        urgent: article.urgent,
        summary: article.summary,
        text: plainText(article.bodyHtml),
      });

      app.get(`${path}/show`, async (c) => {
        const id = c.req.query('id') ?? '';
        const article = id ? await runtime.repos.articles.get(id) : undefined;
        if (!article) return notFound(c);
        const lang = c.get('lang');
        const [translation, alertIssue] = await Promise.all([
          translationFor(article, runtime.repos.articles),
          runtime.repos.issues.get(alertIssueId(article.id)),
        ]);
        const alert: ArticlePageView['alert'] = !alertIssue
          ? { state: 'none' }
          : alertIssue.status === 'held'
            ? { state: 'held', until: staffTime(alertIssue.sendAfter ?? alertIssue.createdAt, zone, lang) }
            : !alertIssue.fannedOut
              ? { state: 'under-way' }
              : { state: 'sent', issueId: alertIssue.id, status: alertIssue.status };
        const notices = articlesCopy[lang].notices;
        const done = c.req.query('done') as keyof typeof notices | undefined;
        return context.render(c, {
          title: articlesCopy[lang].articleTitle,
          section: path,
          ...(done && done in notices ? { notice: notices[done] } : {}),
          body: articlePage({
            lang,
            csrf: c.get('csrf'),
            article: articleView(article, lang),
            ...(translation ? { translation: articleView(translation, lang) } : {}),
            alert,
          }),
        });
      });

      app.post(`${path}/urgent`, async (c) => {
        const form = await readForm(c);
        const id = field(form.fields, 'id') ?? '';
        const urgent = field(form.fields, 'urgent') === 'yes';
        try {
          await setArticleUrgent(id, urgent, { articles: runtime.repos.articles, clock: runtime.clock });
        } catch (error) {
          const refused = refusalOf(c, error);
          return context.render(c, {
            title: title(c),
            section: path,
            status: refused.status,
            body: refused.box,
          });
        }
        await context.audit(c, {
          action: 'article.urgent',
          target: { kind: 'article', id },
          detail: { urgent },
        });
        return seeOther(c, `${path}/show`, { id, done: urgent ? 'urgent' : 'notUrgent' });
      });

      app.post(`${path}/alert`, async (c) => {
        const form = await readForm(c);
        const id = field(form.fields, 'id') ?? '';
        let outcome: Awaited<ReturnType<typeof sendAlertNow>>;
        try {
          outcome = await sendAlertNow(id, sendingParts(runtime));
        } catch (error) {
          const refused = refusalOf(c, error);
          return context.render(c, {
            title: title(c),
            section: path,
            status: refused.status,
            body: refused.box,
          });
        }
        await context.audit(c, {
          action: 'article.alert',
          target: { kind: 'article', id },
          detail: { outcome: outcome.status, issue: outcome.issue.id, recipients: outcome.issue.recipients },
        });
        const done =
          outcome.status === 'already-sent'
            ? 'alreadySent'
            : outcome.status === 'under-way'
              ? 'underWay'
              : outcome.status === 'held'
                ? 'held'
                : 'alerted';
        return seeOther(c, `${path}/show`, { id, done });
      });
    },
  };
}
