import type { Language } from '../../functions/core/article';

/** The words of the HTTP API's pages, in both languages. */
export const pageCopy: Record<
  Language,
  {
    confirmed: { title: string; body: string; preferences: string };
    confirmFailed: { title: string; body: string };
    unsubscribe: { title: string; body: string; button: string };
    unsubscribed: { title: string; body: string; resubscribe: string };
    preferences: {
      title: string;
      languages: string;
      languageNames: Record<Language, string>;
      cadence: string;
      cadenceNames: Record<'instant' | 'daily' | 'weekly', string>;
      topics: string;
      topicsHint: string;
      urgentAlerts: string;
      paused: string;
      more: string;
      save: string;
      saved: string;
    };
    archive: { title: string; empty: string };
    errors: Record<400 | 404 | 429 | 500, { title: string; body: string }>;
  }
> = {
  ar: {
    confirmed: {
      title: 'تم تأكيد اشتراكك',
      body: 'شكراً لك. ستصلك نشرة المبادرة حسب اختياراتك.',
      preferences: 'تعديل التفضيلات',
    },
    confirmFailed: {
      title: 'تعذّر تأكيد الاشتراك',
      body: 'رابط التأكيد غير صالح أو انتهت مدته. اشترك من جديد لتصلك رسالة تأكيد جديدة.',
    },
    unsubscribe: {
      title: 'إلغاء الاشتراك',
      body: 'اضغط الزر لإلغاء اشتراكك في نشرة المبادرة. لن تصلك منا رسائل أخرى.',
      button: 'إلغاء الاشتراك',
    },
    unsubscribed: {
      title: 'ألغي اشتراكك',
      body: 'لن تصلك منا رسائل أخرى.',
      resubscribe: 'إعادة الاشتراك',
    },
    preferences: {
      title: 'تفضيلاتك',
      languages: 'اللغات',
      languageNames: { ar: 'العربية', en: 'الإنجليزية' },
      cadence: 'متى تصلك الرسائل',
      cadenceNames: { instant: 'كل مقال فور نشره', daily: 'نشرة يومية', weekly: 'نشرة أسبوعية' },
      topics: 'المواضيع',
      topicsHint: 'إن لم تختر موضوعاً تصلك كل المواضيع.',
      urgentAlerts: 'أرسل إليّ المقالات العاجلة فوراً',
      paused: 'أوقف الرسائل مؤقتاً',
      more: 'خيارات أخرى',
      save: 'حفظ',
      saved: 'حُفظت تفضيلاتك.',
    },
    archive: { title: 'أرشيف النشرة', empty: 'لا أعداد بعد.' },
    errors: {
      400: { title: 'طلب غير صالح', body: 'لم نفهم هذا الطلب.' },
      404: { title: 'الصفحة غير موجودة', body: 'لا توجد صفحة بهذا العنوان.' },
      429: { title: 'طلبات كثيرة', body: 'حاول مرة أخرى بعد قليل.' },
      500: { title: 'حدث خطأ', body: 'حدث خطأ من جهتنا. حاول مرة أخرى لاحقاً.' },
    },
  },
  en: {
    confirmed: {
      title: 'Your subscription is confirmed',
      body: 'Thank you. The ICSSI bulletin will reach you as you chose.',
      preferences: 'Change your preferences',
    },
    confirmFailed: {
      title: 'We could not confirm your subscription',
      body: 'This confirmation link is not valid or has expired. Subscribe again to get a new one.',
    },
    unsubscribe: {
      title: 'Unsubscribe',
      body: 'Press the button to unsubscribe from the ICSSI bulletin. You will receive no more mail from us.',
      button: 'Unsubscribe',
    },
    unsubscribed: {
      title: 'You have unsubscribed',
      body: 'You will receive no more mail from us.',
      resubscribe: 'Subscribe again',
    },
    preferences: {
      title: 'Your preferences',
      languages: 'Languages',
      languageNames: { ar: 'Arabic', en: 'English' },
      cadence: 'When mail reaches you',
      cadenceNames: {
        instant: 'Each article as it is published',
        daily: 'A daily digest',
        weekly: 'A weekly digest',
      },
      topics: 'Topics',
      topicsHint: 'Choose none to receive every topic.',
      urgentAlerts: 'Send me urgent articles at once',
      paused: 'Pause my mail for now',
      more: 'More options',
      save: 'Save',
      saved: 'Your preferences are saved.',
    },
    archive: { title: 'Bulletin archive', empty: 'No issues yet.' },
    errors: {
      400: { title: 'Bad request', body: 'We could not understand this request.' },
      404: { title: 'Page not found', body: 'There is no page at this address.' },
      429: { title: 'Too many requests', body: 'Please try again in a moment.' },
      500: {
        title: 'Something went wrong',
        body: 'Something went wrong on our side. Please try again later.',
      },
    },
  },
};
