import { mailDocument } from './layout.mjml';
import { articleCard } from './partials/article-card.mjml';
import { editorNote } from './partials/editor-note.mjml';
import { footer } from './partials/footer.mjml';
import { masthead } from './partials/masthead.mjml';
import type { CardView, EditorNoteView, FooterView, LocalisedHtml, MastheadView } from './view';

export interface DigestView {
  lang: MastheadView['lines'][number]['lang'];
  title: string;
  preheader: LocalisedHtml[];
  masthead: MastheadView;
  /** The editor's note in each of the mail's languages it was written in, in the mail's order; none: no note. */
  note: EditorNoteView[];
  cards: CardView[];
  footer: FooterView;
}

/**
 * The digest: masthead with the window, the editor's note when there is one, one card per article (or
 * article and translation), footer.
 */
export function digestMjml(view: DigestView): string {
  return mailDocument({
    lang: view.lang,
    title: view.title,
    preheader: view.preheader,
    sections: [
      masthead(view.masthead),
      ...(view.note.length > 0 ? [editorNote(view.note)] : []),
      ...view.cards.map(articleCard),
      footer(view.footer),
    ],
  });
}
