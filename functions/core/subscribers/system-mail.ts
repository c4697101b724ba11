import { type LinkSigner, linksFor } from '../link-token';
import { mailOneReader, variantHeaders } from '../mail/mail-one-reader';
import { placeholdersOf } from '../mail/personalise';
import { variantFor } from '../mail/variant';
import type { Clock, Mailer, MailRenderer, SystemMail } from '../ports';
import type { Subscriber } from '../subscriber';

export interface SystemMailDeps {
  renderer: MailRenderer;
  mailer: Mailer;
  signer: LinkSigner;
  clock: Clock;
  mail: { from: string; listId: string; unsubscribeMailto: string; baseUrl: string };
}

/**
 * Sends one system mail to one reader, in the reader's languages and order. The confirmation goes
 * out without list headers (composeOptInMime says why); the welcome and the unsubscribe notice carry
 * the one-click `List-Unsubscribe` and `List-Unsubscribe-Post` like every mail to a reader.
 */
export async function sendSystemMail(
  kind: SystemMail,
  subscriber: Subscriber,
  deps: SystemMailDeps,
): Promise<{ messageId: string }> {
  const now = deps.clock.now();
  const compiled = await deps.renderer.renderSystemMail(kind, variantFor(subscriber.languages), {
    cadence: subscriber.cadence,
  });
  const optIn = kind === 'confirm';
  const needed = placeholdersOf(compiled);
  const links = linksFor(
    deps.signer,
    deps.mail.baseUrl,
    subscriber,
    now,
    optIn ? needed : [...needed, 'unsubscribeUrl'],
  );
  return mailOneReader(
    {
      kind: optIn ? 'opt-in' : 'list',
      compiled,
      headers: variantHeaders(compiled, deps.mail, `${kind}:system:nashra`),
      tags: { kind },
    },
    { to: subscriber.email, links },
    { mailer: deps.mailer, now },
  );
}
