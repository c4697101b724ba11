import type { ScheduleRowView } from '../../templates/console/schedules';
import { schedulesCopy } from '../../templates/console/schedules-copy';
import type { Schedule } from '../core/schedule';
import { nextSend } from '../core/schedule-calendar';
import { rhythmOf } from '../core/schedule-rhythm';
import { staffTime, zonePhrase } from './console-kit';

/** A schedule's timing in words in the page's language: “weekly, Thursday 09:00, Baghdad time”. */
export function scheduleInWords(schedule: Schedule, lang: 'ar' | 'en'): string {
  const rhythm = rhythmOf(schedule);
  const zone = zonePhrase(schedule.timeZone, lang);
  return schedulesCopy[lang].words(rhythm, zone, schedule.at?.replace('T', ' '));
}

/**
 * A schedule as the schedules list shows it: its timing in words in its own zone, its next send in
 * the network's (`networkZone`), as every time in the console is.
 */
export function scheduleRow(
  schedule: Schedule,
  now: Date,
  networkZone: string,
  lang: 'ar' | 'en',
): ScheduleRowView {
  const next = nextSend(schedule, now);
  const skipped =
    schedule.skipFiring && Date.parse(schedule.skipFiring) > now.getTime() && schedule.enabled
      ? staffTime(schedule.skipFiring, networkZone, lang)
      : undefined;
  return {
    name: schedule.name,
    words: scheduleInWords(schedule, lang),
    expression: schedule.cron ?? `at ${schedule.at}`,
    cadence: schedule.cadence,
    topics: schedule.topics,
    state: schedule.completedAt ? 'done' : schedule.enabled ? 'enabled' : 'paused',
    ...(next ? { nextSend: staffTime(next, networkZone, lang) } : {}),
    ...(skipped ? { skipped } : {}),
  };
}
