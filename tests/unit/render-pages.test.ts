import { describe, expect, it } from 'vitest';
import { copy } from '../../templates/copy';
import { html, trusted } from '../../templates/escape';
import { inLanguage, renderPage } from '../../templates/pages/layout';
import { errorPage, preferencesPage, unsubscribePage } from '../../templates/pages/pages';
import { samplePages } from '../../templates/pages/samples';
import { elements, textDirectionProblems } from '../support/mail-dom';

describe('the page layout', () => {
  it('escapes every interpolated value, in the title and in the body', () => {
    const hostile = '<script>alert("x")</script>';
    const page = renderPage({
      lang: 'en',
      title: hostile,
      body: html`<p>${hostile}</p><a href="${hostile}">x</a>`,
    });
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('inserts SafeHtml as it is and nothing for false, null or undefined', () => {
    expect(
      html`<p>${trusted('<b>bold</b>')}${false}${null}${undefined}${['a', trusted('<i>b</i>')]}</p>`.value,
    ).toBe('<p><b>bold</b>a<i>b</i></p>');
  });

  it('puts the reader’s language and direction on <html> and marks the other language’s parts', () => {
    const page = renderPage({ lang: 'ar', title: 'عنوان', body: inLanguage('en', html`English words`) });
    expect(elements(page, 'html')[0]).toMatchObject({ lang: 'ar', dir: 'rtl' });
    expect(textDirectionProblems(page)).toEqual([]);
    expect(page).toContain(copy.en.organisation);
  });

  it.each(Object.keys(samplePages))(
    'renders the %s page in both languages with every text marked, no script and no third-party asset',
    (name) => {
      for (const lang of ['ar', 'en'] as const) {
        const page = samplePages[name]?.(lang) ?? '';
        expect(textDirectionProblems(page)).toEqual([]);
        expect(elements(page, 'script')).toEqual([]);
        expect(elements(page, 'link')).toEqual([]);
        expect(elements(page, 'img')).toEqual([]);
      }
    },
  );

  it('makes unsubscribing a POST form and escapes its action', () => {
    const page = unsubscribePage({ lang: 'en', action: 'https://n.example/unsubscribe?t=a&v=1' });
    expect(elements(page, 'form')[0]).toMatchObject({
      method: 'post',
      action: 'https://n.example/unsubscribe?t=a&v=1',
    });
    expect(page).toContain('action="https://n.example/unsubscribe?t=a&amp;v=1"');
  });

  it('fills the preferences form with the reader’s values and escapes topic names', () => {
    const page = preferencesPage({
      lang: 'en',
      action: 'https://n.example/p',
      values: { languages: ['en'], cadence: 'daily', topics: ['t"1'], urgentAlerts: false, paused: true },
      topics: [{ id: 't"1', label: { ar: 'موضوع', en: '<Water>' } }],
    });
    const inputs = elements(page, 'input');
    expect(inputs.filter((input) => 'checked' in input).map((input) => input.value)).toEqual([
      'en',
      'daily',
      't"1',
      'on',
    ]);
    expect(page).toContain('&lt;Water&gt;');
  });

  it('speaks both languages on an error page when the reader’s language is unknown', () => {
    const page = errorPage({ status: 404 });
    expect(page).toContain('Page not found');
    expect(page).toContain('الصفحة غير موجودة');
    expect(errorPage({ status: 404, lang: 'ar' })).not.toContain('Page not found');
  });
});

describe('Arabic counts', () => {
  it('agree with the number', () => {
    expect([1, 2, 3, 10, 11, 100].map((n) => copy.ar.articleCount(n))).toEqual([
      'مقال واحد',
      'مقالان',
      '3 مقالات',
      '10 مقالات',
      '11 مقالاً',
      '100 مقال',
    ]);
    expect(copy.en.articleCount(1)).toBe('1 article');
  });
});
