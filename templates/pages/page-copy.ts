import type { Language } from '../language';

export type ErrorStatus = 400 | 404 | 410 | 413 | 415 | 429 | 500;
export type LanguageChoice = 'ar' | 'en' | 'ar,en' | 'en,ar';

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
    errors: Record<ErrorStatus, { title: string; body: string }>;
    /** The four ways to read: one language, or both with the first one first. */
    languageChoices: Record<LanguageChoice, string>;
    /** Names of the usual topic slugs; an unnamed slug is shown as it is. */
    topicNames: Record<string, string>;
    subscribe: {
      title: string;
      intro: string;
      email: string;
      emailHint: string;
      honeypot: string;
      button: string;
      privacy: string;
      otherLanguage: string;
      /** Under the urgent-alerts box: what an urgent article is, so the reader can choose. */
      urgentHint: string;
    };
    subscribeAccepted: { title: string; body: string };
    confirmPrompt: { title: string; body: string; button: string };
    confirmExpired: { title: string; body: string; button: string };
    confirmResent: { title: string; body: string };
    resubscribe: { title: string; body: string; button: string };
    resubscribed: { title: string; body: string; preferences: string };
    notResubscribed: { title: string; body: string };
    notSubscribedNotice: string;
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
      410: { title: 'انتهت مدة الرابط', body: 'لم يعد هذا الرابط صالحاً.' },
      413: { title: 'بيانات كثيرة', body: 'الطلب أكبر مما تقبله هذه الصفحة.' },
      415: { title: 'طلب غير مدعوم', body: 'لا تقبل هذه الصفحة إلا نموذجها.' },
      429: { title: 'طلبات كثيرة', body: 'حاول مرة أخرى بعد قليل.' },
      500: { title: 'حدث خطأ', body: 'حدث خطأ من جهتنا. حاول مرة أخرى لاحقاً.' },
    },
    languageChoices: {
      ar: 'العربية',
      en: 'الإنجليزية',
      'ar,en': 'العربية ثم الإنجليزية',
      'en,ar': 'الإنجليزية ثم العربية',
    },
    topicNames: {
      security: 'الأمن',
      basra: 'البصرة',
      water: 'المياه',
      campaigns: 'الحملات',
      'human-rights': 'حقوق الإنسان',
    },
    subscribe: {
      title: 'اشترك في نشرة المبادرة',
      intro:
        'أخبار وبيانات وحملات عن العراق، بالعربية أو بالإنجليزية أو بكلتيهما. سنرسل إليك رسالة لتأكيد عنوانك، ولن يصلك شيء آخر قبل التأكيد.',
      email: 'عنوان بريدك الإلكتروني',
      emailHint: 'لا نستخدمه إلا لإرسال النشرة إليك.',
      honeypot: 'اترك هذا الحقل فارغاً',
      button: 'اشترك',
      privacy: 'في كل رسالة منا رابط لتغيير اختياراتك ورابط لإلغاء الاشتراك فوراً.',
      otherLanguage: 'English',
      urgentHint:
        'المقالات العاجلة بيانات أمنية: حادث أو اعتقال أو تهديد. تصل نادراً، وفور نشرها أياً كان اختيارك أعلاه، حتى في الليل.',
    },
    subscribeAccepted: {
      title: 'تفقّد بريدك',
      body: 'إن كان بالإمكان اشتراك هذا العنوان فستصله رسالة قريباً. اضغط الزر في تلك الرسالة لتأكيد اشتراكك. إن لم تصلك خلال دقائق فتفقّد مجلد الرسائل غير المرغوب فيها.',
    },
    confirmPrompt: {
      title: 'أكّد اشتراكك',
      body: 'اضغط الزر لتأكيد اشتراكك في نشرة المبادرة.',
      button: 'تأكيد الاشتراك',
    },
    confirmExpired: {
      title: 'انتهت مدة رابط التأكيد',
      body: 'تبقى روابط التأكيد صالحة سبعة أيام. اضغط الزر لنرسل رابطاً جديداً إلى العنوان نفسه.',
      button: 'أرسل رابطاً جديداً',
    },
    confirmResent: {
      title: 'رابط جديد في الطريق',
      body: 'إن كان الاشتراك ما زال بانتظار التأكيد فستصلك رسالة جديدة قريباً. لا نرسل أكثر من رسالة واحدة كل بضع دقائق.',
    },
    resubscribe: {
      title: 'إعادة الاشتراك',
      body: 'اضغط الزر لتعود إليك نشرة المبادرة باختياراتك السابقة.',
      button: 'إعادة الاشتراك',
    },
    resubscribed: { title: 'أهلاً بعودتك', body: 'عاد اشتراكك.', preferences: 'تعديل التفضيلات' },
    notResubscribed: {
      title: 'تعذّرت إعادة الاشتراك',
      body: 'تعذّر إيصال رسائلنا إلى هذا العنوان أو أُبلغ عنها، فتوقفنا عن الإرسال إليه. راسلنا إن أردت الاشتراك من جديد.',
    },
    notSubscribedNotice: 'لست مشتركاً الآن: تسري هذه الاختيارات إن اشتركت من جديد.',
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
      410: { title: 'This link has expired', body: 'This link is no longer valid.' },
      413: { title: 'Too much data', body: 'The request was larger than this page accepts.' },
      415: { title: 'Unsupported request', body: 'This page accepts only its own form.' },
      429: { title: 'Too many requests', body: 'Please try again in a moment.' },
      500: {
        title: 'Something went wrong',
        body: 'Something went wrong on our side. Please try again later.',
      },
    },
    languageChoices: {
      ar: 'Arabic',
      en: 'English',
      'ar,en': 'Arabic, then English',
      'en,ar': 'English, then Arabic',
    },
    topicNames: {
      security: 'Security',
      basra: 'Basra',
      water: 'Water',
      campaigns: 'Campaigns',
      'human-rights': 'Human rights',
    },
    subscribe: {
      title: 'Subscribe to the ICSSI bulletin',
      intro:
        'News, statements and campaigns about Iraq, in Arabic, English or both. We will send a mail to confirm your address; nothing else comes before you confirm.',
      email: 'Your email address',
      emailHint: 'We use it only to send you the bulletin.',
      honeypot: 'Leave this field empty',
      button: 'Subscribe',
      privacy: 'Every mail from us has a link to change your choices and a link to unsubscribe at once.',
      otherLanguage: 'العربية',
      urgentHint:
        'Urgent articles are security statements: an incident, an arrest, a threat. They come seldom, and at once whatever you chose above, even at night.',
    },
    subscribeAccepted: {
      title: 'Check your inbox',
      body: 'If this address can subscribe, a mail is on its way to it. Press the button in that mail to confirm. If nothing arrives within a few minutes, look in your spam folder.',
    },
    confirmPrompt: {
      title: 'Confirm your subscription',
      body: 'Press the button to confirm your subscription to the ICSSI bulletin.',
      button: 'Confirm subscription',
    },
    confirmExpired: {
      title: 'This confirmation link has expired',
      body: 'Confirmation links last seven days. Press the button and we will send a new one to the same address.',
      button: 'Send a new link',
    },
    confirmResent: {
      title: 'A new link is on its way',
      body: 'If the subscription still waits for confirmation, a new mail is on its way. We send at most one every few minutes.',
    },
    resubscribe: {
      title: 'Subscribe again',
      body: 'Press the button to receive the ICSSI bulletin again, with the choices you had.',
      button: 'Subscribe again',
    },
    resubscribed: {
      title: 'Welcome back',
      body: 'You are subscribed again.',
      preferences: 'Change your preferences',
    },
    notResubscribed: {
      title: 'We could not subscribe you again',
      body: 'Mail to this address could not be delivered or was reported, so we no longer send to it. Write to us if you want to subscribe again.',
    },
    notSubscribedNotice: 'You are not subscribed now: these choices apply if you subscribe again.',
  },
};
