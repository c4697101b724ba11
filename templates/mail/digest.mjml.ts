import { mailDocument } from './layout.mjml';
import { articleCard } from './partials/article-card.mjml';
import { footer } from './partials/footer.mjml';
import { masthead } from './partials/masthead.mjml';
import type { CardView, FooterView, LocalisedHtml, MastheadView } from './view';

export interface DigestView {
  lang: MastheadView['lines'][number]['lang'];
  title: string;
  preheader: LocalisedHtml[];
  masthead: MastheadView;
  cards: CardView[];
  footer: FooterView;
}

/** The digest: masthead with the window, one card per article (or article and translation), footer. */
export function digestMjml(view: DigestView): string {
  return mailDocument({
    lang: view.lang,
    title: view.title,
    preheader: view.preheader,
    sections: [masthead(view.masthead), ...view.cards.map(articleCard), footer(view.footer)],
  });
}
