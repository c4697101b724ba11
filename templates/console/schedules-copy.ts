import type { Language } from '../language';

/** A schedule's timing as the words describe it (the templates' own copy of the core's rhythm). */
export type RhythmView =
  | { every: 'day'; time: string }
  | { every: 'week'; days: number[]; time: string }
  | { every: 'month'; day: number; time: string }
  | { once: string };

/** Weekday names in a language, Sunday first (cron's 0), from the runtime's own calendar data. */
export function weekdayNames(lang: Language): string[] {
  const format = new Intl.DateTimeFormat(lang === 'ar' ? 'ar' : 'en-GB', {
    weekday: 'long',
    timeZone: 'UTC',
  });
  // 2026-11-29 was a Sunday.
  return [0, 1, 2, 3, 4, 5, 6].map((day) => format.format(new Date(Date.UTC(2026, 10, 29 + day))));
}

function list(items: string[], lang: Language): string {
  if (lang === 'ar') return items.join(' و');
  if (items.length < 3) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export const schedulesCopy = {
  ar: {
    title: 'المواعيد',
    intro: 'كل موعد يرسل نشرة إلى قرّاء وتيرة واحدة (يومي أو أسبوعي) في أوقاته، بتوقيته.',
    add: 'موعد جديد',
    addTitle: 'موعد جديد',
    editTitle: (name: string) => `تعديل الموعد ${name}`,
    none: 'لا مواعيد بعد.',
    columns: ['الموعد', 'متى', 'cron', 'القرّاء', 'المواضيع', 'الحالة', 'الإرسال التالي', 'إجراءات'],
    caption: 'المواعيد',
    state: { enabled: 'يعمل', paused: 'متوقف مؤقتًا', done: 'أُرسل (مرة واحدة)' },
    skippedNext: 'الإرسال التالي مُتجاوَز',
    edit: 'تعديل',
    pause: 'إيقاف مؤقت',
    resume: 'استئناف',
    run: 'أرسل الآن',
    remove: 'حذف',
    digest: 'العدد التالي',
    overlapTitle: 'مواعيد تخدم القرّاء أنفسهم',
    overlap: (first: string, second: string, cadence: string, topics: string) =>
      `«${first}» و«${second}» يرسلان إلى قرّاء الوتيرة ${cadence} في ${topics}: سيصل هؤلاء عددان، وقد يصلهم المقال مرتين.`,
    everyTopic: 'كل المواضيع',
    topicsIn: (topics: string) => `المواضيع: ${topics}`,
    form: {
      name: 'الاسم',
      nameHint: 'حروف لاتينية صغيرة وأرقام وشرطات، مثل weekly أو daily-basra.',
      when: 'متى يُرسل',
      every: {
        day: 'كل يوم',
        week: 'كل أسبوع، في أيام',
        month: 'كل شهر، في يوم',
        once: 'مرة واحدة',
        cron: 'تعبير cron (متقدم)',
      },
      days: 'الأيام',
      day: 'اليوم من الشهر',
      time: 'الساعة',
      at: 'التاريخ والساعة (مرة واحدة)',
      cron: 'تعبير cron',
      cronHint: 'خمسة حقول: الدقيقة الساعة يوم-الشهر الشهر يوم-الأسبوع، بتوقيت الموعد.',
      timeZone: 'المنطقة الزمنية',
      timeZoneHint: 'اسم IANA، مثل Asia/Baghdad.',
      cadence: 'إلى قرّاء الوتيرة',
      topics: 'المواضيع',
      topicsHint: 'لا شيء محدد: كل المواضيع.',
      submitAdd: 'أضف الموعد',
      submitEdit: 'احفظ التعديل',
    },
    removeTitle: (name: string) => `حذف الموعد ${name}؟`,
    removeBody: 'يتوقف الموعد ويُحذف. تبقى أعداده في الأرشيف.',
    runTitle: (name: string) => `إرسال ${name} الآن؟`,
    notices: {
      added: (name: string) => `أُضيف الموعد ${name}.`,
      changed: (name: string) => `حُفظ الموعد ${name}.`,
      paused: (name: string) => `أُوقف الموعد ${name} مؤقتًا.`,
      resumed: (name: string) => `استُؤنف الموعد ${name}: عدده التالي يغطي كل ما فاته.`,
      removed: (name: string) => `حُذف الموعد ${name}.`,
      disabled: (name: string) => `الموعد ${name} متوقف مؤقتًا: لم يُرسل شيء.`,
      completed: (name: string) => `الموعد ${name} كان لمرة واحدة وقد أُرسل: لم يُرسل شيء.`,
      covered: (name: string) => `النافذة حتى الآن أُرسلت من قبل في ${name}: لم يُرسل شيء.`,
      nothing: (name: string) => `لا جديد لقرّاء ${name}: لم يُرسل شيء، وتقدّمت النافذة.`,
    },
    /** A schedule's timing in words: «أسبوعيًا، الخميس 09:00، بتوقيت بغداد». */
    words(rhythm: RhythmView | undefined, zone: string, when?: string): string {
      if (!rhythm) return `توقيت مخصّص (انظر cron)، ${zone}`;
      if ('once' in rhythm) return `مرة واحدة، ${when ?? rhythm.once.replace('T', ' ')}، ${zone}`;
      if (rhythm.every === 'day') return `يوميًا، ${rhythm.time}، ${zone}`;
      if (rhythm.every === 'month') return `شهريًا، اليوم ${rhythm.day}، ${rhythm.time}، ${zone}`;
      const names = weekdayNames('ar');
      return `أسبوعيًا، ${list(
        rhythm.days.map((day) => names[day] ?? ''),
        'ar',
      )} ${rhythm.time}، ${zone}`;
    },
  },
  en: {
    title: 'Schedules',
    intro:
      'Each schedule sends a digest to the readers of one cadence (daily or weekly) at its times, in its time zone.',
    add: 'New schedule',
    addTitle: 'New schedule',
    editTitle: (name: string) => `Change schedule ${name}`,
    none: 'No schedules yet.',
    columns: ['Schedule', 'When', 'cron', 'Readers', 'Topics', 'State', 'Next send', 'Actions'],
    caption: 'Schedules',
    state: { enabled: 'running', paused: 'paused', done: 'sent (one-off)' },
    skippedNext: 'next firing skipped',
    edit: 'Change',
    pause: 'Pause',
    resume: 'Resume',
    run: 'Send now',
    remove: 'Remove',
    digest: 'Next issue',
    overlapTitle: 'Schedules that serve the same readers',
    overlap: (first: string, second: string, cadence: string, topics: string) =>
      `“${first}” and “${second}” both send to ${cadence} readers on ${topics}: those readers get two digests, and an article can reach them twice.`,
    everyTopic: 'every topic',
    topicsIn: (topics: string) => `Topics: ${topics}`,
    form: {
      name: 'Name',
      nameHint: 'Lower-case letters, digits and dashes, such as weekly or daily-basra.',
      when: 'When it is sent',
      every: {
        day: 'Every day',
        week: 'Every week, on',
        month: 'Every month, on day',
        once: 'Once',
        cron: 'A cron expression (advanced)',
      },
      days: 'Days',
      day: 'Day of the month',
      time: 'Time',
      at: 'Date and time (once)',
      cron: 'Cron expression',
      cronHint: 'Five fields: minute hour day-of-month month day-of-week, in the schedule’s time zone.',
      timeZone: 'Time zone',
      timeZoneHint: 'An IANA name, such as Asia/Baghdad.',
      cadence: 'To the readers of',
      topics: 'Topics',
      topicsHint: 'None ticked: every topic.',
      submitAdd: 'Add the schedule',
      submitEdit: 'Save the change',
    },
    removeTitle: (name: string) => `Remove schedule ${name}?`,
    removeBody: 'The schedule stops and goes. Its issues stay in the archive.',
    runTitle: (name: string) => `Send ${name} now?`,
    notices: {
      added: (name: string) => `Schedule ${name} added.`,
      changed: (name: string) => `Schedule ${name} saved.`,
      paused: (name: string) => `Schedule ${name} paused.`,
      resumed: (name: string) => `Schedule ${name} resumed: its next issue covers everything since its last.`,
      removed: (name: string) => `Schedule ${name} removed.`,
      disabled: (name: string) => `Schedule ${name} is paused: nothing was sent.`,
      completed: (name: string) => `Schedule ${name} was a one-off and has been sent: nothing was sent.`,
      covered: (name: string) => `The window up to now was sent already by ${name}: nothing was sent.`,
      nothing: (name: string) =>
        `Nothing new for the readers of ${name}: nothing was sent, and its window moved on.`,
    },
    /** A schedule's timing in words: “weekly, Thursday 09:00, Baghdad time”. */
    words(rhythm: RhythmView | undefined, zone: string, when?: string): string {
      if (!rhythm) return `custom timing (see cron), ${zone}`;
      if ('once' in rhythm) return `once, ${when ?? rhythm.once.replace('T', ' ')}, ${zone}`;
      if (rhythm.every === 'day') return `daily, ${rhythm.time}, ${zone}`;
      if (rhythm.every === 'month') return `monthly, day ${rhythm.day}, ${rhythm.time}, ${zone}`;
      const names = weekdayNames('en');
      return `weekly, ${list(
        rhythm.days.map((day) => names[day] ?? ''),
        'en',
      )} ${rhythm.time}, ${zone}`;
    },
  },
} satisfies Record<Language, unknown>;

export type SchedulesCopy = (typeof schedulesCopy)['en'];
