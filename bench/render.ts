import { MjmlRenderer } from '../functions/adapters/mjml-renderer';
import { LinkSigner, linksFor } from '../functions/core/link-token';
import type { CompiledMail } from '../functions/core/mail/compiled-mail';
import { composeMime } from '../functions/core/mail/compose-mime';
import { variantHeaders } from '../functions/core/mail/mail-one-reader';
import { MimeTemplate } from '../functions/core/mail/mime-template';
import { personalise, placeholdersOf } from '../functions/core/mail/personalise';
import { type MailVariant, mailVariants } from '../functions/core/mail/variant';
import { createMailRenderer } from '../functions/render/render-mail';
import { benchReader, fixtureWindow, tenPairedArticles } from './fixtures';
import { median, percentile, round } from './stats';

export interface RenderResult {
  /** Median per recipient of the real path: sign the links, then the variant's MIME template filled. */
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
    /** Median of signing the reader's links (the ones the mail holds). */
    signMicros: number;
    linksSigned: number;
    /** Median of filling the links in and building the MIME, one step now (the goal's ≤ 20 µs). */
    fillAndMimeMicros: number;
    compileMsPerVariant: number;
    mimeBytesByVariant: Record<string, number>;
  };
}

const baseUrl = 'https://bulletin.nashra.example';
const mailSettings = {
  from: 'ICSSI نشرة <bulletin@nashra.example>',
  listId: 'bulletin.nashra.example',
  unsubscribeMailto: 'unsubscribe@nashra.example',
};

const micros = (start: bigint, end: bigint) => Number(end - start) / 1000;

/**
 * The real path against the naive one, on the same ten-article bilingual digest in the same run.
 * Real, as the sender does it (mailOneReader with the variant's template): each variant compiled once
 * and its MIME template built once; per recipient, the links the mail holds signed (`linksFor`) and
 * `MimeTemplate.forReader` (the links filled into the pre-encoded bodies, the reader's headers).
 * Naive: per recipient, `renderDigest` (an MJML compile), the same signing, `personalise` and a full
 * `composeMime`.
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
  const headersOf = (compiled: CompiledMail) =>
    variantHeaders(compiled, mailSettings, `${issueId}:digest:nashra`);
  const linksOf = (compiled: CompiledMail) => [...new Set([...placeholdersOf(compiled), 'unsubscribeUrl'])];

  // The real path's one-time work: one compile and one MIME skeleton per variant.
  const compileStart = process.hrtime.bigint();
  const prepared = new Map<MailVariant, { mime: MimeTemplate; links: string[] }>();
  for (const variant of mailVariants) {
    const compiled = await renderer.renderDigest({
      issueId,
      variant,
      articles: tenPairedArticles,
      window: fixtureWindow,
    });
    prepared.set(variant, {
      mime: await MimeTemplate.build(compiled, headersOf(compiled)),
      links: linksOf(compiled),
    });
  }
  const compileMsPerVariant = micros(compileStart, process.hrtime.bigint()) / 1000 / mailVariants.length;
  const compilesPerDigest = compiler.compileCount;

  const runTag = 'render';
  const real = () => {
    const total: number[] = [];
    const sign: number[] = [];
    const fillAndMime: number[] = [];
    const bytes = new Map<string, number[]>();
    let linksSigned = 0;
    for (let n = 0; n < options.recipients; n++) {
      const reader = benchReader(n, runTag);
      const variant = reader.languages.join('+') as MailVariant;
      const { mime: template, links: needed } = prepared.get(variant) as {
        mime: MimeTemplate;
        links: string[];
      };
      const t0 = process.hrtime.bigint();
      const links = linksFor(signer, baseUrl, reader, now, needed);
      const t1 = process.hrtime.bigint();
      const raw = template.forReader(reader.email, links, now);
      const t2 = process.hrtime.bigint();
      total.push(micros(t0, t2));
      sign.push(micros(t0, t1));
      fillAndMime.push(micros(t1, t2));
      linksSigned = Object.keys(links).length;
      const sizes = bytes.get(variant) ?? [];
      sizes.push(raw.length);
      bytes.set(variant, sizes);
    }
    return { total, sign, fillAndMime, bytes, linksSigned };
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
    const links = linksFor(signer, baseUrl, reader, now, linksOf(compiled));
    const personal = personalise(compiled, links);
    await composeMime({
      ...headersOf(compiled),
      to: reader.email,
      unsubscribeUrl: links.unsubscribeUrl as string,
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
      linksSigned: measured.linksSigned,
      fillAndMimeMicros: round(median(measured.fillAndMime)),
      compileMsPerVariant: round(compileMsPerVariant),
      mimeBytesByVariant: Object.fromEntries(
        [...measured.bytes].map(([variant, sizes]) => [variant, Math.round(median(sizes))]),
      ),
    },
  };
}
