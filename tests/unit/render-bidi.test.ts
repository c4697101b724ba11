import { describe, expect, it } from 'vitest';
import { isolateForeignRuns } from '../../functions/render/bidi';

describe('bidi isolation of the other script', () => {
  it('isolates Latin names inside Arabic text, in place', () => {
    expect(isolateForeignRuns('وهو الرئيس التنفيذي لشركة ايجيس  Aegis للخدمات الدفاعية', 'ar')).toBe(
      'وهو الرئيس التنفيذي لشركة ايجيس  <span dir="ltr" lang="en">Aegis</span> للخدمات الدفاعية',
    );
    expect(isolateForeignRuns('ساندلاين الدولية Sandline International ، وهي شركة', 'ar')).toBe(
      'ساندلاين الدولية <span dir="ltr" lang="en">Sandline International</span> ، وهي شركة',
    );
  });

  it('leaves the sentence’s own punctuation and digits in the Arabic flow', () => {
    expect(isolateForeignRuns('من هي شركة Aegis؟ في عام 2003.', 'ar')).toBe(
      'من هي شركة <span dir="ltr" lang="en">Aegis</span>؟ في عام 2003.',
    );
    expect(isolateForeignRuns('شركة Aegis.', 'ar')).toBe('شركة <span dir="ltr" lang="en">Aegis</span>.');
  });

  it('isolates Arabic words inside English text', () => {
    expect(isolateForeignRuns('The governor of البصرة said so.', 'en')).toBe(
      'The governor of <span dir="rtl" lang="ar">البصرة</span> said so.',
    );
  });

  it('escapes the text around and inside the runs, never matching letters of an entity', () => {
    expect(isolateForeignRuns('خبر <b>&{{x}}', 'ar')).toBe(
      'خبر &lt;<span dir="ltr" lang="en">b</span>&gt;&amp;&#123;&#123;<span dir="ltr" lang="en">x</span>&#125;&#125;',
    );
    expect(isolateForeignRuns('AT&T <script>', 'en')).toBe('AT&amp;T &lt;script&gt;');
  });
});
