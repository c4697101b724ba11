import { createHash } from 'node:crypto';
import {
  erasePage,
  fieldNames,
  importForm,
  importPreview,
  readerPage,
  readersPage,
} from '../../../templates/console/readers';
import { readersCopy } from '../../../templates/console/readers-copy';
import { sectionCopy } from '../../../templates/console/section-copy';
import type { Language } from '../../core/article';
import { outcomeOf } from '../../core/issue-report';
import { normaliseEmail, type Subscriber } from '../../core/subscriber';
import type { CsvSeparator } from '../../core/subscribers/csv';
import type { ImportColumn } from '../../core/subscribers/import-rows';
import { parseInput, preferencesRequestSchema } from '../../core/subscribers/input';
import {
  allReaders,
  eraseReader,
  exportColumns,
  type ImportReport,
  importReaders,
  personalData,
  readerCsvLine,
  revokeLinks,
  setReader,
  unsubscribeReader,
} from '../../core/subscribers/staff';
import { readerParts } from '../../runtime/readers';
import { logger, logSafeError } from '../../shared/logger';
import type { ConsoleSection } from '../console-env';
import {
  type ConsoleContextOf,
  field,
  type Refusal,
  readForm,
  refusal,
  refusalOf,
  seeOther,
  staffTime,
  ticked,
} from '../console-kit';

const path = '/readers';
const readerId = /^[A-Za-z0-9_-]{8,64}$/;
/**
 * The largest CSV an import takes: ten thousand readers and more, and small enough to carry in the
 * preview's form. The shell limits the body of every console request before it reads it (for the
 * CSRF token), above this.
 */
export const importMaxBytes = 1024 * 1024;
const importMaxSize = '1 MB';
const separators: Record<string, CsvSeparator> = { ',': ',', ';': ';', '\t': '\t' };

/**
 * Readers: find one by their exact address (posted, never in a URL); show them (status, languages,
 * cadence, topics, urgent alerts, consent, the issues sent to them); change their settings or
 * unsubscribe them on their behalf with the reason; download what we hold on them; erase them after
 * the staff member types their address; import a CSV through a preview of what will change (nothing
 * written until confirmed: the file rides in the preview's form); export every reader as CSV.
 */
export function readersSection(): ConsoleSection {
  return {
    path,
    nav: { ar: readersCopy.ar.title, en: readersCopy.en.title },
    register(app, context) {
      const { runtime } = context;
      const parts = () => readerParts(runtime);

      const title = (c: ConsoleContextOf) => readersCopy[c.get('lang')].title;
      const notFound = (c: ConsoleContextOf) =>
        context.render(c, {
          title: title(c),
          section: path,
          status: 404,
          body: refusal(404, sectionCopy[c.get('lang')].notFound).box,
        });
      const readerOf = async (c: ConsoleContextOf) => {
        const id = c.req.param('id') ?? '';
        return readerId.test(id) ? runtime.repos.subscribers.get(id) : undefined;
      };

      const showReader = async (
        c: ConsoleContextOf,
        reader: Subscriber,
        extra: {
          status?: number;
          notice?: string;
          settingsError?: Refusal;
          unsubscribeError?: Refusal;
          revokeError?: Refusal;
        } = {},
      ) => {
        const lang = c.get('lang');
        const zone = runtime.config.timeZone;
        const deliveries = await runtime.repos.deliveries.listForSubscriber(reader.id);
        return context.render(c, {
          title: readersCopy[lang].readerTitle,
          section: path,
          ...(extra.status ? { status: extra.status } : {}),
          ...(extra.notice ? { notice: extra.notice } : {}),
          body: readerPage({
            lang,
            csrf: c.get('csrf'),
            id: reader.id,
            email: reader.email,
            status: reader.status,
            languages: reader.languages,
            cadence: reader.cadence,
            topics: reader.topics,
            urgentAlerts: reader.urgentAlerts,
            paused: reader.paused,
            ...(reader.consent
              ? {
                  consent: {
                    at: staffTime(reader.consent.at, zone, lang),
                    method: reader.consent.method,
                    ...(reader.consent.source ? { source: reader.consent.source } : {}),
                  },
                }
              : {}),
            created: staffTime(reader.createdAt, zone, lang),
            ...(reader.confirmedAt ? { confirmed: staffTime(reader.confirmedAt, zone, lang) } : {}),
            ...(reader.unsubscribed
              ? {
                  unsubscribed: {
                    at: staffTime(reader.unsubscribed.at, zone, lang),
                    reason: reader.unsubscribed.reason,
                  },
                }
              : {}),
            deliveries: deliveries
              .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
              .map((delivery) => {
                const outcome = outcomeOf(delivery);
                return {
                  issueId: delivery.issueId,
                  outcome: outcome.outcome,
                  ...(outcome.reason ? { reason: outcome.reason } : {}),
                  at: staffTime(outcome.at, zone, lang),
                };
              }),
            allTopics: parts().topics,
            ...(extra.settingsError ? { settingsError: extra.settingsError.box } : {}),
            ...(extra.unsubscribeError ? { unsubscribeError: extra.unsubscribeError.box } : {}),
            ...(extra.revokeError ? { revokeError: extra.revokeError.box } : {}),
          }),
        });
      };

      app.get(path, (c) => {
        const lang = c.get('lang');
        const notices = readersCopy[lang].notices;
        return context.render(c, {
          title: title(c),
          section: path,
          ...(c.req.query('done') === 'erased' ? { notice: notices.erased } : {}),
          body: readersPage({ lang, csrf: c.get('csrf') }),
        });
      });

      app.post(`${path}/find`, async (c) => {
        const form = await readForm(c);
        const email = (field(form.fields, 'email') ?? '').trim();
        const reader = email ? await runtime.repos.subscribers.findByEmail(normaliseEmail(email)) : undefined;
        if (reader) return seeOther(c, `${path}/${reader.id}`);
        const lang = c.get('lang');
        return context.render(c, {
          title: title(c),
          section: path,
          status: 404,
          body: readersPage({
            lang,
            csrf: c.get('csrf'),
            email,
            error: refusal(404, readersCopy[lang].notFound).box,
          }),
        });
      });

      app.get(`${path}/export.csv`, async (c) => {
        let csv = `\uFEFF${exportColumns.join(',')}\r\n`;
        let count = 0;
        for await (const reader of allReaders(runtime.repos.subscribers)) {
          csv += readerCsvLine(reader);
          count += 1;
        }
        await context.audit(c, { action: 'readers.export', detail: { readers: count } });
        c.header('Content-Type', 'text/csv; charset=utf-8');
        c.header('Content-Disposition', 'attachment; filename="readers.csv"');
        c.header('Cache-Control', 'no-store');
        return c.body(csv);
      });

      registerImport(app, context);

      app.get(`${path}/:id`, async (c) => {
        const reader = await readerOf(c);
        if (!reader) return notFound(c);
        const lang = c.get('lang');
        const notices = readersCopy[lang].notices;
        const done = c.req.query('done');
        const changed = (c.req.query('fields') ?? '')
          .split(',')
          .map((name) => fieldNames(lang)[name as keyof ReturnType<typeof fieldNames>])
          .filter(Boolean)
          .join(lang === 'ar' ? '، ' : ', ');
        const notice =
          done === 'settings'
            ? changed
              ? notices.settings(changed)
              : notices.unchanged
            : done === 'unsubscribed'
              ? notices.unsubscribed
              : done === 'not-unsubscribed'
                ? notices.notUnsubscribed
                : done === 'revoked'
                  ? notices.revoked
                  : done === 'revoked-and-sent'
                    ? notices.revokedAndSent
                    : undefined;
        return showReader(c, reader, notice ? { notice } : {});
      });

      app.post(`${path}/:id/settings`, async (c) => {
        const reader = await readerOf(c);
        if (!reader) return notFound(c);
        const form = await readForm(c);
        try {
          const changes = parseInput(preferencesRequestSchema, form.fields, parts().topics);
          const { changed } = await setReader(reader.email, changes, parts());
          await context.audit(c, {
            action: 'reader.settings',
            target: { kind: 'reader', id: reader.id },
            detail: { changed: changed.join(',') || 'nothing' },
          });
          return seeOther(c, `${path}/${reader.id}`, { done: 'settings', fields: changed.join(',') });
        } catch (error) {
          const refused = refusalOf(c, error);
          return showReader(c, reader, { status: refused.status, settingsError: refused });
        }
      });

      app.post(`${path}/:id/unsubscribe`, async (c) => {
        const reader = await readerOf(c);
        if (!reader) return notFound(c);
        const form = await readForm(c);
        try {
          const { changed, countError } = await unsubscribeReader(
            reader.email,
            field(form.fields, 'reason') ?? '',
            parts(),
          );
          if (countError)
            logger.error('unsubscribe not counted on its issues', {
              subscriber: reader.id,
              error: logSafeError(countError),
            });
          await context.audit(c, {
            action: 'reader.unsubscribe',
            target: { kind: 'reader', id: reader.id },
            detail: { changed },
          });
          return seeOther(c, `${path}/${reader.id}`, { done: changed ? 'unsubscribed' : 'not-unsubscribed' });
        } catch (error) {
          const refused = refusalOf(c, error);
          return showReader(c, reader, { status: refused.status, unsubscribeError: refused });
        }
      });

      app.post(`${path}/:id/revoke-links`, async (c) => {
        const reader = await readerOf(c);
        if (!reader) return notFound(c);
        const form = await readForm(c);
        try {
          const { subscriber, sent } = await revokeLinks(
            reader.email,
            { sendLink: field(form.fields, 'sendLink') === 'on' },
            parts(),
          );
          await context.audit(c, {
            action: 'reader.revoke-links',
            target: { kind: 'reader', id: reader.id },
            detail: { linkVersion: subscriber.linkVersion, sent },
          });
          return seeOther(c, `${path}/${reader.id}`, { done: sent ? 'revoked-and-sent' : 'revoked' });
        } catch (error) {
          const refused = refusalOf(c, error);
          return showReader(c, reader, { status: refused.status, revokeError: refused });
        }
      });

      app.get(`${path}/:id/personal-data.json`, async (c) => {
        const reader = await readerOf(c);
        if (!reader) return notFound(c);
        const data = await personalData(reader.email, parts());
        await context.audit(c, {
          action: 'reader.export-personal',
          target: { kind: 'reader', id: reader.id },
        });
        c.header('Content-Disposition', `attachment; filename="reader-${reader.id}.json"`);
        c.header('Cache-Control', 'no-store');
        return c.json(data ?? {});
      });

      const erasure = (c: ConsoleContextOf, id: string, error?: Refusal) =>
        context.render(c, {
          title: readersCopy[c.get('lang')].eraseConfirmTitle,
          section: path,
          ...(error ? { status: error.status } : {}),
          body: erasePage({
            lang: c.get('lang'),
            csrf: c.get('csrf'),
            id,
            ...(error ? { error: error.box } : {}),
          }),
        });

      app.get(`${path}/:id/erase`, async (c) => {
        const reader = await readerOf(c);
        if (!reader) return notFound(c);
        return erasure(c, reader.id);
      });

      app.post(`${path}/:id/erase`, async (c) => {
        const reader = await readerOf(c);
        if (!reader) return notFound(c);
        const form = await readForm(c);
        if (normaliseEmail(field(form.fields, 'email') ?? '') !== reader.email)
          return erasure(c, reader.id, refusal(400, readersCopy[c.get('lang')].eraseMismatch));
        const erased = await eraseReader(reader.email, parts());
        await context.audit(c, {
          action: 'reader.erase',
          target: { kind: 'reader', id: reader.id },
          detail: { deliveries: erased?.deliveries ?? 0, counters: erased?.counters ?? 0 },
        });
        return seeOther(c, path, { done: 'erased' });
      });
    },
  };
}

/** The import's routes: the form, the preview (a dry run), the import for real. */
function registerImport(
  app: Parameters<ConsoleSection['register']>[0],
  context: Parameters<ConsoleSection['register']>[1],
) {
  const { runtime } = context;
  const importPath = `${path}/import`;
  const words = (c: ConsoleContextOf) => readersCopy[c.get('lang')].import;
  const formPage = (c: ConsoleContextOf, extra: { error?: Refusal; notice?: string } = {}) =>
    context.render(c, {
      title: words(c).title,
      section: path,
      ...(extra.error ? { status: extra.error.status } : {}),
      ...(extra.notice ? { notice: extra.notice } : {}),
      body: importForm({
        lang: c.get('lang'),
        csrf: c.get('csrf'),
        maxSize: importMaxSize,
        ...(extra.error ? { error: extra.error.box } : {}),
      }),
    });
  /** The import's settings as the form sends them. */
  const optionsOf = (fields: Record<string, string | string[]>) => {
    const separator = separators[field(fields, 'separator') ?? ''];
    const source = (field(fields, 'source') ?? '').trim();
    return {
      confirmed: ticked(fields, 'confirmed'),
      ...(source ? { source } : {}),
      ...(separator ? { separator } : {}),
    };
  };

  app.get(importPath, (c) => {
    const done = c.req.query('done');
    const count = (name: string) => Number(c.req.query(name) ?? 0);
    return formPage(
      c,
      done === 'imported'
        ? { notice: words(c).done(count('created'), count('unchanged'), count('rejected'), count('mailed')) }
        : {},
    );
  });

  app.post(`${importPath}/preview`, async (c) => {
    const form = await readForm(c);
    const file = form.files.file;
    if (!file || file.size === 0) return formPage(c, { error: refusal(400, words(c).noFile) });
    if (file.size > importMaxBytes)
      return formPage(c, { error: refusal(400, words(c).tooLarge(importMaxSize)) });
    let csv: string;
    try {
      csv = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
    } catch {
      return formPage(c, { error: refusal(400, words(c).notText) });
    }
    const options = optionsOf(form.fields);
    let report: ImportReport;
    try {
      report = await importReaders(csv, { ...options, dryRun: true }, readerParts(runtime));
    } catch (error) {
      return formPage(c, { error: refusalOf(c, error) });
    }
    const lang = c.get('lang');
    return context.render(c, {
      title: words(c).previewTitle,
      section: path,
      body: importPreview({
        lang,
        csrf: c.get('csrf'),
        csv,
        separator: report.separator,
        confirmed: options.confirmed,
        source: options.source ?? '',
        columns: Object.entries(report.columns).map(([column, header]) => ({
          field: columnName(column as ImportColumn, lang),
          header: header ?? '',
        })),
        created: report.created,
        unchanged: report.unchanged,
        rejected: report.rejected,
        mailed: report.confirmationsSent,
      }),
    });
  });

  app.post(importPath, async (c) => {
    const form = await readForm(c);
    const csv = field(form.fields, 'csv') ?? '';
    if (!csv) return formPage(c, { error: refusal(400, words(c).noFile) });
    if (Buffer.byteLength(csv) > importMaxBytes)
      return formPage(c, { error: refusal(400, words(c).tooLarge(importMaxSize)) });
    let report: ImportReport;
    try {
      report = await importReaders(csv, optionsOf(form.fields), readerParts(runtime));
    } catch (error) {
      return formPage(c, { error: refusalOf(c, error) });
    }
    await context.audit(c, {
      action: 'readers.import',
      target: { kind: 'import', id: createHash('sha256').update(csv).digest('hex').slice(0, 16) },
      detail: {
        created: report.created,
        unchanged: report.unchanged.length,
        rejected: report.rejected.length,
        confirmationsSent: report.confirmationsSent,
        confirmed: optionsOf(form.fields).confirmed,
      },
    });
    return seeOther(c, importPath, {
      done: 'imported',
      created: String(report.created),
      unchanged: String(report.unchanged.length),
      rejected: String(report.rejected.length),
      mailed: String(report.confirmationsSent),
    });
  });
}

/** An import column's name in the page's language. */
function columnName(column: ImportColumn, lang: Language): string {
  const words = readersCopy[lang];
  const names: Record<ImportColumn, string> = {
    email: words.email,
    languages: words.languages,
    cadence: words.cadence,
    topics: words.topics,
    urgentAlerts: words.urgentAlerts,
    status: words.status,
  };
  return names[column];
}
