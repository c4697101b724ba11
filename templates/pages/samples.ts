import type { Language } from '../language';
import {
  archivePage,
  confirmExpiredPage,
  confirmPage,
  confirmPromptPage,
  confirmResentPage,
  errorPage,
  preferencesPage,
  resubscribedPage,
  resubscribePage,
  subscribeAcceptedPage,
  subscribePage,
  topicChoices,
  unsubscribedPage,
  unsubscribePage,
} from './pages';

const example = 'https://nashra.example';

/**
 * Every page template filled with example data, by name: what the preview page of `nashra dev` lists
 * and what the browser tests check in both languages.
 */
export const samplePages: Record<string, (lang: Language) => string> = {
  confirmed: (lang) =>
    confirmPage({ lang, confirmed: true, preferencesUrl: `${example}/preferences?t=example` }),
  'confirm-failed': (lang) => confirmPage({ lang, confirmed: false }),
  unsubscribe: (lang) => unsubscribePage({ lang, action: `${example}/unsubscribe?t=example` }),
  unsubscribed: (lang) => unsubscribedPage({ lang, resubscribeAction: `${example}/resubscribe/example` }),
  subscribe: (lang) =>
    subscribePage({
      lang,
      action: '/subscribe',
      otherLanguageUrl: `/subscribe?lang=${lang === 'ar' ? 'en' : 'ar'}`,
      topics: topicChoices(['basra', 'campaigns', 'human-rights', 'security', 'water']),
    }),
  'subscribe-accepted': (lang) => subscribeAcceptedPage({ lang }),
  'confirm-prompt': (lang) => confirmPromptPage({ lang, action: '/confirm/example' }),
  'confirm-expired': (lang) => confirmExpiredPage({ lang, action: '/confirm/example/resend' }),
  'confirm-resent': (lang) => confirmResentPage({ lang }),
  resubscribe: (lang) => resubscribePage({ lang, action: '/resubscribe/example' }),
  resubscribed: (lang) => resubscribedPage({ lang, resubscribed: true }),
  'not-resubscribed': (lang) => resubscribedPage({ lang, resubscribed: false }),
  preferences: (lang) =>
    preferencesPage({
      lang,
      action: `${example}/preferences?t=example`,
      values: {
        languages: ['ar', 'en'],
        cadence: 'weekly',
        topics: ['water'],
        urgentAlerts: true,
        paused: false,
      },
      topics: [
        { id: 'water', label: { ar: 'المياه', en: 'Water' } },
        { id: 'security', label: { ar: 'الأمن', en: 'Security' } },
        { id: 'freedoms', label: { ar: 'الحريات', en: 'Freedoms' } },
      ],
      saved: true,
    }),
  'preferences-unsubscribed': (lang) =>
    preferencesPage({
      lang,
      action: '/preferences/example',
      values: { languages: ['en', 'ar'], cadence: 'daily', topics: [], urgentAlerts: false, paused: true },
      topics: topicChoices(['security', 'water']),
      subscribed: false,
    }),
  archive: (lang) =>
    archivePage({
      lang,
      issues: [
        {
          title: 'نشرة المبادرة: 3 مقالات، 1–7 كانون الثاني 2014',
          lang: 'ar',
          url: `${example}/issues/example/ar`,
          date: '2014-01-08',
        },
        {
          title: 'ICSSI bulletin: 3 articles, 1 – 7 January 2014',
          lang: 'en',
          url: `${example}/issues/example/en`,
          date: '2014-01-08',
        },
      ],
    }),
  'not-found': () => errorPage({ status: 404 }),
  error: (lang) => errorPage({ status: 500, lang }),
  expired: (lang) => errorPage({ status: 410, lang }),
};
