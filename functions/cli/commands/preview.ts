import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import type { Article } from '../../core/article';
import { personalise } from '../../core/mail/personalise';
import { type MailVariant, mailVariantSchema } from '../../core/mail/variant';
import type { RenderedMail } from '../../core/ports';
import { translationFor } from '../../core/send/send-alert';
import { planDigest } from '../../core/send/send-digest';
import { checkWindow, formatStaffTime, readWindow, type WindowOptions } from '../../core/time';
import { previewLinks } from '../../render/preview';
import type { Runtime } from '../../runtime/runtime';
import { sendingParts } from '../../runtime/sending';
import { CliError, withRuntime } from '../context';

const week = 7 * 24 * 60 * 60 * 1000;

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

/**
 * The preview window of no schedule: --since/--until read in the network's zone (a date in --until
 * is the whole day), by default the seven days before --until, or before now.
 */
export function previewWindow(
  options: WindowOptions,
  now: Date,
  timeZone: string,
): { start: string; end: string } {
  const given = readWindow(options, { timeZone });
  const end = given.until ?? now.toISOString();
  const start = given.since ?? new Date(Date.parse(end) - week).toISOString();
  checkWindow({ start, end }, timeZone);
  return { start, end };
}

/** The file a preview is written to, as a link: its view-in-browser link opens the preview itself. */
const fileLink = (file: string) => pathToFileURL(resolve(file)).href;

function writePreview(compiled: RenderedMail, baseUrl: string, options: PreviewOptions): void {
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
articles   ${compiled.cards}${compiled.articles === compiled.cards ? '' : ` (${compiled.articles} with their translations)`}
html       ${out} (${(Buffer.byteLength(filled.html) / 1024).toFixed(1)} KB; Gmail clips above 102 KB)${
    options.text ? `\ntext       ${resolve(options.text)}` : ''
  }`);
}

/**
 * The digest a schedule would send next, as it would send it: its window (from the end of its last
 * one to now, or --since/--until in the schedule's zone), its topics, without what it carried before.
 */
async function previewScheduledDigest(
  runtime: Runtime,
  name: string,
  variant: MailVariant,
  options: PreviewOptions & WindowOptions,
): Promise<void> {
  const services = sendingParts(runtime);
  const schedule = await services.schedules.get(name);
  if (!schedule) throw new CliError(`no schedule named "${name}" (see \`nashra schedule list\`)`);
  const plan = await planDigest(schedule, readWindow(options, schedule), services);
  const at = (instant: string) => formatStaffTime(instant, runtime.config.timeZone);
  if (plan.articles.length === 0)
    throw new CliError(
      `nothing new for "${name}" from ${at(plan.window.start)} to ${at(plan.window.end)}: its next digest would send nothing`,
    );
  const compiled = await runtime.renderer.renderDigest({
    issueId: 'preview',
    variant,
    articles: plan.articles,
    window: plan.window,
    viewInBrowserUrl: fileLink(options.out),
  });
  writePreview(compiled, runtime.config.baseUrl, options);
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
    .option(
      '--since <when>',
      'start of the window: a date, a local time or an instant (default: the schedule’s, or 7 days before --until)',
    )
    .option('--until <when>', 'end of the window, exclusive; a date means the end of that day (default: now)')
    .requiredOption('--lang <variant>', 'ar, en, ar+en or en+ar')
    .requiredOption('--out <file.html>', 'where to write the HTML')
    .option('--text <file.txt>', 'also write the plain-text part here')
    .action(
      async (schedule: string | undefined, options: PreviewOptions & WindowOptions, command: Command) => {
        const variant = variantOption(options.lang);
        await withRuntime(command, async (runtime) => {
          if (schedule !== undefined) return previewScheduledDigest(runtime, schedule, variant, options);
          const { timeZone } = runtime.config;
          const window = previewWindow(options, runtime.clock.now(), timeZone);
          const found = await runtime.repos.articles.listPublished({
            since: window.start,
            until: window.end,
          });
          if (found.length === 0)
            throw new CliError(
              `no article published from ${formatStaffTime(window.start, timeZone)} to ${formatStaffTime(window.end, timeZone)}`,
            );
          const compiled = await runtime.renderer.renderDigest({
            issueId: 'preview',
            variant,
            articles: found,
            window,
            viewInBrowserUrl: fileLink(options.out),
          });
          writePreview(compiled, runtime.config.baseUrl, options);
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
        const translation = await translationFor(article, articles);
        const alerted: Article[] = translation ? [article, translation] : [article];
        const compiled = await runtime.renderer.renderAlert({
          issueId: 'preview',
          variant,
          articles: alerted,
          viewInBrowserUrl: fileLink(options.out),
        });
        writePreview(compiled, runtime.config.baseUrl, options);
      });
    });
}
