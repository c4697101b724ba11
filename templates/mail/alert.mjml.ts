import { mailDocument } from './layout.mjml';
import { articleCard } from './partials/article-card.mjml';
import { footer } from './partials/footer.mjml';
import { masthead } from './partials/masthead.mjml';
import type { CardView, FooterView, LocalisedHtml, MastheadView } from './view';

export interface AlertView {
  lang: MastheadView['lines'][number]['lang'];
  title: string;
  preheader: LocalisedHtml[];
  masthead: MastheadView;
  card: CardView;
  footer: FooterView;
}

/** The instant alert: one article (with its translation in a bilingual variant) as soon as it is out. */
export function alertMjml(view: AlertView): string {
  return mailDocument({
    lang: view.lang,
    title: view.title,
    preheader: view.preheader,
    sections: [masthead(view.masthead), articleCard(view.card), footer(view.footer)],
  });
}
