import type { Language } from '../language';

/** The words every staff section shares, in both languages. Section words sit beside each section's template. */
export interface SectionCopy {
  /** Before the core's own reason (in English) when a form is refused. */
  refused: string;
  notFound: string;
  conflict: string;
  save: string;
  cancel: string;
  yes: string;
  no: string;
  none: string;
  every: string;
  all: string;
  back: string;
  next: string;
  previous: string;
  cadence: Record<'instant' | 'daily' | 'weekly', string>;
  languageNames: Record<'ar' | 'en', string>;
  /** The four ways a reader reads: one language, or both with the first one first. */
  languageChoices: Record<'ar' | 'en' | 'ar,en' | 'en,ar', string>;
  variants: Record<'ar' | 'en' | 'ar+en' | 'en+ar', string>;
  issueStatus: Record<'held' | 'sending' | 'sent' | 'partial' | 'parked' | 'empty', string>;
  readerStatus: Record<'pending' | 'active' | 'unsubscribed' | 'bounced' | 'complained', string>;
  outcome: Record<'sent' | 'skipped' | 'failed' | 'bounced' | 'complained' | 'sending' | 'parked', string>;
  issueKind: Record<'digest' | 'alert', string>;
  counts: {
    recipients: string;
    sent: string;
    skipped: string;
    failed: string;
    bounced: string;
    complained: string;
    unsubscribedSince: string;
  };
  /** How a time zone is named after a time (`Baghdad time`); `city` is the IANA city. */
  zonePhrase(city: string): string;
  /** City names of time zones staff are likely to use, as written after a time; others keep the IANA city. */
  zoneCities: Record<string, string>;
  /** A number of readers, the noun agreeing with it. */
  readerCount(count: number): string;
}

const arabicPlural = new Intl.PluralRules('ar');

export const sectionCopy: Record<Language, SectionCopy> = {
  ar: {
    refused: 'لم يُنفَّذ الطلب. السبب:',
    notFound: 'غير موجود.',
    conflict: 'تغيّر هذا في أثناء ذلك. اقرأه من جديد ثم أعد المحاولة.',
    save: 'حفظ',
    cancel: 'إلغاء',
    yes: 'نعم',
    no: 'لا',
    none: 'لا شيء',
    every: 'كل المواضيع',
    all: 'الكل',
    back: 'رجوع',
    next: 'التالي',
    previous: 'السابق',
    cadence: { instant: 'فوري', daily: 'يومي', weekly: 'أسبوعي' },
    languageNames: { ar: 'العربية', en: 'الإنجليزية' },
    languageChoices: {
      ar: 'العربية',
      en: 'الإنجليزية',
      'ar,en': 'العربية ثم الإنجليزية',
      'en,ar': 'الإنجليزية ثم العربية',
    },
    variants: {
      ar: 'العربية',
      en: 'الإنجليزية',
      'ar+en': 'العربية ثم الإنجليزية',
      'en+ar': 'الإنجليزية ثم العربية',
    },
    issueStatus: {
      held: 'محجوز لساعات الهدوء',
      sending: 'قيد الإرسال',
      sent: 'أُرسل',
      partial: 'أُرسل مع إخفاقات',
      parked: 'متوقف (الحصة اليومية)',
      empty: 'بلا قرّاء',
    },
    readerStatus: {
      pending: 'بانتظار التأكيد',
      active: 'مشترك',
      unsubscribed: 'ألغى الاشتراك',
      bounced: 'مرتدّ',
      complained: 'أبلغ عن رسالة مزعجة',
    },
    outcome: {
      sent: 'أُرسلت',
      skipped: 'تُجووزت',
      failed: 'أخفقت',
      bounced: 'ارتدّت',
      complained: 'شكوى',
      sending: 'قيد الإرسال',
      parked: 'متوقفة',
    },
    issueKind: { digest: 'نشرة', alert: 'تنبيه' },
    counts: {
      recipients: 'القرّاء',
      sent: 'أُرسلت',
      skipped: 'تُجووزت',
      failed: 'أخفقت',
      bounced: 'ارتدّت',
      complained: 'شكاوى',
      unsubscribedSince: 'ألغوا الاشتراك بعدها',
    },
    zoneCities: {
      Baghdad: 'بتوقيت بغداد',
      London: 'بتوقيت لندن',
      Berlin: 'بتوقيت برلين',
      Paris: 'بتوقيت باريس',
      Amman: 'بتوقيت عمّان',
      Beirut: 'بتوقيت بيروت',
      Istanbul: 'بتوقيت إسطنبول',
      Stockholm: 'بتوقيت ستوكهولم',
      UTC: 'بالتوقيت العالمي',
    },
    zonePhrase(city) {
      return this.zoneCities[city] ?? `بتوقيت ${city}`;
    },
    readerCount(count) {
      switch (arabicPlural.select(count)) {
        case 'zero':
          return 'لا قرّاء';
        case 'one':
          return 'قارئ واحد';
        case 'two':
          return 'قارئان';
        case 'few':
          return `${count} قرّاء`;
        case 'many':
          return `${count} قارئًا`;
        default:
          return `${count} قارئ`;
      }
    },
  },
  en: {
    refused: 'Not done. The reason:',
    notFound: 'Not found.',
    conflict: 'This changed meanwhile. Read it again, then try again.',
    save: 'Save',
    cancel: 'Cancel',
    yes: 'yes',
    no: 'no',
    none: 'none',
    every: 'every topic',
    all: 'All',
    back: 'Back',
    next: 'Next',
    previous: 'Previous',
    cadence: { instant: 'instant', daily: 'daily', weekly: 'weekly' },
    languageNames: { ar: 'Arabic', en: 'English' },
    languageChoices: {
      ar: 'Arabic',
      en: 'English',
      'ar,en': 'Arabic, then English',
      'en,ar': 'English, then Arabic',
    },
    variants: {
      ar: 'Arabic',
      en: 'English',
      'ar+en': 'Arabic, then English',
      'en+ar': 'English, then Arabic',
    },
    issueStatus: {
      held: 'held for quiet hours',
      sending: 'sending',
      sent: 'sent',
      partial: 'sent, some failed',
      parked: 'parked (daily quota)',
      empty: 'no readers',
    },
    readerStatus: {
      pending: 'waiting for confirmation',
      active: 'subscribed',
      unsubscribed: 'unsubscribed',
      bounced: 'bounced',
      complained: 'complained',
    },
    outcome: {
      sent: 'sent',
      skipped: 'skipped',
      failed: 'failed',
      bounced: 'bounced',
      complained: 'complained',
      sending: 'sending',
      parked: 'parked',
    },
    issueKind: { digest: 'digest', alert: 'alert' },
    counts: {
      recipients: 'Readers',
      sent: 'Sent',
      skipped: 'Skipped',
      failed: 'Failed',
      bounced: 'Bounced',
      complained: 'Complained',
      unsubscribedSince: 'Unsubscribed since',
    },
    zoneCities: {},
    zonePhrase: (city) => `${city} time`,
    readerCount: (count) => `${count} ${count === 1 ? 'reader' : 'readers'}`,
  },
};
