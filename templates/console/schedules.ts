import { html, type SafeHtml } from '../escape';
import type { Language } from '../language';
import { pageCopy } from '../pages/page-copy';
import { csrfField } from './forms';
import { schedulesCopy } from './schedules-copy';
import { sectionCopy } from './section-copy';
import { consoleLink, consolePath, dataTable, ltr, postButton, type TimeText, time } from './ui';

/** A topic's name in a language (the reader pages' names), or its slug. */
export function topicName(slug: string, lang: Language): string {
  return pageCopy[lang].topicNames[slug] ?? slug;
}

export function topicList(topics: readonly string[], lang: Language): string {
  return topics.length === 0
    ? sectionCopy[lang].every
    : topics.map((topic) => topicName(topic, lang)).join(lang === 'ar' ? '، ' : ', ');
}

export interface ScheduleRowView {
  name: string;
  /** The timing in words, in the page's language. */
  words: string;
  /** The cron expression, or the one-off's local date-time. */
  expression: string;
  cadence: 'daily' | 'weekly';
  topics: string[];
  state: 'enabled' | 'paused' | 'done';
  nextSend?: TimeText;
  /** The firing staff chose to skip, when it is still to come. */
  skipped?: TimeText;
}

export interface OverlapView {
  first: string;
  second: string;
  cadence: 'daily' | 'weekly';
  topics: string[];
}

/** The warning for schedules that would mail the same readers twice. */
export function overlapWarning(lang: Language, overlaps: OverlapView[]): SafeHtml {
  if (overlaps.length === 0) return html``;
  const words = schedulesCopy[lang];
  return html`<div class="warning" role="note"><h2>${words.overlapTitle}</h2><ul>${overlaps.map(
    (overlap) =>
      html`<li>${words.overlap(overlap.first, overlap.second, sectionCopy[lang].cadence[overlap.cadence], topicList(overlap.topics, lang))}</li>`,
  )}</ul></div>`;
}

/** `/schedules`: every schedule in words beside its cron, its next send, and what can be done with it. */
export function schedulesPage(input: {
  lang: Language;
  csrf: string;
  schedules: ScheduleRowView[];
  overlaps: OverlapView[];
}): SafeHtml {
  const words = schedulesCopy[input.lang];
  const common = sectionCopy[input.lang];
  const rows = input.schedules.map((schedule) => {
    const at = (path: string) => consolePath(`/schedules/${schedule.name}${path}`);
    return [
      html`<a href="${consolePath(`/digest/${schedule.name}`)}">${ltr(schedule.name)}</a>`,
      html`${schedule.words}`,
      html`<code dir="ltr">${schedule.expression}</code>`,
      html`${common.cadence[schedule.cadence]}`,
      html`${topicList(schedule.topics, input.lang)}`,
      html`${words.state[schedule.state]}`,
      html`${schedule.nextSend ? time(schedule.nextSend) : '—'}${schedule.skipped ? html`<br><span class="badge">${words.skippedNext}: ${time(schedule.skipped)}</span>` : ''}`,
      html`<a href="${at('/edit')}">${words.edit}</a> · <a href="${consolePath(`/digest/${schedule.name}`)}">${words.digest}</a><br>${
        schedule.state === 'enabled'
          ? postButton({ action: at('/pause'), label: words.pause, csrf: input.csrf })
          : schedule.state === 'paused'
            ? postButton({ action: at('/resume'), label: words.resume, csrf: input.csrf })
            : ''
      }${schedule.state === 'done' ? '' : html`<a href="${at('/run')}">${words.run}</a> · `}<a href="${at('/remove')}">${words.remove}</a>`,
    ];
  });
  return html`<p>${words.intro}</p>
${overlapWarning(input.lang, input.overlaps)}
<p><a href="${consolePath('/schedules/new')}">${words.add}</a></p>
${rows.length === 0 ? html`<p>${words.none}</p>` : dataTable({ caption: words.caption, headers: words.columns, rows })}`;
}

export interface ScheduleFormValues {
  name: string;
  every: 'day' | 'week' | 'month' | 'once' | 'cron';
  days: number[];
  day: string;
  time: string;
  at: string;
  cron: string;
  timeZone: string;
  cadence: 'daily' | 'weekly';
  topics: string[];
}

/** The form that adds a schedule or changes one, in words (the cron is for what the words cannot say). */
export function scheduleForm(input: {
  lang: Language;
  csrf: string;
  /** Adding a schedule (its name can be given) or changing one. */
  mode: 'add' | 'edit';
  action: string;
  values: ScheduleFormValues;
  /** The configured topics, the only ones a schedule may carry. */
  topics: string[];
  weekdays: string[];
  error?: SafeHtml;
}): SafeHtml {
  const words = schedulesCopy[input.lang];
  const form = words.form;
  const v = input.values;
  const checked = (on: boolean) => (on ? html` checked` : '');
  const everyOption = (value: ScheduleFormValues['every']) =>
    html`<label><input type="radio" name="every" value="${value}"${checked(v.every === value)}> ${form.every[value]}</label>`;
  return html`${input.error ?? ''}
<form method="post" action="${input.action}">
${csrfField(input.csrf)}
${
  input.mode === 'add'
    ? html`<p><label for="schedule-name">${form.name}</label><br><input type="text" id="schedule-name" name="name" value="${v.name}" required pattern="[a-z0-9][a-z0-9\\-]{0,62}" dir="ltr" aria-describedby="schedule-name-hint"><br><small id="schedule-name-hint">${form.nameHint}</small></p>`
    : html`<input type="hidden" name="name" value="${v.name}">`
}
<fieldset><legend>${form.when}</legend>
${everyOption('day')}
${everyOption('week')}
<fieldset><legend>${form.days}</legend>${input.weekdays.map(
    (name, day) =>
      html`<label><input type="checkbox" name="days" value="${String(day)}"${checked(v.days.includes(day))}> ${name}</label>`,
  )}</fieldset>
${everyOption('month')}
<p><label for="schedule-day">${form.day}</label> <input type="number" id="schedule-day" name="day" min="1" max="31" value="${v.day}"></p>
<p><label for="schedule-time">${form.time}</label> <input type="time" id="schedule-time" name="time" value="${v.time}"></p>
${everyOption('once')}
<p><label for="schedule-at">${form.at}</label> <input type="datetime-local" id="schedule-at" name="at" value="${v.at}"></p>
${everyOption('cron')}
<p><label for="schedule-cron">${form.cron}</label> <input type="text" id="schedule-cron" name="cron" value="${v.cron}" dir="ltr" aria-describedby="schedule-cron-hint"><br><small id="schedule-cron-hint">${form.cronHint}</small></p>
<p><label for="schedule-zone">${form.timeZone}</label> <input type="text" id="schedule-zone" name="timeZone" value="${v.timeZone}" dir="ltr" required aria-describedby="schedule-zone-hint"><br><small id="schedule-zone-hint">${form.timeZoneHint}</small></p>
</fieldset>
<fieldset><legend>${form.cadence}</legend>${(['weekly', 'daily'] as const).map(
    (cadence) =>
      html`<label><input type="radio" name="cadence" value="${cadence}"${checked(v.cadence === cadence)}> ${sectionCopy[input.lang].cadence[cadence]}</label>`,
  )}</fieldset>
<fieldset><legend>${form.topics}</legend><p><small>${form.topicsHint}</small></p>${input.topics.map(
    (topic) =>
      html`<label><input type="checkbox" name="topics" value="${topic}"${checked(v.topics.includes(topic))}> ${topicName(topic, input.lang)} <span dir="ltr">(${topic})</span></label>`,
  )}</fieldset>
<p><button type="submit">${input.mode === 'add' ? form.submitAdd : form.submitEdit}</button> <a href="${consolePath('/schedules')}">${sectionCopy[input.lang].cancel}</a></p>
</form>`;
}

/** Asks before a schedule is removed. */
export function removeSchedulePage(input: { lang: Language; csrf: string; name: string }): SafeHtml {
  const words = schedulesCopy[input.lang];
  return html`<p>${words.removeBody}</p>
<p>${postButton({ action: consolePath(`/schedules/${input.name}/remove`), label: words.remove, csrf: input.csrf, danger: true })} <a href="${consoleLink('/schedules')}">${sectionCopy[input.lang].cancel}</a></p>`;
}
