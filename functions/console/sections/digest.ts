import {
  type DigestPageView,
  digestIndexPage,
  digestPage,
  type VariantName,
} from '../../../templates/console/digest';
import { digestCopy } from '../../../templates/console/digest-copy';
import { sectionCopy } from '../../../templates/console/section-copy';
import { consolePath } from '../../../templates/console/ui';
import { personalise } from '../../core/mail/personalise';
import { languagesOf, type MailVariant, mailVariantSchema } from '../../core/mail/variant';
import { type Schedule, scheduleNameSchema } from '../../core/schedule';
import { nextSend } from '../../core/schedule-calendar';
import { cancelSkip, setEditorNote, skipNextFiring } from '../../core/schedules';
import { planDigest, sendDigest } from '../../core/send/send-digest';
import { renderNextDigest, sendTestDigest } from '../../core/send/test-digest';
import { previewLinks } from '../../render/preview';
import { sendingParts } from '../../runtime/sending';
import type { ConsoleSection } from '../console-env';
import {
  type ConsoleContextOf,
  field,
  fieldList,
  type Refusal,
  readForm,
  refusal,
  refusalOf,
  seeOther,
  staffTime,
} from '../console-kit';
import { scheduleInWords } from '../schedule-words';
import {
  confirmationBody,
  previewSend,
  sendAuditEntry,
  sentIssuePage,
  windowText,
} from '../send-confirmation';
import { consoleScheduleDeps } from './schedules';

const path = '/digest';
const previewOrder: VariantName[] = ['ar+en', 'en+ar', 'ar', 'en'];

/**
 * What a preview frame may do: nothing but show the mail. It runs sandboxed (no script, no form, a
 * unique origin), loads nothing (images included: they may be hosted anywhere), and only a console
 * page of the same origin may frame it.
 */
const previewPolicy =
  "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

/**
 * The digest: a schedule's real next issue (its window, articles and readers per variant: the plan and
 * a dry-run fan-out), previewed in each variant at phone and desktop width in sandboxed frames; the
 * editor's note for that issue; skipping the next firing; a test mail to the staff member's own
 * address; and sending it now after a confirmation that states the audience (and asks again when the
 * schedule sent within the hour).
 */
export function digestSection(): ConsoleSection {
  return {
    path,
    nav: { ar: digestCopy.ar.title, en: digestCopy.en.title },
    register(app, context) {
      const { runtime } = context;
      const sending = () => sendingParts(runtime);

      const named = async (c: ConsoleContextOf) => {
        const name = scheduleNameSchema.safeParse(c.req.param('name'));
        return name.success ? runtime.repos.schedules.get(name.data) : undefined;
      };
      const notFound = (c: ConsoleContextOf) =>
        context.render(c, {
          title: digestCopy[c.get('lang')].title,
          section: path,
          status: 404,
          body: refusal(404, sectionCopy[c.get('lang')].notFound).box,
        });

      const page = async (
        c: ConsoleContextOf,
        schedule: Schedule,
        overrides: {
          status?: number;
          note?: { ar: string; en: string };
          noteError?: Refusal;
          testError?: Refusal;
          error?: Refusal;
          notice?: string;
        } = {},
      ) => {
        const lang = c.get('lang');
        const now = runtime.clock.now();
        let preview: Awaited<ReturnType<typeof previewSend>> = {};
        let windowError: Refusal | undefined;
        try {
          preview = await previewSend(schedule, sending());
        } catch (error) {
          windowError = refusalOf(c, error);
        }
        const articles = preview.plan?.articles ?? [];
        const variants = previewOrder.map((variant) => ({
          variant,
          hasArticles: articles.some((article) => languagesOf(variant).includes(article.lang)),
        }));
        const asked = mailVariantSchema.safeParse(c.req.query('variant'));
        const shown = asked.success
          ? (asked.data as VariantName)
          : (variants.find((entry) => entry.hasArticles)?.variant ?? 'ar+en');
        const next = nextSend(schedule, now);
        const firing = schedule.enabled && schedule.cron ? next : null;
        const skipped =
          schedule.skipFiring && Date.parse(schedule.skipFiring) > now.getTime() && schedule.enabled
            ? staffTime(schedule.skipFiring, runtime.config.timeZone, lang)
            : undefined;
        const window = windowText(preview.plan, runtime.config.timeZone, lang);
        const view: DigestPageView = {
          lang,
          csrf: c.get('csrf'),
          ...(overrides.error ? { error: overrides.error.box } : {}),
          name: schedule.name,
          words: scheduleInWords(schedule, lang),
          ...(window ? { window } : {}),
          ...(windowError ? { windowError: windowError.box } : {}),
          articles: articles.map((article) => ({
            id: article.id,
            lang: article.lang,
            title: article.title,
            published: staffTime(article.publishedAt, runtime.config.timeZone, lang),
            urgent: article.urgent,
            topics: article.topics,
          })),
          alreadyCarried: preview.plan?.alreadyCarried ?? 0,
          ...(preview.audience ? { audience: preview.audience } : {}),
          ...(firing ? { nextFiring: staffTime(firing, runtime.config.timeZone, lang) } : {}),
          ...(skipped ? { skipped } : {}),
          canSkip: firing !== null,
          note: {
            ar: overrides.note?.ar ?? schedule.note?.ar ?? '',
            en: overrides.note?.en ?? schedule.note?.en ?? '',
            ...(schedule.note && !overrides.note
              ? { setAt: staffTime(schedule.note.setAt, runtime.config.timeZone, lang) }
              : {}),
          },
          ...(overrides.noteError ? { noteError: overrides.noteError.box } : {}),
          preview: { variant: shown, variants },
          staffEmail: c.get('staff').email,
          ...(overrides.testError ? { testError: overrides.testError.box } : {}),
        };
        return context.render(c, {
          title: digestCopy[lang].scheduleTitle(schedule.name),
          section: path,
          ...(overrides.status ? { status: overrides.status } : {}),
          ...(overrides.notice ? { notice: overrides.notice } : {}),
          body: digestPage(view),
        });
      };

      const noticeOf = (c: ConsoleContextOf) => {
        const notices = digestCopy[c.get('lang')].notices;
        switch (c.req.query('done')) {
          case 'note':
            return notices.note;
          case 'note-removed':
            return notices.noteRemoved;
          case 'skipped':
            return notices.skipped;
          case 'unskipped':
            return notices.unskipped;
          case 'nothing':
            return notices.nothing;
          case 'tested': {
            const variant = mailVariantSchema.safeParse(c.req.query('variant'));
            return variant.success
              ? notices.tested(sectionCopy[c.get('lang')].variants[variant.data as VariantName])
              : undefined;
          }
          default:
            return undefined;
        }
      };

      app.get(path, async (c) => {
        const lang = c.get('lang');
        const schedules = await runtime.repos.schedules.list();
        return context.render(c, {
          title: digestCopy[lang].title,
          section: path,
          body: digestIndexPage({
            lang,
            schedules: schedules.map((schedule) => ({
              name: schedule.name,
              words: scheduleInWords(schedule, lang),
            })),
          }),
        });
      });

      app.get(`${path}/:name`, async (c) => {
        const schedule = await named(c);
        if (!schedule) return notFound(c);
        const notice = noticeOf(c);
        return page(c, schedule, notice ? { notice } : {});
      });

      app.get(`${path}/:name/preview/:variant`, async (c) => {
        const schedule = await named(c);
        const variant = mailVariantSchema.safeParse(c.req.param('variant'));
        if (!schedule || !variant.success) return c.text('not found', 404);
        const services = sending();
        let html: string;
        try {
          const plan = await planDigest(schedule, {}, services);
          const mail = await renderNextDigest(schedule, plan, variant.data as MailVariant, services);
          html = personalise(mail, previewLinks(runtime.config.baseUrl)).html;
        } catch (error) {
          if ((error as Error).name !== 'ValidationError') throw error;
          return c.text((error as Error).message, 404);
        }
        c.header('Content-Security-Policy', previewPolicy);
        c.header('Cache-Control', 'no-store');
        c.header('Referrer-Policy', 'no-referrer');
        c.header('X-Content-Type-Options', 'nosniff');
        return c.html(html);
      });

      app.post(`${path}/:name/note`, async (c) => {
        const schedule = await named(c);
        if (!schedule) return notFound(c);
        const form = await readForm(c);
        const text = { ar: field(form.fields, 'ar') ?? '', en: field(form.fields, 'en') ?? '' };
        try {
          const changed = await setEditorNote(schedule.name, text, consoleScheduleDeps(runtime));
          await context.audit(c, {
            action: 'digest.note',
            target: { kind: 'schedule', id: schedule.name },
            detail: {
              languages: changed.note
                ? (['ar', 'en'] as const).filter((lang) => changed.note?.[lang]).join(',')
                : 'none',
            },
          });
          return seeOther(c, `${path}/${schedule.name}`, { done: changed.note ? 'note' : 'note-removed' });
        } catch (error) {
          const refused = refusalOf(c, error);
          return page(c, schedule, { status: refused.status, note: text, noteError: refused });
        }
      });

      for (const [verb, act] of [
        ['skip', skipNextFiring],
        ['unskip', cancelSkip],
      ] as const) {
        app.post(`${path}/:name/${verb}`, async (c) => {
          const schedule = await named(c);
          if (!schedule) return notFound(c);
          try {
            const changed = await act(schedule.name, consoleScheduleDeps(runtime));
            await context.audit(c, {
              action: `schedule.${verb}`,
              target: { kind: 'schedule', id: schedule.name },
              ...(changed.skipFiring ? { detail: { firing: changed.skipFiring } } : {}),
            });
            return seeOther(c, `${path}/${schedule.name}`, {
              done: verb === 'skip' ? 'skipped' : 'unskipped',
            });
          } catch (error) {
            const refused = refusalOf(c, error);
            return page(c, schedule, { status: refused.status, error: refused });
          }
        });
      }

      app.post(`${path}/:name/test`, async (c) => {
        const schedule = await named(c);
        if (!schedule) return notFound(c);
        const form = await readForm(c);
        const services = sending();
        try {
          const variant = mailVariantSchema.safeParse(field(form.fields, 'variant'));
          if (!variant.success)
            return page(c, schedule, {
              status: 400,
              testError: refusal(400, digestCopy[c.get('lang')].variant),
            });
          const plan = await planDigest(schedule, {}, services);
          const sent = await sendTestDigest(
            schedule,
            plan,
            { to: c.get('staff').email, variant: variant.data as MailVariant },
            services,
          );
          await context.audit(c, {
            action: 'digest.test-send',
            target: { kind: 'schedule', id: schedule.name },
            detail: { variant: sent.variant, articles: sent.articles },
          });
          return seeOther(c, `${path}/${schedule.name}`, { done: 'tested', variant: sent.variant });
        } catch (error) {
          const refused = refusalOf(c, error);
          return page(c, schedule, { status: refused.status, testError: refused });
        }
      });

      const confirmPage = async (c: ConsoleContextOf, schedule: Schedule, error?: Refusal) => {
        const lang = c.get('lang');
        const preview = await previewSend(schedule, sending());
        return context.render(c, {
          title: digestCopy[lang].confirmTitle(schedule.name),
          section: path,
          ...(error ? { status: error.status } : {}),
          body: confirmationBody(preview, {
            lang,
            csrf: c.get('csrf'),
            action: consolePath(`${path}/${schedule.name}/send`),
            cancel: consolePath(`${path}/${schedule.name}`),
            timeZone: runtime.config.timeZone,
            ...(error ? { error } : {}),
          }),
        });
      };

      app.get(`${path}/:name/send`, async (c) => {
        const schedule = await named(c);
        if (!schedule) return notFound(c);
        try {
          return await confirmPage(c, schedule);
        } catch (error) {
          const refused = refusalOf(c, error);
          return page(c, schedule, { status: refused.status, error: refused });
        }
      });

      app.post(`${path}/:name/send`, async (c) => {
        const schedule = await named(c);
        if (!schedule) return notFound(c);
        const form = await readForm(c);
        const services = sending();
        const preview = await previewSend(schedule, services);
        if (preview.recent && !fieldList(form.fields, 'again').includes('on'))
          return confirmPage(c, schedule, refusal(409, digestCopy[c.get('lang')].againNeeded));
        const outcome = await sendDigest(schedule, {}, services);
        await context.audit(c, sendAuditEntry('digest.send', schedule, outcome));
        if ('issue' in outcome) return sentIssuePage(c, outcome);
        return seeOther(c, `${path}/${schedule.name}`, { done: 'nothing' });
      });
    },
  };
}
