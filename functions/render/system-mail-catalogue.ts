import type { CompiledMail } from '../core/mail/compiled-mail';
import { type MailVariant, mailVariants } from '../core/mail/variant';
import type { MailRenderer, SystemMail, SystemMailInput } from '../core/ports';
import { cadenceSchema } from '../core/subscriber';

const systemMailKinds: readonly SystemMail[] = ['confirm', 'welcome', 'unsubscribed'];

/**
 * The key of one system mail in the catalogue. Only the welcome mail says the reader's cadence (what
 * comes next), so only its key carries one; the other kinds are the same mail whatever the cadence.
 */
export function systemMailKey(kind: SystemMail, variant: MailVariant, input: SystemMailInput = {}): string {
  return kind === 'welcome' ? `${kind} ${variant} ${input.cadence ?? ''}`.trimEnd() : `${kind} ${variant}`;
}

export interface SystemMailRequest {
  kind: SystemMail;
  variant: MailVariant;
  input: SystemMailInput;
}

/** Every distinct system mail a renderer can be asked for: each kind in each variant, the welcome mail per cadence and without one. */
export function everySystemMail(): SystemMailRequest[] {
  const inputs = [{}, ...cadenceSchema.options.map((cadence) => ({ cadence }))];
  return systemMailKinds.flatMap((kind) =>
    mailVariants.flatMap((variant): SystemMailRequest[] =>
      (kind === 'welcome' ? inputs : [{}]).map((input) => ({ kind, variant, input })),
    ),
  );
}

/**
 * Every system mail compiled by `renderer`, by key, in a stable order: what
 * functions/render/system-mails.compiled.json holds (written by `npm run compile:system-mails`), so
 * that the reader-facing function serves these mails without carrying MJML. A test compiles them
 * afresh and requires the file to be identical.
 */
export async function compileSystemMails(
  renderer: Pick<MailRenderer, 'renderSystemMail'>,
): Promise<Record<string, CompiledMail>> {
  const catalogue: Record<string, CompiledMail> = {};
  for (const { kind, variant, input } of everySystemMail()) {
    catalogue[systemMailKey(kind, variant, input)] = await renderer.renderSystemMail(kind, variant, input);
  }
  return catalogue;
}
