import type { SafeHtml } from '../escape';
import type { Language } from '../language';

/**
 * What the mail templates are given: every text already in its language, formatted and escaped (text
 * with isolated foreign runs arrives as SafeHtml), every link final or a `{{placeholder}}`. The
 * templates only lay it out.
 */
export interface LocalisedHtml {
  lang: Language;
  html: SafeHtml;
}

export interface CardBlockView {
  lang: Language;
  title: SafeHtml;
  url: string;
  /** Date and source, already joined. */
  meta: SafeHtml;
  summary: SafeHtml;
  urgent: boolean;
}

/** One article, or an article with its translation: one block per language, in the reader's order. */
export interface CardView {
  /** An https image of the article's own; never a third-party or tracking asset. */
  imageUrl?: string;
  blocks: CardBlockView[];
}

export interface MastheadView {
  viewInBrowserUrl?: string;
  lines: { lang: Language; heading: string; subheading?: string }[];
}

export interface FooterView {
  languages: Language[];
  /** Links of a reader who is subscribed; absent in mails to someone who is not (yet). */
  preferencesUrl?: string | SafeHtml;
  unsubscribeUrl?: string | SafeHtml;
  viewInBrowserUrl?: string;
}

export interface MailDocumentView {
  /** The reader's first language: `<html lang dir>`. */
  lang: Language;
  title: string;
  preheader: LocalisedHtml[];
  /** MJML sections, in order. */
  sections: string[];
}

/** The editor's note in one language: its paragraphs, each already escaped with its links in place. */
export interface EditorNoteView {
  lang: Language;
  paragraphs: SafeHtml[];
}
