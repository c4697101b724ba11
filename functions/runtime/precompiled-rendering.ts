import * as z from 'zod';
import { type CompiledMail, compiledMailSchema } from '../core/mail/compiled-mail';
import type { MailRenderer } from '../core/ports';
import { systemMailKey } from '../render/system-mail-catalogue';
import { RuntimeError } from './runtime';

const catalogueSchema = z.record(z.string(), compiledMailSchema);
let catalogue: Record<string, CompiledMail> | undefined;

/**
 * Mail of the reader-facing function (http-api): the confirmation, the welcome mail and the
 * unsubscribe notice, served from functions/render/system-mails.compiled.json, which
 * `npm run compile:system-mails` compiles from the same MJML and words as every other process (a unit
 * test holds the two identical). So that function's bundle carries no MJML and starts fast. It never
 * sends a digest or an alert: those are refused here, and rendered by the functions that send them.
 */
export function precompiledMailRenderer(): MailRenderer {
  const refuse = (what: string) =>
    Promise.reject(
      new RuntimeError(`this process serves precompiled system mails only: it renders no ${what}`),
    );
  return {
    renderDigest: () => refuse('digest'),
    renderAlert: () => refuse('alert'),
    async renderSystemMail(kind, variant, input) {
      // Loaded on the first system mail rather than at a cold start: most requests send none.
      catalogue ??= catalogueSchema.parse((await import('../render/system-mails.compiled.json')).default);
      const key = systemMailKey(kind, variant, input);
      const compiled = catalogue[key];
      if (!compiled)
        throw new RuntimeError(`no precompiled system mail "${key}": run npm run compile:system-mails`);
      return compiled;
    },
  };
}
