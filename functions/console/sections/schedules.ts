import { digestCopy } from '../../../templates/console/digest-copy';
import {
  removeSchedulePage,
  type ScheduleFormValues,
  scheduleForm,
  schedulesPage,
} from '../../../templates/console/schedules';
import { schedulesCopy, weekdayNames } from '../../../templates/console/schedules-copy';
import { sectionCopy } from '../../../templates/console/section-copy';
import { consolePath } from '../../../templates/console/ui';
import { type Schedule, scheduleNameSchema } from '../../core/schedule';
import { overlappingSchedules } from '../../core/schedule-calendar';
import { cronOfRhythm, definitionOfRhythm, readRhythm, rhythmOf } from '../../core/schedule-rhythm';
import {
  addSchedule,
  editSchedule,
  type NewSchedule,
  removeSchedule,
  type ScheduleDeps,
  setScheduleEnabled,
} from '../../core/schedules';
import { runScheduledDigest } from '../../core/send/run-schedule';
import { topicsOf } from '../../runtime/readers';
import type { Runtime } from '../../runtime/runtime';
import { scheduleParts } from '../../runtime/scheduling';
import { sendingParts } from '../../runtime/sending';
import type { ConsoleContext, ConsoleSection } from '../console-env';
import {
  type ConsoleContextOf,
  field,
  fieldList,
  type ReadForm,
  readForm,
  refusal,
  refusalOf,
  seeOther,
} from '../console-kit';
import { scheduleRow } from '../schedule-words';
import { confirmationBody, previewSend, sendAuditEntry, sentIssuePage } from '../send-confirmation';

const path = '/schedules';

/** The schedule use cases as this process wires them, with the network's zone and topics. */
export function consoleScheduleDeps(runtime: Runtime): ScheduleDeps {
  return { ...scheduleParts(runtime), timeZone: runtime.config.timeZone, topics: topicsOf(runtime) };
}

/** The form's values for a schedule being changed (or a new one, from the network's zone). */
function formValues(schedule: Schedule | undefined, timeZone: string): ScheduleFormValues {
  const blank: ScheduleFormValues = {
    name: '',
    every: 'week',
    days: [4],
    day: '1',
    time: '09:00',
    at: '',
    cron: '',
    timeZone,
    cadence: 'weekly',
    topics: [],
  };
  if (!schedule) return blank;
  const rhythm = rhythmOf(schedule);
  const base = {
    ...blank,
    name: schedule.name,
    timeZone: schedule.timeZone,
    cadence: schedule.cadence,
    topics: schedule.topics,
  };
  if (!rhythm) return { ...base, every: 'cron', cron: schedule.cron ?? '' };
  if ('once' in rhythm) return { ...base, every: 'once', at: rhythm.once };
  return {
    ...base,
    every: rhythm.every,
    time: rhythm.time,
    cron: cronOfRhythm(rhythm),
    ...(rhythm.every === 'week' ? { days: rhythm.days } : {}),
    ...(rhythm.every === 'month' ? { day: String(rhythm.day) } : {}),
  };
}

/** The form's values as typed, to show them again beside a refusal. */
function typedValues(form: ReadForm, timeZone: string): ScheduleFormValues {
  const every = field(form.fields, 'every');
  return {
    name: field(form.fields, 'name') ?? '',
    every: every === 'day' || every === 'month' || every === 'once' || every === 'cron' ? every : 'week',
    days: fieldList(form.fields, 'days').map(Number),
    day: field(form.fields, 'day') ?? '',
    time: field(form.fields, 'time') ?? '',
    at: field(form.fields, 'at') ?? '',
    cron: field(form.fields, 'cron') ?? '',
    timeZone: field(form.fields, 'timeZone') ?? timeZone,
    cadence: field(form.fields, 'cadence') === 'daily' ? 'daily' : 'weekly',
    topics: fieldList(form.fields, 'topics'),
  };
}

/** What the form asks for, as the schedule use cases take it (the timing in words, or a cron). */
function definitionFrom(form: ReadForm): Omit<NewSchedule, 'name'> {
  const every = field(form.fields, 'every');
  const timing =
    every === 'cron'
      ? { cron: (field(form.fields, 'cron') ?? '').trim() }
      : definitionOfRhythm(
          readRhythm({
            every,
            days: fieldList(form.fields, 'days'),
            day: field(form.fields, 'day'),
            time: field(form.fields, 'time'),
            at: field(form.fields, 'at'),
          }),
        );
  return {
    ...timing,
    timeZone: (field(form.fields, 'timeZone') ?? '').trim() || undefined,
    cadence: field(form.fields, 'cadence') ?? '',
    topics: fieldList(form.fields, 'topics'),
  };
}

/**
 * Schedules: every schedule in words beside its cron, with its next send and a warning where two serve
 * the same readers; add and change one in words (topics picked from the configured ones), pause,
 * resume, remove, and send now (after a confirmation stating the audience).
 */
export function schedulesSection(): ConsoleSection {
  return {
    path,
    nav: { ar: schedulesCopy.ar.title, en: schedulesCopy.en.title },
    register(app, context) {
      const { runtime } = context;
      const deps = () => consoleScheduleDeps(runtime);

      const listPage = async (c: ConsoleContextOf) => {
        const lang = c.get('lang');
        const words = schedulesCopy[lang];
        const schedules = await runtime.repos.schedules.list();
        const now = runtime.clock.now();
        const done = c.req.query('done') as keyof typeof words.notices | undefined;
        const name = c.req.query('name') ?? '';
        return context.render(c, {
          title: words.title,
          section: path,
          ...(done && done in words.notices ? { notice: words.notices[done](name) } : {}),
          body: schedulesPage({
            lang,
            csrf: c.get('csrf'),
            schedules: schedules.map((schedule) => scheduleRow(schedule, now, runtime.config.timeZone, lang)),
            overlaps: overlappingSchedules(schedules),
          }),
        });
      };

      const formPage = (
        c: ConsoleContextOf,
        input: { mode: 'add' | 'edit'; values: ScheduleFormValues; error?: unknown },
      ) => {
        const lang = c.get('lang');
        const words = schedulesCopy[lang];
        const refusal = input.error === undefined ? undefined : refusalOf(c, input.error);
        return context.render(c, {
          title: input.mode === 'add' ? words.addTitle : words.editTitle(input.values.name),
          section: path,
          ...(refusal ? { status: refusal.status } : {}),
          body: scheduleForm({
            lang,
            csrf: c.get('csrf'),
            mode: input.mode,
            action: consolePath(input.mode === 'add' ? path : `${path}/${input.values.name}`),
            values: input.values,
            topics: topicsOf(runtime),
            weekdays: weekdayNames(lang),
            ...(refusal ? { error: refusal.box } : {}),
          }),
        });
      };

      /** The schedule a route names, or a 404 page. */
      const named = async (c: ConsoleContextOf) => {
        const name = scheduleNameSchema.safeParse(c.req.param('name'));
        const schedule = name.success ? await runtime.repos.schedules.get(name.data) : undefined;
        return schedule;
      };
      const notFound = (c: ConsoleContextOf) =>
        context.render(c, {
          title: schedulesCopy[c.get('lang')].title,
          section: path,
          status: 404,
          body: refusal(404, sectionCopy[c.get('lang')].notFound).box,
        });

      app.get(path, listPage);

      app.get(`${path}/new`, (c) =>
        formPage(c, { mode: 'add', values: formValues(undefined, runtime.config.timeZone) }),
      );

      app.post(path, async (c) => {
        const form = await readForm(c);
        try {
          const created = await addSchedule(
            { name: (field(form.fields, 'name') ?? '').trim(), ...definitionFrom(form) },
            deps(),
          );
          await context.audit(c, {
            action: 'schedule.add',
            target: { kind: 'schedule', id: created.name },
            detail: {
              timing: created.cron ?? `at ${created.at}`,
              timeZone: created.timeZone,
              cadence: created.cadence,
            },
          });
          return seeOther(c, path, { done: 'added', name: created.name });
        } catch (error) {
          return formPage(c, { mode: 'add', values: typedValues(form, runtime.config.timeZone), error });
        }
      });

      app.get(`${path}/:name/edit`, async (c) => {
        const schedule = await named(c);
        if (!schedule) return notFound(c);
        return formPage(c, { mode: 'edit', values: formValues(schedule, runtime.config.timeZone) });
      });

      app.post(`${path}/:name`, async (c) => {
        const schedule = await named(c);
        if (!schedule) return notFound(c);
        const form = await readForm(c);
        try {
          const changed = await editSchedule(schedule.name, definitionFrom(form), deps());
          await context.audit(c, {
            action: 'schedule.edit',
            target: { kind: 'schedule', id: changed.name },
            detail: {
              timing: changed.cron ?? `at ${changed.at}`,
              timeZone: changed.timeZone,
              cadence: changed.cadence,
            },
          });
          return seeOther(c, path, { done: 'changed', name: changed.name });
        } catch (error) {
          return formPage(c, {
            mode: 'edit',
            values: { ...typedValues(form, runtime.config.timeZone), name: schedule.name },
            error,
          });
        }
      });

      for (const [verb, enabled] of [
        ['pause', false],
        ['resume', true],
      ] as const) {
        app.post(`${path}/:name/${verb}`, async (c) => {
          const schedule = await named(c);
          if (!schedule) return notFound(c);
          try {
            await setScheduleEnabled(schedule.name, enabled, deps());
          } catch (error) {
            const refusal = refusalOf(c, error);
            return context.render(c, {
              title: schedulesCopy[c.get('lang')].title,
              section: path,
              status: refusal.status,
              body: refusal.box,
            });
          }
          await context.audit(c, {
            action: `schedule.${verb}`,
            target: { kind: 'schedule', id: schedule.name },
          });
          return seeOther(c, path, { done: enabled ? 'resumed' : 'paused', name: schedule.name });
        });
      }

      app.get(`${path}/:name/remove`, async (c) => {
        const schedule = await named(c);
        if (!schedule) return notFound(c);
        const lang = c.get('lang');
        return context.render(c, {
          title: schedulesCopy[lang].removeTitle(schedule.name),
          section: path,
          body: removeSchedulePage({ lang, csrf: c.get('csrf'), name: schedule.name }),
        });
      });

      app.post(`${path}/:name/remove`, async (c) => {
        const schedule = await named(c);
        if (!schedule) return notFound(c);
        await removeSchedule(schedule.name, deps());
        await context.audit(c, {
          action: 'schedule.remove',
          target: { kind: 'schedule', id: schedule.name },
        });
        return seeOther(c, path, { done: 'removed', name: schedule.name });
      });

      registerRunNow(app, context, { named, notFound });
    },
  };
}

/**
 * `/schedules/{name}/run`: fire the schedule now as its clock would (a paused schedule sends nothing;
 * a one-off fires once), after a page stating the audience; a schedule sent within the hour asks again.
 */
function registerRunNow(
  app: Parameters<ConsoleSection['register']>[0],
  context: ConsoleContext,
  routes: {
    named: (c: ConsoleContextOf) => Promise<Schedule | undefined>;
    notFound: (c: ConsoleContextOf) => Response;
  },
) {
  const { runtime } = context;
  const confirmPage = async (
    c: ConsoleContextOf,
    schedule: Schedule,
    error?: ReturnType<typeof refusalOf>,
  ) => {
    const lang = c.get('lang');
    const preview = await previewSend(schedule, sendingParts(runtime));
    return context.render(c, {
      title: schedulesCopy[lang].runTitle(schedule.name),
      section: path,
      ...(error ? { status: error.status } : {}),
      body: confirmationBody(preview, {
        lang,
        csrf: c.get('csrf'),
        action: consolePath(`${path}/${schedule.name}/run`),
        cancel: consolePath(path),
        timeZone: runtime.config.timeZone,
        ...(error ? { error } : {}),
      }),
    });
  };

  app.get(`${path}/:name/run`, async (c) => {
    const schedule = await routes.named(c);
    if (!schedule) return routes.notFound(c);
    try {
      return await confirmPage(c, schedule);
    } catch (error) {
      const refusal = refusalOf(c, error);
      return context.render(c, {
        title: schedulesCopy[c.get('lang')].runTitle(schedule.name),
        section: path,
        status: refusal.status,
        body: refusal.box,
      });
    }
  });

  app.post(`${path}/:name/run`, async (c) => {
    const schedule = await routes.named(c);
    if (!schedule) return routes.notFound(c);
    const form = await readForm(c);
    const sending = sendingParts(runtime);
    const preview = await previewSend(schedule, sending);
    if (preview.recent && !fieldList(form.fields, 'again').includes('on'))
      return confirmPage(c, schedule, refusal(409, digestCopy[c.get('lang')].againNeeded));
    const outcome = await runScheduledDigest(schedule.name, runtime.clock.now(), {
      ...sending,
      ...(runtime.triggers ? { triggers: runtime.triggers } : {}),
    });
    await context.audit(c, sendAuditEntry('schedule.run', schedule, outcome));
    if ('issue' in outcome) return sentIssuePage(c, outcome);
    const notice = {
      disabled: 'disabled',
      completed: 'completed',
      'already-covered': 'covered',
      'nothing-new': 'nothing',
      'dry-run': 'nothing',
    }[outcome.status];
    return seeOther(c, path, { done: notice, name: schedule.name });
  });
}
