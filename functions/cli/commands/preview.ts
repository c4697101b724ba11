import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import type { Article } from '../../core/article';
import { ValidationError } from '../../core/errors';
import type { CompiledMail } from '../../core/mail/compiled-mail';
import { personalise } from '../../core/mail/personalise';
import { type MailVariant, mailVariantSchema } from '../../core/mail/variant';
import { planDigest } from '../../core/send/send-digest';
import { previewLinks } from '../../render/preview';
import type { Runtime } from '../../runtime/runtime';
import { sendingParts } from '../../runtime/sending';
import { CliError, withRuntime } from '../context';

const week = 7 * 24 * 60 * 60 * 1000;
const instant = z.iso.datetime({ offset: true });

interface PreviewOptions {
  lang: string;
  out: string;
  text?: string;
}

/** The `digest` or `alert` command group, whichever command file registers first creates it. */
function commandGroup(program: Command, name: string, description: string): Command {
  return (
    program.commands.find((command) => command.name() === name) ??
    program.command(name).description(description)
  );
}

function variantOption(value: string): MailVariant {
  const parsed = mailVariantSchema.safeParse(value);
  if (!parsed.success)
    throw new CliError(`--lang must be one of ${mailVariantSchema.options.join(', ')}, not ${value}`);
  return parsed.data;
}

function instantOption(name: string, value: string): string {
  if (!instant.safeParse(value).success)
    throw new CliError(`${name} must be an ISO 8601 instant (2014-01-01T00:00:00Z), not ${value}`);
  return new Date(value).toISOString();
}

/** The preview window: --since/--until, by default the seven days before now. */
export function previewWindow(
  options: { since?: string; until?: string },
  now: Date,
): { start: string; end: string } {
  const end = options.until ? instantOption('--until', options.until) : now.toISOString();
  const start = options.since
    ? instantOption('--since', options.since)
    : new Date(new Date(end).getTime() - week).toISOString();
  if (start >= end) throw new CliError(`--since (${start}) must be before --until (${end})`);
  return { start, end };
}

function writePreview(
  compiled: CompiledMail,
  baseUrl: string,
  options: PreviewOptions,
  articles: number,
): void {
  const filled = personalise(compiled, previewLinks(baseUrl));
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, filled.html);
  if (options.text) {
    const textOut = resolve(options.text);
    mkdirSync(dirname(textOut), { recursive: true });
    writeFileSync(textOut, filled.text);
  }
  console.log(`subject    ${filled.subject}
preheader  ${compiled.preheader}
articles   ${articles}
html       ${out} (${(Buffer.byteLength(filled.html) / 1024).toFixed(1)} KB; Gmail clips above 102 KB)${
    options.text ? `\ntext       ${resolve(options.text)}` : ''
  }`);
}

/**
 * The digest a schedule would send next, as it would send it: its window (from the end of its last
 * one to now, or --since/--until), its topics, without what it carried before.
 */
async function previewScheduledDigest(
  runtime: Runtime,
  name: string,
  variant: MailVariant,
  options: PreviewOptions & { since?: string; until?: string },
): Promise<void> {
  const requested = {
    ...(options.since ? { since: instantOption('--since', options.since) } : {}),
    ...(options.until ? { until: instantOption('--until', options.until) } : {}),
  };
  const services = sendingParts(runtime);
  const schedule = await services.schedules.get(name);
  if (!schedule) throw new CliError(`no schedule named "${name}" (see \`nashra schedule list\`)`);
  const plan = await planDigest(schedule, requested, services);
  const compiled = await asCliError(async () => {
    if (plan.articles.length === 0)
      throw new ValidationError(
        `nothing new for "${name}" in [${plan.window.start}, ${plan.window.end}): its next digest would send nothing`,
      );
    return runtime.renderer.renderDigest({
      issueId: 'preview',
      variant,
      articles: plan.articles,
      window: plan.window,
    });
  });
  writePreview(compiled, runtime.config.baseUrl, options, plan.articles.length);
}

async function asCliError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ValidationError) throw new CliError(error.message);
    throw error;
  }
}

/**
 * `nashra digest preview` and `nashra alert preview`: render one variant from the stored articles
 * exactly as it would be sent, with preview links in place of a reader's own, into an HTML file.
 */
export function registerPreview(program: Command): void {
  commandGroup(program, 'digest', 'digests: preview, schedule and send')
    .command('preview')
    .description('render one variant of a digest of stored articles into an HTML file')
    .argument(
      '[schedule]',
      "the schedule whose next digest to preview: its window's new articles on its topics",
    )
    .option('--since <iso>', 'start of the publication window (default: 7 days before --until)')
    .option('--until <iso>', 'end of the publication window, exclusive (default: now)')
    .requiredOption('--lang <variant>', 'ar, en, ar+en or en+ar')
    .requiredOption('--out <file.html>', 'where to write the HTML')
    .option('--text <file.txt>', 'also write the plain-text part here')
    .action(
      async (
        schedule: string | undefined,
        options: PreviewOptions & { since?: string; until?: string },
        command: Command,
      ) => {
        const variant = variantOption(options.lang);
        await withRuntime(command, async (runtime) => {
          if (schedule !== undefined) return previewScheduledDigest(runtime, schedule, variant, options);
          const window = previewWindow(options, runtime.clock.now());
          const found = await runtime.repos.articles.listPublished({
            since: window.start,
            until: window.end,
          });
          const compiled = await asCliError(async () => {
            if (found.length === 0)
              throw new ValidationError(`no article published in [${window.start}, ${window.end})`);
            return runtime.renderer.renderDigest({ issueId: 'preview', variant, articles: found, window });
          });
          writePreview(compiled, runtime.config.baseUrl, options, found.length);
        });
      },
    );

  commandGroup(program, 'alert', 'instant alerts')
    .command('preview')
    .description('render one variant of the alert for a stored article into an HTML file')
    .argument('<articleId>', 'the id of a stored article')
    .requiredOption('--lang <variant>', 'ar, en, ar+en or en+ar')
    .requiredOption('--out <file.html>', 'where to write the HTML')
    .option('--text <file.txt>', 'also write the plain-text part here')
    .action(async (articleId: string, options: PreviewOptions, command: Command) => {
      const variant = variantOption(options.lang);
      await withRuntime(command, async (runtime) => {
        const { articles } = runtime.repos;
        const article = await articles.get(articleId);
        if (!article) throw new CliError(`no article with id ${articleId}`);
        const translation = article.translationId ? await articles.get(article.translationId) : undefined;
        const alerted: Article[] = translation ? [article, translation] : [article];
        const compiled = await asCliError(() =>
          runtime.renderer.renderAlert({ issueId: 'preview', variant, articles: alerted }),
        );
        writePreview(compiled, runtime.config.baseUrl, options, alerted.length);
      });
    });
}
