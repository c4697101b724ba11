import type { Language } from '../language';

/**
 * Every word of the console's shell (layout, sign-in, audit log) in both languages, in one place for
 * translators. Sections keep their own words with them.
 */
export interface ConsoleCopy {
  consoleName: string;
  skip: string;
  sections: string;
  signedInAs: string;
  signOut: string;
  switchTo: string;
  timesIn(zone: string): string;
  signIn: {
    title: string;
    intro: string;
    email: string;
    password: string;
    submit: string;
    refused: string;
    limited: string;
    unavailable: string;
    expired: string;
    signedOut: string;
    again: string;
    needed: string;
  };
  newPassword: {
    title: string;
    intro: string;
    password: string;
    confirm: string;
    submit: string;
    mismatch: string;
    refused(reason: string): string;
    policy: string;
  };
  totpSetup: {
    title: string;
    intro: string;
    secretLabel: string;
    steps: string[];
    code: string;
    submit: string;
  };
  totpCode: { title: string; intro: string; code: string; submit: string };
  wrongCode: string;
  audit: {
    nav: string;
    title: string;
    intro: string;
    empty: string;
    when: string;
    who: string;
    action: string;
    target: string;
    detail: string;
    older: string;
    newest: string;
    commandLine: string;
    targetKinds: Record<'schedule' | 'issue' | 'reader' | 'article' | 'staff' | 'import', string>;
  };
  errors: {
    notFound: string;
    forbidden: string;
    unauthorised: string;
    tooMany: string;
    failed: string;
    badRequest: string;
    back: string;
  };
}

export const consoleCopy: Record<Language, ConsoleCopy> = {
  ar: {
    consoleName: 'نشرة · لوحة الموظفين',
    skip: 'انتقل إلى المحتوى',
    sections: 'أقسام اللوحة',
    signedInAs: 'مسجّل الدخول باسم',
    signOut: 'تسجيل الخروج',
    switchTo: 'English',
    timesIn: (zone) => `الأوقات كلها بحسب ${zone}.`,
    signIn: {
      title: 'تسجيل الدخول',
      intro: 'لوحة الموظفين في الشبكة. للموظفين فقط.',
      email: 'البريد الإلكتروني',
      password: 'كلمة المرور',
      submit: 'دخول',
      refused: 'البريد الإلكتروني أو كلمة المرور غير صحيحة.',
      limited: 'محاولات فاشلة كثيرة. انتظر قليلاً ثم حاول مرة أخرى.',
      unavailable: 'لا يمكن لهذا الحساب الدخول الآن. اطلب من المسؤول أن يعيد ضبطه.',
      expired: 'انتهت مهلة تسجيل الدخول. ابدأ من جديد.',
      signedOut: 'سُجّل خروجك.',
      again: 'سجّل الدخول مرة أخرى',
      needed: 'سجّل الدخول لمتابعة العمل.',
    },
    newPassword: {
      title: 'اختر كلمة مرور جديدة',
      intro: 'كلمة المرور التي أُعطيت لك مؤقتة. اختر كلمة مرورك الخاصة.',
      password: 'كلمة المرور الجديدة',
      confirm: 'أعد كتابتها',
      submit: 'احفظ كلمة المرور',
      mismatch: 'الكلمتان غير متطابقتين.',
      refused: (reason) => `رُفضت كلمة المرور: ${reason}`,
      policy: '14 حرفاً على الأقل، فيها حرف لاتيني كبير وحرف صغير ورقم ورمز.',
    },
    totpSetup: {
      title: 'إعداد التحقق بخطوتين',
      intro: 'يتطلب هذا الموقع رمزاً من تطبيق المصادقة في كل دخول.',
      secretLabel: 'المفتاح السري',
      steps: [
        'افتح تطبيق المصادقة (مثل Google Authenticator أو Aegis أو 1Password) واختر إضافة حساب بإدخال مفتاح يدوياً.',
        'اكتب المفتاح أدناه كما هو، واختر نوع «حسب الوقت».',
        'اكتب الرمز المكوّن من ستة أرقام الذي يظهره التطبيق.',
      ],
      code: 'الرمز من التطبيق',
      submit: 'تحقّق وادخل',
    },
    totpCode: {
      title: 'رمز التحقق',
      intro: 'اكتب الرمز المكوّن من ستة أرقام من تطبيق المصادقة.',
      code: 'الرمز',
      submit: 'دخول',
    },
    wrongCode: 'الرمز غير صحيح. اكتب الرمز الحالي من التطبيق.',
    audit: {
      nav: 'سجل الأعمال',
      title: 'سجل الأعمال',
      intro: 'كل عمل قام به الموظفون: من، وماذا، ومتى، وعلى أي شيء. يُذكر القارئ برقمه لا بعنوانه.',
      empty: 'لا أعمال مسجّلة بعد.',
      when: 'الوقت',
      who: 'من',
      action: 'العمل',
      target: 'على',
      detail: 'تفاصيل',
      older: 'أعمال أقدم',
      newest: 'الأحدث',
      commandLine: 'سطر الأوامر',
      targetKinds: {
        schedule: 'جدول',
        issue: 'عدد',
        reader: 'قارئ',
        article: 'مقال',
        staff: 'موظف',
        import: 'استيراد',
      },
    },
    errors: {
      notFound: 'هذه الصفحة غير موجودة.',
      forbidden:
        'رُفض الطلب: أُرسل من غير صفحات اللوحة أو انتهت صلاحية النموذج. أعد تحميل الصفحة وحاول مرة أخرى.',
      unauthorised: 'انتهت جلستك. سجّل الدخول مرة أخرى.',
      tooMany: 'طلبات كثيرة. انتظر قليلاً.',
      failed: 'حدث خطأ. لم يُحفظ شيء؛ حاول مرة أخرى.',
      badRequest: 'الطلب غير صالح.',
      back: 'العودة إلى اللوحة',
    },
  },
  en: {
    consoleName: 'nashra · staff console',
    skip: 'Skip to content',
    sections: 'Console sections',
    signedInAs: 'Signed in as',
    signOut: 'Sign out',
    switchTo: 'العربية',
    timesIn: (zone) => `All times are ${zone}.`,
    signIn: {
      title: 'Sign in',
      intro: "The network's staff console. Staff only.",
      email: 'Email',
      password: 'Password',
      submit: 'Sign in',
      refused: 'The email or password is wrong.',
      limited: 'Too many failed sign-ins. Wait a while, then try again.',
      unavailable: 'This account cannot sign in now. Ask an administrator to reset it.',
      expired: 'The sign-in took too long. Start again.',
      signedOut: 'You are signed out.',
      again: 'Sign in again',
      needed: 'Sign in to go on.',
    },
    newPassword: {
      title: 'Choose a new password',
      intro: 'The password you were given is temporary. Choose your own.',
      password: 'New password',
      confirm: 'Type it again',
      submit: 'Save the password',
      mismatch: 'The two do not match.',
      refused: (reason) => `The password was refused: ${reason}`,
      policy: 'At least 14 characters, with an upper-case and a lower-case letter, a digit and a symbol.',
    },
    totpSetup: {
      title: 'Set up two-step sign-in',
      intro: 'This console asks for a code from an authenticator app at every sign-in.',
      secretLabel: 'Secret key',
      steps: [
        'Open an authenticator app (such as Google Authenticator, Aegis or 1Password) and add an account by entering a key by hand.',
        'Type the key below exactly as shown, and choose "time-based".',
        'Type the six-digit code the app shows.',
      ],
      code: 'Code from the app',
      submit: 'Check and sign in',
    },
    totpCode: {
      title: 'Sign-in code',
      intro: 'Type the six-digit code from your authenticator app.',
      code: 'Code',
      submit: 'Sign in',
    },
    wrongCode: 'The code is wrong. Type the current code from the app.',
    audit: {
      nav: 'Audit log',
      title: 'Audit log',
      intro: 'Every staff action: who, what, when, and on what. A reader is named by id, never by address.',
      empty: 'No actions recorded yet.',
      when: 'When',
      who: 'Who',
      action: 'Action',
      target: 'On',
      detail: 'Details',
      older: 'Older actions',
      newest: 'Newest',
      commandLine: 'command line',
      targetKinds: {
        schedule: 'schedule',
        issue: 'issue',
        reader: 'reader',
        article: 'article',
        staff: 'staff',
        import: 'import',
      },
    },
    errors: {
      notFound: 'There is no such page.',
      forbidden:
        'The request was refused: it did not come from a console page, or the form has expired. Reload the page and try again.',
      unauthorised: 'Your session has ended. Sign in again.',
      tooMany: 'Too many requests. Wait a moment.',
      failed: 'Something went wrong. Nothing was saved; try again.',
      badRequest: 'The request is not valid.',
      back: 'Back to the console',
    },
  },
};
