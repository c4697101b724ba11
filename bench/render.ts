import { MjmlRenderer } from '../functions/adapters/mjml-renderer';
import { LinkSigner, subscriberLinks } from '../functions/core/link-token';
import type { CompiledMail } from '../functions/core/mail/compiled-mail';
import { composeMime } from '../functions/core/mail/compose-mime';
import { MimeTemplate } from '../functions/core/mail/mime-template';
import { personalise } from '../functions/core/mail/personalise';
import { type MailVariant, mailVariants } from '../functions/core/mail/variant';
import { createMailRenderer } from '../functions/render/render-mail';
import { benchReader, fixtureWindow, tenPairedArticles } from './fixtures';
import { median, percentile, round } from './stats';

export interface RenderResult {
  /** Median per recipient of the real path: sign the links, fill them in, fill the MIME template. */
  perRecipientMicros: number;
  /** Median per recipient of compiling the MJML for each recipient, then filling and composing the MIME. */
  naivePerRecipientMicros: number;
  speedup: number;
  /** MJML compiles the real path made for one digest to readers of every variant. */
  compilesPerDigest: number;
  detail: {
    articles: number;
    recipients: number;
    naiveRecipients: number;
    p95Micros: number;
    signMicros: number;
    fillMicros: number;
    mimeMicros: number;
    /** Median of fill + MIME only (the goal's ≤ 100 µs). */
    fillAndMimeMicros: number;
    compileMsPerVariant: number;
    mimeBytesByVariant: Record<string, number>;
  };
}

const baseUrl = 'https://bulletin.nashra.example';
const mailHeaders = {
  from: 'Nashra <bulletin@nashra.example>',
  listId: 'bulletin.nashra.example',
  unsubscribeMailto: 'unsubscribe@nashra.example',
};

const micros = (start: bigint, end: bigint) => Number(end - start) / 1000;

/**
 * The real path against the naive one, on the same ten-article bilingual digest in the same run.
 * Real: each variant compiled once (and its MIME template built once); per recipient, signed links,
 * `personalise` and `MimeTemplate.forRecipient`. Naive: per recipient, `renderDigest` (an MJML
 * compile), `personalise` and a full `composeMime`.
 */
export async function measureRender(options: {
  recipients: number;
  naiveRecipients: number;
}): Promise<RenderResult> {
  const signer = new LinkSigner('bench-signing-key-0123456789abcdef0123456789');
  const now = new Date();
  const issueId = 'weekly-20140131T000000Z';
  const compiler = new MjmlRenderer();
  const renderer = createMailRenderer({ compiler, baseUrl, timeZone: 'Asia/Baghdad' });
  const headersOf = (compiled: CompiledMail) => ({
    ...mailHeaders,
    subject: compiled.subject,
    contentLanguage: compiled.contentLanguage,
    feedbackId: `${issueId}:digest:nashra`,
  });

  // The real path's one-time work: one compile and one MIME skeleton per variant.
  const compileStart = process.hrtime.bigint();
  const prepared = new Map<MailVariant, { compiled: CompiledMail; mime: MimeTemplate }>();
  for (const variant of mailVariants) {
    const compiled = await renderer.renderDigest({
      issueId,
      variant,
      articles: tenPairedArticles,
      window: fixtureWindow,
    });
    prepared.set(variant, { compiled, mime: await MimeTemplate.build(headersOf(compiled)) });
  }
  const compileMsPerVariant = micros(compileStart, process.hrtime.bigint()) / 1000 / mailVariants.length;
  const compilesPerDigest = compiler.compileCount;

  const runTag = 'render';
  const real = () => {
    const total: number[] = [];
    const sign: number[] = [];
    const fill: number[] = [];
    const mime: number[] = [];
    const bytes = new Map<string, number[]>();
    for (let n = 0; n < options.recipients; n++) {
      const reader = benchReader(n, runTag);
      const variant = reader.languages.join('+') as MailVariant;
      const { compiled, mime: template } = prepared.get(variant) as {
        compiled: CompiledMail;
        mime: MimeTemplate;
      };
      const t0 = process.hrtime.bigint();
      const links = subscriberLinks(signer, baseUrl, reader, now);
      const t1 = process.hrtime.bigint();
      const personal = personalise(compiled, links);
      const t2 = process.hrtime.bigint();
      const raw = template.forRecipient(
        { to: reader.email, unsubscribeUrl: links.unsubscribeUrl, html: personal.html, text: personal.text },
        now,
      );
      const t3 = process.hrtime.bigint();
      total.push(micros(t0, t3));
      sign.push(micros(t0, t1));
      fill.push(micros(t1, t2));
      mime.push(micros(t2, t3));
      const sizes = bytes.get(variant) ?? [];
      sizes.push(raw.length);
      bytes.set(variant, sizes);
    }
    return { total, sign, fill, mime, bytes };
  };
  // A first pass lets the JIT settle; the second is the one measured.
  real();
  const measured = real();

  const naiveCompiler = new MjmlRenderer();
  const naiveRenderer = createMailRenderer({ compiler: naiveCompiler, baseUrl, timeZone: 'Asia/Baghdad' });
  const naiveOne = async (n: number) => {
    const reader = benchReader(n, runTag);
    const variant = reader.languages.join('+') as MailVariant;
    const t0 = process.hrtime.bigint();
    const compiled = await naiveRenderer.renderDigest({
      issueId,
      variant,
      articles: tenPairedArticles,
      window: fixtureWindow,
    });
    const links = subscriberLinks(signer, baseUrl, reader, now);
    const personal = personalise(compiled, links);
    await composeMime({
      ...headersOf(compiled),
      to: reader.email,
      unsubscribeUrl: links.unsubscribeUrl,
      html: personal.html,
      text: personal.text,
    });
    return micros(t0, process.hrtime.bigint());
  };
  for (let n = 0; n < 4; n++) await naiveOne(n);
  const naive: number[] = [];
  for (let n = 0; n < options.naiveRecipients; n++) naive.push(await naiveOne(n));

  const perRecipientMicros = median(measured.total);
  const naivePerRecipientMicros = median(naive);
  const fillAndMime = measured.fill.map((value, index) => value + (measured.mime[index] as number));
  return {
    perRecipientMicros: round(perRecipientMicros),
    naivePerRecipientMicros: round(naivePerRecipientMicros),
    speedup: round(naivePerRecipientMicros / perRecipientMicros, 0),
    compilesPerDigest,
    detail: {
      articles: tenPairedArticles.length,
      recipients: options.recipients,
      naiveRecipients: options.naiveRecipients,
      p95Micros: round(percentile(measured.total, 95)),
      signMicros: round(median(measured.sign)),
      fillMicros: round(median(measured.fill)),
      mimeMicros: round(median(measured.mime)),
      fillAndMimeMicros: round(median(fillAndMime)),
      compileMsPerVariant: round(compileMsPerVariant),
      mimeBytesByVariant: Object.fromEntries(
        [...measured.bytes].map(([variant, sizes]) => [variant, Math.round(median(sizes))]),
      ),
    },
  };
}
