import { copy } from '../copy';
import type { SafeHtml } from '../escape';
import type { Language } from '../language';
import { mailDocument } from './layout.mjml';
import { footer } from './partials/footer.mjml';
import { masthead } from './partials/masthead.mjml';
import { type MessageView, messagesSection } from './partials/message.mjml';
import type { LocalisedHtml } from './view';

export type SystemMailKind = 'confirm' | 'welcome' | 'unsubscribed';

export interface SystemMailView {
  kind: SystemMailKind;
  languages: Language[];
  title: string;
  preheader: LocalisedHtml[];
  /** The reader's cadence, for the welcome mail's promise of what comes next. */
  cadence?: 'instant' | 'daily' | 'weekly';
  /** Link of the call to action: the confirm link, the preferences link or the way back. */
  actionUrl: SafeHtml;
  /** Links of a subscribed reader, for the footer (the welcome mail only). */
  preferencesUrl?: SafeHtml;
  unsubscribeUrl?: SafeHtml;
}

function messageFor(view: SystemMailView, lang: Language): MessageView {
  const words = copy[lang];
  switch (view.kind) {
    case 'confirm':
      return {
        lang,
        heading: words.confirm.heading,
        paragraphs: [words.confirm.body],
        button: { label: words.confirm.button, href: view.actionUrl },
        note: words.confirm.ignore,
      };
    case 'welcome':
      return {
        lang,
        heading: words.welcome.heading,
        paragraphs: [view.cadence ? words.welcome.cadence[view.cadence] : '', words.welcome.body].filter(
          Boolean,
        ),
        button: { label: words.welcome.button, href: view.actionUrl },
      };
    case 'unsubscribed':
      return {
        lang,
        heading: words.unsubscribed.heading,
        paragraphs: [words.unsubscribed.body],
        button: { label: words.unsubscribed.button, href: view.actionUrl },
      };
  }
}

/** The opt-in confirmation, the welcome mail and the unsubscribe confirmation: one layout, three messages. */
export function systemMailMjml(view: SystemMailView): string {
  const [first] = view.languages;
  if (!first) throw new Error('a mail needs at least one language');
  return mailDocument({
    lang: first,
    title: view.title,
    preheader: view.preheader,
    sections: [
      masthead({ lines: view.languages.map((lang) => ({ lang, heading: copy[lang].bulletinName })) }),
      messagesSection(view.languages.map((lang) => messageFor(view, lang))),
      footer({
        languages: view.languages,
        preferencesUrl: view.preferencesUrl,
        unsubscribeUrl: view.unsubscribeUrl,
      }),
    ],
  });
}
