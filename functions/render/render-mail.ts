import { copy } from '../../templates/copy';
import { escapeHtml, placeholder, type SafeHtml, trusted } from '../../templates/escape';
import { alertMjml } from '../../templates/mail/alert.mjml';
import { digestMjml } from '../../templates/mail/digest.mjml';
import { systemMailMjml } from '../../templates/mail/system.mjml';
import type { CardView, EditorNoteView, LocalisedHtml } from '../../templates/mail/view';
import { archivePath } from '../core/archive';
import type { Article, Language } from '../core/article';
import { type EditorNote, noteLanguages, notePieces } from '../core/editor-note';
import { ValidationError } from '../core/errors';
import type { CompiledMail, Placeholder } from '../core/mail/compiled-mail';
import { languagesOf, type MailVariant } from '../core/mail/variant';
import type { MailRenderer, MjmlCompiler, RenderedMail, SystemMail, SystemMailInput } from '../core/ports';
import { headerSafeLine, oneLine } from '../core/text';
import { type ArticleEntry, arrangeArticles } from './arrange';
import { isolateForeignRuns } from './bidi';
import { formatDate, formatWindow } from './dates';
import { plainTextOf } from './plain-text';
import { excerpt, textOfHtml } from './text';

const summaryLength = 320;
const preheaderLength = 110;

export interface MailRendererOptions {
  compiler: MjmlCompiler;
  /** Public URL of the HTTP API: the archive copy an issue's view-in-browser link points to. */
  baseUrl: string;
  /** Dates are calendar dates in this time zone: the network's (`NASHRA_TIME_ZONE`). */
  timeZone: string;
}

/** A compiled mail with the count of what its cards hold. */
function holding(mail: CompiledMail, cards: ReadonlyArray<readonly Article[]>): RenderedMail {
  return { ...mail, cards: cards.length, articles: cards.reduce((sum, card) => sum + card.length, 0) };
}

/**
 * The editor's note in the mail's languages that it is written in: each paragraph's lines joined by
 * line breaks, its text escaped (runs of the other script isolated), each address a link showing itself.
 */
export function noteViews(note: EditorNote | undefined, languages: readonly Language[]): EditorNoteView[] {
  return noteLanguages(note, languages).map((lang) => ({
    lang,
    paragraphs: notePieces(note?.[lang] ?? '').map(
      (lines): SafeHtml =>
        trusted(
          lines
            .map((pieces) =>
              pieces
                .map((piece) =>
                  'url' in piece
                    ? `<a href="${escapeHtml(piece.url)}" dir="ltr">${escapeHtml(piece.url)}</a>`
                    : isolateForeignRuns(piece.text, lang),
                )
                .join(''),
            )
            .join('<br>'),
        ),
    ),
  }));
}

const subscribedLinks = {
  preferencesUrl: placeholder('preferencesUrl'),
  unsubscribeUrl: placeholder('unsubscribeUrl'),
};

/**
 * The render use cases: choose and pair the articles of a variant, put every text in its language,
 * compile the MJML once, derive the plain text, and leave `{{placeholders}}` for `personalise`.
 */
export function createMailRenderer(options: MailRendererOptions): MailRenderer {
  const { compiler, timeZone } = options;
  const baseUrl = options.baseUrl.replace(/\/$/, '');
  const systemMails = new Map<string, Promise<CompiledMail>>();

  function card(entry: readonly Article[]): CardView {
    const imageUrl = entry.map((article) => article.imageUrl).find((image) => image?.startsWith('https://'));
    return {
      imageUrl,
      blocks: entry.map((article) => {
        const date = formatDate(article.publishedAt, article.lang, timeZone);
        const summary = excerpt(article.summary || textOfHtml(article.bodyHtml), summaryLength);
        return {
          lang: article.lang,
          title: trusted(isolateForeignRuns(oneLine(article.title), article.lang)),
          url: article.url,
          meta: trusted(
            isolateForeignRuns(article.source ? `${date} · ${oneLine(article.source)}` : date, article.lang),
          ),
          summary: trusted(isolateForeignRuns(summary, article.lang)),
          urgent: article.urgent,
        };
      }),
    };
  }

  function localised(parts: { lang: Language; text: string }[]): LocalisedHtml[] {
    return parts.map((part) => ({
      lang: part.lang,
      html: trusted(isolateForeignRuns(part.text, part.lang)),
    }));
  }

  async function compile(
    variant: MailVariant,
    mjml: string,
    meta: { subject: string[]; preheader: string[]; placeholders: Placeholder[] },
  ): Promise<CompiledMail> {
    const html = await compiler.compile(mjml);
    const found = [...new Set([...html.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1]))].sort();
    if (found.join() !== [...meta.placeholders].sort().join()) {
      throw new Error(
        `a template left placeholders [${found.join(', ')}], not [${meta.placeholders.join(', ')}]`,
      );
    }
    const languages = languagesOf(variant);
    return {
      // Titles are cleaned at ingest; this guards articles stored before that, and any other text.
      subject: headerSafeLine(meta.subject.join(' | ')),
      preheader: oneLine(meta.preheader.join(' | ')),
      html,
      text: plainTextOf(html),
      lang: languages[0] as Language,
      contentLanguage: languages.join(', '),
    };
  }

  return {
    async renderDigest(input) {
      const languages = languagesOf(input.variant);
      const entries = arrangeArticles(input.articles, input.variant);
      if (entries.length === 0) {
        throw new ValidationError(`no article of this window is in ${input.variant}`);
      }
      const viewInBrowserUrl =
        input.viewInBrowserUrl ?? `${baseUrl}${archivePath(input.issueId, input.variant)}`;
      const firstTitle = (lang: Language) => entries.flat().find((article) => article.lang === lang)?.title;
      const subject = languages.map((lang) =>
        copy[lang].digestSubject(
          copy[lang].articleCount(entries.length),
          formatWindow(input.window, lang, timeZone),
        ),
      );
      const preheader = languages.map((lang) => {
        const title = firstTitle(lang);
        return { lang, text: title ? copy[lang].digestPreheader(oneLine(title)) : copy[lang].bulletinName };
      });
      const mjml = digestMjml({
        lang: languages[0] as Language,
        title: subject.join(' | '),
        preheader: localised(preheader),
        masthead: {
          viewInBrowserUrl,
          lines: languages.map((lang) => ({
            lang,
            heading: copy[lang].digestHeading,
            subheading: formatWindow(input.window, lang, timeZone),
          })),
        },
        note: noteViews(input.note, languages),
        cards: entries.map(card),
        footer: { languages, ...subscribedLinks, viewInBrowserUrl },
      });
      return holding(
        await compile(input.variant, mjml, {
          subject,
          preheader: preheader.map((part) => part.text),
          placeholders: ['preferencesUrl', 'unsubscribeUrl'],
        }),
        entries,
      );
    },

    async renderAlert(input) {
      const languages = languagesOf(input.variant);
      const [alerted] = input.articles;
      if (!alerted) throw new ValidationError('an alert needs its article');
      const inLanguage = (lang: Language) => input.articles.find((article) => article.lang === lang);
      const entry = languages.map(inLanguage).filter((a): a is Article => a !== undefined);
      if (entry.length === 0) {
        throw new ValidationError(`article ${alerted.id} has no version in ${input.variant}`);
      }
      const viewInBrowserUrl =
        input.viewInBrowserUrl ?? `${baseUrl}${archivePath(input.issueId, input.variant)}`;
      const subject = languages.map((lang) => {
        const article = inLanguage(lang);
        if (!article) return copy[lang].alertOnlyInOtherLanguage;
        return article.urgent ? `${copy[lang].urgent}: ${oneLine(article.title)}` : oneLine(article.title);
      });
      const preheader = languages.map((lang) => {
        const article = inLanguage(lang);
        const text = article
          ? excerpt(article.summary || textOfHtml(article.bodyHtml), preheaderLength)
          : copy[lang].alertOnlyInOtherLanguage;
        return { lang, text };
      });
      const mjml = alertMjml({
        lang: languages[0] as Language,
        title: subject.join(' | '),
        preheader: localised(preheader),
        masthead: {
          viewInBrowserUrl,
          lines: languages.map((lang) => ({
            lang,
            heading: copy[lang].alertHeading,
            subheading: formatDate((inLanguage(lang) ?? alerted).publishedAt, lang, timeZone),
          })),
        },
        card: card(entry as ArticleEntry),
        footer: { languages, ...subscribedLinks, viewInBrowserUrl },
      });
      return holding(
        await compile(input.variant, mjml, {
          subject,
          preheader: preheader.map((part) => part.text),
          placeholders: ['preferencesUrl', 'unsubscribeUrl'],
        }),
        [entry],
      );
    },

    renderSystemMail(kind, variant, input = {}) {
      const key = `${kind} ${variant} ${input.cadence ?? ''}`;
      let compiled = systemMails.get(key);
      if (!compiled) {
        compiled = renderSystem(kind, variant, input);
        systemMails.set(key, compiled);
        compiled.catch(() => systemMails.delete(key));
      }
      return compiled;
    },
  };

  function renderSystem(
    kind: SystemMail,
    variant: MailVariant,
    input: SystemMailInput,
  ): Promise<CompiledMail> {
    const languages = languagesOf(variant);
    const words = (lang: Language) => copy[lang][kind];
    const subject = languages.map((lang) => words(lang).subject);
    const preheader = languages.map((lang) => ({ lang, text: words(lang).preheader }));
    const action: Record<SystemMail, Placeholder> = {
      confirm: 'confirmUrl',
      welcome: 'preferencesUrl',
      unsubscribed: 'resubscribeUrl',
    };
    const mjml = systemMailMjml({
      kind,
      languages,
      title: subject.join(' | '),
      preheader: localised(preheader),
      cadence: input.cadence,
      actionUrl: placeholder(action[kind]),
      ...(kind === 'welcome' ? subscribedLinks : {}),
    });
    return compile(variant, mjml, {
      subject,
      preheader: preheader.map((part) => part.text),
      placeholders: kind === 'welcome' ? ['preferencesUrl', 'unsubscribeUrl'] : [action[kind]],
    });
  }
}
