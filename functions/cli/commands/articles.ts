import type { Command } from 'commander';
import type { Article } from '../../core/article';
import { pairTranslations } from '../../core/ingest/pairing';
import { plainText } from '../../core/ingest/summary';
import type { ArticleRepo } from '../../core/ports';
import { formatStaffTime, readTime } from '../../core/time';
import { CliError, printJson, withRuntime } from '../context';

/** The fields of `articles list --json`, each always present (`translationId` null when unpaired). */
function listed(article: Article) {
  return {
    id: article.id,
    lang: article.lang,
    title: article.title,
    summary: article.summary,
    url: article.url,
    publishedAt: article.publishedAt,
    topics: article.topics,
    urgent: article.urgent,
    translationId: article.translationId ?? null,
  };
}

function shown(article: Article) {
  return {
    ...listed(article),
    bodyHtml: article.bodyHtml,
    imageUrl: article.imageUrl ?? null,
    source: article.source ?? null,
    author: article.author ?? null,
    firstSeenAt: article.firstSeenAt,
    updatedAt: article.updatedAt,
  };
}

function withArticles<T>(command: Command, run: (repo: ArticleRepo) => Promise<T>): Promise<T> {
  return withRuntime(command, (runtime) => run(runtime.repos.articles));
}

/** Typed refusals of the core become the CLI's own message; anything else stays an error. */
function asCliError(error: unknown): unknown {
  return error instanceof Error && ['NotFoundError', 'ValidationError', 'ConflictError'].includes(error.name)
    ? new CliError(error.message)
    : error;
}

/** `nashra articles list|show|pair`. */
export function registerArticles(program: Command): void {
  const articles = program.command('articles').description('list, show and pair stored articles');

  articles
    .command('list')
    .description('stored articles, newest first')
    .option('--lang <ar|en>', 'only this language')
    .option(
      '--since <when>',
      "only articles published from then on: a date, a local time (in the network's zone) or an instant",
    )
    .option('--json', 'print JSON (ISO instants)')
    .action(async (options: { lang?: string; since?: string; json?: boolean }, command: Command) => {
      if (options.lang !== undefined && options.lang !== 'ar' && options.lang !== 'en')
        throw new CliError(`--lang must be ar or en, not ${options.lang}`);
      const { found, timeZone } = await withRuntime(command, async (runtime) => {
        const { timeZone } = runtime.config;
        const since =
          options.since === undefined
            ? undefined
            : readTime(options.since, { timeZone, name: '--since' }).instant.toISOString();
        const lang = options.lang as 'ar' | 'en' | undefined;
        return { found: await runtime.repos.articles.listPublished({ lang, since }), timeZone };
      });
      if (options.json) return printJson(found.map(listed));
      for (const article of found) {
        const flags = [
          article.urgent ? 'urgent' : '',
          article.translationId ? `↔ ${article.translationId}` : '',
        ]
          .filter(Boolean)
          .join(' ');
        console.log(`${formatStaffTime(article.publishedAt, timeZone)}  ${article.lang}  ${article.id}`);
        console.log(`    ${article.title}${flags ? `  [${flags}]` : ''}`);
      }
      if (found.length === 0) console.log('no articles');
    });

  articles
    .command('show')
    .description('one article, with its body')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const { article, timeZone } = await withRuntime(command, async (runtime) => ({
        article: await runtime.repos.articles.get(id),
        timeZone: runtime.config.timeZone,
      }));
      if (!article) throw new CliError(`no article ${id}`);
      if (options.json) return printJson(shown(article));
      console.log(`${article.title}
  id           ${article.id}
  language     ${article.lang}
  url          ${article.url}
  published    ${formatStaffTime(article.publishedAt, timeZone)}
  topics       ${article.topics.join(', ') || '(none)'}
  urgent       ${article.urgent ? 'yes' : 'no'}
  translation  ${article.translationId ?? '(none)'}
  source       ${article.source ?? '(none)'}

${article.summary}

${plainText(article.bodyHtml)}`);
    });

  articles
    .command('pair')
    .description('link an Arabic and an English article as translations of each other (both sides)')
    .argument('<id1>')
    .argument('<id2>')
    .action(async (first: string, second: string, _options: unknown, command: Command) => {
      const result = await withArticles(command, (repo) =>
        pairTranslations(repo, first, second, { replace: true }),
      ).catch((error: unknown) => {
        throw asCliError(error);
      });
      console.log(
        result.outcome === 'already paired'
          ? `${first} ↔ ${second} were already paired`
          : `paired ${first} ↔ ${second}`,
      );
    });
}
