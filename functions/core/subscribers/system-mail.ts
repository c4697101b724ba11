import { type LinkSigner, subscriberLinks } from '../link-token';
import { composeMime, composeOptInMime } from '../mail/compose-mime';
import { personalise } from '../mail/personalise';
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

/** The way back after unsubscribing: a page (GET) whose button (POST) resubscribes; the unsubscribe token is its credential. */
export function resubscribeUrl(
  signer: LinkSigner,
  baseUrl: string,
  subscriber: Subscriber,
  now: Date,
): string {
  const token = signer.sign(
    { subscriberId: subscriber.id, purpose: 'unsubscribe', linkVersion: subscriber.linkVersion },
    now,
  );
  return `${baseUrl}/resubscribe/${token}`;
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
  const links = subscriberLinks(deps.signer, deps.mail.baseUrl, subscriber, now);
  const filled = personalise(compiled, {
    ...links,
    resubscribeUrl: resubscribeUrl(deps.signer, deps.mail.baseUrl, subscriber, now),
  });
  const common = {
    from: deps.mail.from,
    to: subscriber.email,
    subject: filled.subject,
    html: filled.html,
    text: filled.text,
    contentLanguage: compiled.contentLanguage,
    listId: deps.mail.listId,
    feedbackId: `${kind}:system:nashra`,
  };
  const raw =
    kind === 'confirm'
      ? await composeOptInMime(common)
      : await composeMime({
          ...common,
          unsubscribeUrl: links.unsubscribeUrl,
          unsubscribeMailto: deps.mail.unsubscribeMailto,
        });
  return deps.mailer.sendRaw({ from: deps.mail.from, to: subscriber.email, raw, tags: { kind } });
}
