import { copy } from '../copy';
import { html, type SafeHtml } from '../escape';
import type { Language } from '../language';
import { digestCopy } from './digest-copy';
import { csrfField } from './forms';
import { topicList } from './schedules';
import { sectionCopy } from './section-copy';
import { consoleLink, consolePath, dataTable, ltr, postButton, type TimeText, time } from './ui';

export type VariantName = 'ar' | 'en' | 'ar+en' | 'en+ar';

export interface DigestArticleView {
  id: string;
  lang: Language;
  title: string;
  published: TimeText;
  urgent: boolean;
  topics: string[];
}

export interface AudienceView {
  total: number;
  byVariant: Array<{ variant: VariantName; count: number }>;
}

/** `/digest`: the schedules whose next issue can be seen. */
export function digestIndexPage(input: {
  lang: Language;
  schedules: Array<{ name: string; words: string }>;
}): SafeHtml {
  const words = digestCopy[input.lang];
  if (input.schedules.length === 0)
    return html`<p>${words.noSchedules} <a href="${consolePath('/schedules/new')}">${consolePath('/schedules/new')}</a></p>`;
  return html`<p>${words.pick}</p><ul>${input.schedules.map(
    (schedule) =>
      html`<li><a href="${consolePath(`/digest/${schedule.name}`)}">${ltr(schedule.name)}</a> — ${schedule.words}</li>`,
  )}</ul>`;
}

function audienceTable(lang: Language, audience: AudienceView): SafeHtml {
  const words = digestCopy[lang];
  const names = sectionCopy[lang].variants;
  return dataTable({
    caption: words.audience,
    headers: words.audienceColumns,
    rows: [
      ...audience.byVariant.map(({ variant, count }) => [html`${names[variant]}`, html`${String(count)}`]),
      [html`<strong>${words.total}</strong>`, html`<strong>${String(audience.total)}</strong>`],
    ],
  });
}

export interface DigestPageView {
  lang: Language;
  csrf: string;
  /** A refusal of the last action (a skip that could not be), shown first. */
  error?: SafeHtml;
  name: string;
  /** The schedule's timing in words. */
  words: string;
  /** The window up to now, or the refusal that says why there is none. */
  window?: { start: TimeText; end: TimeText };
  windowError?: SafeHtml;
  articles: DigestArticleView[];
  alreadyCarried: number;
  audience?: AudienceView;
  nextFiring?: TimeText;
  skipped?: TimeText;
  canSkip: boolean;
  note: { ar: string; en: string; setAt?: TimeText };
  noteError?: SafeHtml;
  /** The variant previewed, and the variants there are (each with whether it carries any article). */
  preview: { variant: VariantName; variants: Array<{ variant: VariantName; hasArticles: boolean }> };
  staffEmail: string;
  testError?: SafeHtml;
}

/**
 * `/digest/{schedule}`: the real next issue — its window, articles and readers per variant — with the
 * editor's note, the skip, the previews in each variant at two widths, the test mail and the way to
 * send it.
 */
export function digestPage(view: DigestPageView): SafeHtml {
  const words = digestCopy[view.lang];
  const common = sectionCopy[view.lang];
  const base = `/digest/${view.name}`;
  const previewed = view.preview.variants.find((entry) => entry.variant === view.preview.variant);
  const frameUrl = consolePath(`${base}/preview/${encodeURIComponent(view.preview.variant)}`);
  const missing = !view.note.ar && view.note.en ? 'ar' : view.note.ar && !view.note.en ? 'en' : undefined;
  return html`${view.error ?? ''}<p><strong>${words.timing}:</strong> ${view.words}</p>
<section aria-labelledby="window-heading"><h2 id="window-heading">${words.window}</h2>
${view.windowError ?? ''}
${view.window ? html`<p>${words.windowText(view.window.start.text, view.window.end.text)}</p>` : ''}
${view.alreadyCarried > 0 ? html`<p>${words.alreadyCarried(view.alreadyCarried)}</p>` : ''}
${
  view.window && view.articles.length === 0
    ? html`<p class="warning">${words.nothingNew}</p>`
    : view.articles.length > 0
      ? dataTable({
          caption: words.articles,
          headers: words.articleColumns,
          rows: view.articles.map((article) => [
            time(article.published),
            html`${common.languageNames[article.lang]}`,
            html`<a href="${consoleLink('/articles/show', { id: article.id })}" lang="${article.lang}" dir="${article.lang === 'ar' ? 'rtl' : 'ltr'}">${article.title}</a>${article.urgent ? html` <span class="badge">${words.urgent}</span>` : ''}`,
            html`${topicList(article.topics, view.lang)}`,
          ]),
        })
      : ''
}
${view.audience ? audienceTable(view.lang, view.audience) : ''}
</section>
<section aria-labelledby="skip-heading"><h2 id="skip-heading">${words.skipTitle}</h2>
${view.nextFiring ? html`<p>${words.nextFiring}: ${time(view.nextFiring)}</p>` : ''}
${
  view.skipped
    ? html`<p>${words.skipped(view.skipped.text)}</p>${postButton({ action: consolePath(`${base}/unskip`), label: words.unskip, csrf: view.csrf })}`
    : view.canSkip
      ? html`<p>${words.skipBody}</p>${postButton({ action: consolePath(`${base}/skip`), label: words.skip, csrf: view.csrf })}`
      : html`<p>${words.cannotSkip}</p>`
}
</section>
<section aria-labelledby="note-heading"><h2 id="note-heading">${words.noteTitle}</h2>
<p>${words.noteBody}</p>
${view.noteError ?? ''}
${view.note.setAt ? html`<p>${words.noteSetAt(view.note.setAt.text)}</p>` : ''}
${missing ? html`<p class="warning">${words.noteOnlyOne(common.languageNames[missing])}</p>` : ''}
<form method="post" action="${consolePath(`${base}/note`)}">${csrfField(view.csrf)}
<p><label for="note-ar">${words.noteAr}</label><br><textarea id="note-ar" name="ar" rows="4" lang="ar" dir="rtl">${view.note.ar}</textarea></p>
<p><label for="note-en">${words.noteEn}</label><br><textarea id="note-en" name="en" rows="4" lang="en" dir="ltr">${view.note.en}</textarea></p>
<p><button type="submit">${words.saveNote}</button></p>
</form>
</section>
<section aria-labelledby="preview-heading"><h2 id="preview-heading">${words.previewTitle}</h2>
<p>${words.previewBody}</p>
<p>${view.preview.variants.map(
    (entry, index) =>
      html`${index > 0 ? ' · ' : ''}${
        entry.variant === view.preview.variant
          ? html`<strong aria-current="true">${common.variants[entry.variant]}</strong>`
          : html`<a href="${consoleLink(base, { variant: entry.variant })}">${common.variants[entry.variant]}</a>`
      }`,
  )}</p>
${
  previewed?.hasArticles
    ? html`<div class="previews">
<figure role="group" tabindex="0" aria-label="${words.phone}"><figcaption>${words.phone}</figcaption><iframe src="${frameUrl}" title="${words.previewOf(common.variants[view.preview.variant])} — ${words.phone}" width="375" height="720" sandbox loading="lazy"></iframe></figure>
<figure role="group" tabindex="0" aria-label="${words.desktop}"><figcaption>${words.desktop}</figcaption><iframe src="${frameUrl}" title="${words.previewOf(common.variants[view.preview.variant])} — ${words.desktop}" width="680" height="720" sandbox loading="lazy"></iframe></figure>
</div>`
    : html`<p>${view.window ? words.noArticleInVariant : ''}</p>`
}
</section>
<section aria-labelledby="test-heading"><h2 id="test-heading">${words.testTitle}</h2>
<p>${words.testBody(view.staffEmail)}</p>
${view.testError ?? ''}
<form method="post" action="${consolePath(`${base}/test`)}">${csrfField(view.csrf)}
<p><label for="test-variant">${words.variant}</label> <select id="test-variant" name="variant">${view.preview.variants.map(
    (entry) =>
      html`<option value="${entry.variant}"${entry.variant === view.preview.variant ? html` selected` : ''}>${common.variants[entry.variant]}</option>`,
  )}</select></p>
<p><button type="submit">${words.sendTest}</button></p>
</form>
</section>
<section aria-labelledby="send-heading"><h2 id="send-heading">${words.sendTitle}</h2>
<p><a href="${consolePath(`${base}/send`)}">${words.sendLink}</a></p>
</section>`;
}

/**
 * Asks before an issue goes out, stating its audience; when the schedule sent less than an hour ago,
 * the staff member must tick that they mean to send again.
 */
export function sendConfirmPage(input: {
  lang: Language;
  csrf: string;
  action: string;
  cancel: string;
  window?: { start: TimeText; end: TimeText };
  articles: number;
  audience?: AudienceView;
  recent?: { id: string; created: TimeText };
  error?: SafeHtml;
}): SafeHtml {
  const words = digestCopy[input.lang];
  const common = sectionCopy[input.lang];
  if (!input.audience || input.articles === 0)
    return html`${input.error ?? ''}<p>${words.confirmNothing}</p><p><a href="${input.cancel}">${common.back}</a></p>`;
  return html`${input.error ?? ''}
${input.window ? html`<p>${words.windowText(input.window.start.text, input.window.end.text)}</p>` : ''}
<p><strong>${words.confirmBody(copy[input.lang].articleCount(input.articles), common.readerCount(input.audience.total))}</strong></p>
${audienceTable(input.lang, input.audience)}
<form method="post" action="${input.action}">${csrfField(input.csrf)}
${
  input.recent
    ? html`<div class="warning" role="note"><p>${words.recent(input.recent.created.text, input.recent.id)}</p><label><input type="checkbox" name="again" value="on" required> ${words.again}</label></div>`
    : ''
}
<p><button type="submit">${words.send}</button> <a href="${input.cancel}">${common.cancel}</a></p>
</form>`;
}
