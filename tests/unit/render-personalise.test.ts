import { describe, expect, it } from 'vitest';
import type { CompiledMail } from '../../functions/core/mail/compiled-mail';
import { personalise, placeholdersOf } from '../../functions/core/mail/personalise';
import { plainTextOf } from '../../functions/render/plain-text';
import { escapeHtml } from '../../templates/escape';

function mail(body: string): CompiledMail {
  const html = `<!doctype html><html lang="en"><body>${body}</body></html>`;
  return { subject: 'S', preheader: 'P', html, text: plainTextOf(html), lang: 'en', contentLanguage: 'en' };
}

const compiled = mail(
  `<p>${escapeHtml('An article says {{unsubscribeUrl}}')}</p><p><a href="{{preferencesUrl}}">Preferences</a> · <a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
);
const links = {
  unsubscribeUrl: 'https://n.example/u?t=abc&v=1',
  preferencesUrl: 'https://n.example/p?t=abc',
};

describe('personalising a compiled mail', () => {
  it('fills each placeholder, escaped in the HTML and as it is in the text', () => {
    const filled = personalise(compiled, links);
    expect(filled.html).toContain('<a href="https://n.example/u?t=abc&amp;v=1">Unsubscribe</a>');
    expect(filled.text).toContain('Unsubscribe <https://n.example/u?t=abc&v=1>');
    expect(filled.text).toContain('Preferences <https://n.example/p?t=abc>');
    expect(filled.subject).toBe('S');
  });

  it('reads the placeholders a mail needs from the mail itself', () => {
    expect(placeholdersOf(compiled).sort()).toEqual(['preferencesUrl', 'unsubscribeUrl']);
  });

  it('never fills braces an article wrote', () => {
    const filled = personalise(compiled, links);
    expect(filled.html).toContain('An article says &#123;&#123;unsubscribeUrl&#125;&#125;');
    expect(filled.text).toContain('An article says {\u2060{unsubscribeUrl}}');
  });

  it('gives each recipient their own links from the same compiled mail', () => {
    const one = personalise(compiled, links);
    const two = personalise(compiled, { ...links, unsubscribeUrl: 'https://n.example/u?t=other' });
    expect(one.html).toContain('t=abc&amp;v=1');
    expect(two.html).toContain('https://n.example/u?t=other');
    expect(two.html).not.toContain('t=abc&amp;v=1');
  });

  it('refuses a missing link or one that is not an absolute http(s) URL', () => {
    expect(() => personalise(compiled, { unsubscribeUrl: links.unsubscribeUrl })).toThrow(
      /preferencesUrl must be an absolute http\(s\) URL/,
    );
    expect(() => personalise(compiled, { ...links, unsubscribeUrl: 'javascript:alert(1)' })).toThrow(
      /unsubscribeUrl/,
    );
    expect(() => personalise(compiled, { ...links, unsubscribeUrl: 'https://n.example/"><script>' })).toThrow(
      /unsubscribeUrl/,
    );
  });
});
