import type { Language } from './language';

/**
 * Every word nashra's mails and pages say, in both languages, in one place for translators. Functions
 * take numbers and names that the caller has already formatted for that language.
 */
export interface Copy {
  organisation: string;
  bulletinName: string;
  digestHeading: string;
  alertHeading: string;
  urgent: string;
  readMore: string;
  viewInBrowser: string;
  preferences: string;
  unsubscribe: string;
  whyYouGetThis: string;
  /** The heading of the editor's note at the top of a digest. */
  editorNote: string;
  articleCount(count: number): string;
  digestSubject(count: string, window: string): string;
  digestPreheader(firstTitle: string): string;
  alertOnlyInOtherLanguage: string;
  confirm: {
    subject: string;
    preheader: string;
    heading: string;
    body: string;
    button: string;
    ignore: string;
  };
  welcome: {
    subject: string;
    preheader: string;
    heading: string;
    body: string;
    cadence: Record<'instant' | 'daily' | 'weekly', string>;
    button: string;
  };
  unsubscribed: { subject: string; preheader: string; heading: string; body: string; button: string };
}

const arabicArticles = new Intl.PluralRules('ar');

export const copy: Record<Language, Copy> = {
  ar: {
    organisation: 'المبادرة الدولية للتضامن مع المجتمع المدني العراقي',
    bulletinName: 'نشرة المبادرة',
    digestHeading: 'نشرة المبادرة',
    alertHeading: 'تنبيه من المبادرة',
    urgent: 'عاجل',
    readMore: 'اقرأ المقال كاملاً',
    viewInBrowser: 'اعرض هذه الرسالة في المتصفح',
    preferences: 'تعديل التفضيلات',
    unsubscribe: 'إلغاء الاشتراك',
    whyYouGetThis: 'تصلك هذه الرسالة لأنك اشتركت في نشرة المبادرة.',
    editorNote: 'كلمة التحرير',
    articleCount(count) {
      // Arabic counts agree with the number: مقال واحد، مقالان، 3 مقالات، 11 مقالاً، 100 مقال.
      switch (arabicArticles.select(count)) {
        case 'zero':
          return 'لا مقالات';
        case 'one':
          return 'مقال واحد';
        case 'two':
          return 'مقالان';
        case 'few':
          return `${count} مقالات`;
        case 'many':
          return `${count} مقالاً`;
        default:
          return `${count} مقال`;
      }
    },
    digestSubject: (count, window) => `نشرة المبادرة: ${count}، ${window}`,
    digestPreheader: (firstTitle) => `في هذا العدد: ${firstTitle}`,
    alertOnlyInOtherLanguage: 'مقال جديد بالإنجليزية',
    confirm: {
      subject: 'أكّد اشتراكك في نشرة المبادرة',
      preheader: 'خطوة واحدة أخيرة: اضغط زر التأكيد.',
      heading: 'أكّد اشتراكك',
      body: 'شكراً لاشتراكك في نشرة المبادرة. اضغط الزر أدناه لتأكيد عنوانك، ولن نرسل إليك شيئاً قبل ذلك.',
      button: 'تأكيد الاشتراك',
      ignore: 'إن لم تطلب الاشتراك، تجاهل هذه الرسالة ولن تصلك منا رسائل أخرى.',
    },
    welcome: {
      subject: 'أهلاً بك في نشرة المبادرة',
      preheader: 'اشتراكك مؤكد.',
      heading: 'أهلاً بك',
      body: 'اشتراكك مؤكد. يمكنك تغيير اللغة والمواعيد والمواضيع في أي وقت من صفحة التفضيلات.',
      cadence: {
        instant: 'ستصلك المقالات الجديدة فور نشرها.',
        daily: 'ستصلك نشرة يومية بالمقالات الجديدة.',
        weekly: 'ستصلك نشرة أسبوعية بالمقالات الجديدة.',
      },
      button: 'تعديل التفضيلات',
    },
    unsubscribed: {
      subject: 'ألغي اشتراكك في نشرة المبادرة',
      preheader: 'لن تصلك منا رسائل أخرى.',
      heading: 'ألغي اشتراكك',
      body: 'لن تصلك منا رسائل أخرى. إن كان ذلك خطأً، يمكنك العودة متى شئت.',
      button: 'إعادة الاشتراك',
    },
  },
  en: {
    organisation: 'The Iraqi Civil Society Solidarity Initiative (ICSSI)',
    bulletinName: 'ICSSI bulletin',
    digestHeading: 'ICSSI bulletin',
    alertHeading: 'ICSSI alert',
    urgent: 'Urgent',
    readMore: 'Read the full article',
    viewInBrowser: 'View this mail in your browser',
    preferences: 'Change your preferences',
    unsubscribe: 'Unsubscribe',
    whyYouGetThis: 'You receive this mail because you subscribed to the ICSSI bulletin.',
    editorNote: 'From the editors',
    articleCount: (count) => (count === 1 ? '1 article' : `${count} articles`),
    digestSubject: (count, window) => `ICSSI bulletin: ${count}, ${window}`,
    digestPreheader: (firstTitle) => `In this issue: ${firstTitle}`,
    alertOnlyInOtherLanguage: 'New article in Arabic',
    confirm: {
      subject: 'Confirm your subscription to the ICSSI bulletin',
      preheader: 'One last step: press the confirm button.',
      heading: 'Confirm your subscription',
      body: 'Thank you for subscribing to the ICSSI bulletin. Press the button below to confirm your address; we send nothing before you do.',
      button: 'Confirm subscription',
      ignore: 'If you did not ask to subscribe, ignore this mail and you will hear no more from us.',
    },
    welcome: {
      subject: 'Welcome to the ICSSI bulletin',
      preheader: 'Your subscription is confirmed.',
      heading: 'Welcome',
      body: 'Your subscription is confirmed. You can change your languages, timing and topics at any time on your preferences page.',
      cadence: {
        instant: 'You will receive each new article as soon as it is published.',
        daily: 'You will receive a daily digest of new articles.',
        weekly: 'You will receive a weekly digest of new articles.',
      },
      button: 'Change your preferences',
    },
    unsubscribed: {
      subject: 'You have unsubscribed from the ICSSI bulletin',
      preheader: 'You will receive no more mail from us.',
      heading: 'You have unsubscribed',
      body: 'You will receive no more mail from us. If this was a mistake, you can come back at any time.',
      button: 'Subscribe again',
    },
  },
};
