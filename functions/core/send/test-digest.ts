import type { Language } from '../article';
import { ValidationError } from '../errors';
import { type LinkSigner, subscriberLinks } from '../link-token';
import { composeMime } from '../mail/compose-mime';
import { personalise } from '../mail/personalise';
import type { MailVariant } from '../mail/variant';
import type { Clock, Mailer, MailRenderer, RenderedMail } from '../ports';
import type { Schedule } from '../schedule';
import { normaliseEmail } from '../subscriber';
import type { DigestPlan } from './send-digest';

export interface TestDigestDeps {
  renderer: MailRenderer;
  mailer: Mailer;
  signer: LinkSigner;
  clock: Clock;
  mail: { from: string; listId: string; unsubscribeMailto: string; baseUrl: string };
}

/** The issue id a test mail and a preview are rendered under: never a real issue's. */
export const testIssueId = (scheduleName: string) => `test-${scheduleName}`;

/**
 * The next digest of a schedule in one variant, as its readers of that variant would get it: the
 * plan's articles in the variant's languages, and the schedule's editor's note (left on the schedule).
 * A ValidationError when no article of the plan is in the variant's languages.
 */
export async function renderNextDigest(
  schedule: Pick<Schedule, 'name' | 'note'>,
  plan: Pick<DigestPlan, 'articles' | 'window'>,
  variant: MailVariant,
  deps: Pick<TestDigestDeps, 'renderer'>,
): Promise<RenderedMail> {
  if (plan.articles.length === 0)
    throw new ValidationError('nothing new in the window: there is no digest to show');
  return deps.renderer.renderDigest({
    issueId: testIssueId(schedule.name),
    variant,
    articles: plan.articles,
    window: plan.window,
    ...(schedule.note ? { note: { ar: schedule.note.ar, en: schedule.note.en } } : {}),
  });
}

/**
 * One test mail of a schedule's next digest, in one variant, marked `[TEST]`, to one address (staff's
 * own): not an issue, nothing recorded, the schedule's window and note untouched. Its personal links
 * are signed for no reader, so they lead nowhere. Returns the mail service's message id.
 */
export async function sendTestDigest(
  schedule: Pick<Schedule, 'name' | 'note'>,
  plan: Pick<DigestPlan, 'articles' | 'window'>,
  request: { to: string; variant: MailVariant },
  deps: TestDigestDeps,
): Promise<{ messageId: string; to: string; variant: MailVariant; articles: number; lang: Language }> {
  const compiled = await renderNextDigest(schedule, plan, request.variant, deps);
  const to = normaliseEmail(request.to);
  const links = subscriberLinks(
    deps.signer,
    deps.mail.baseUrl,
    { id: 'test-send', linkVersion: 1 },
    deps.clock.now(),
  );
  const mail = personalise(compiled, links);
  const raw = await composeMime({
    from: deps.mail.from,
    to,
    subject: `[TEST] ${mail.subject}`,
    html: mail.html,
    text: mail.text,
    contentLanguage: compiled.contentLanguage,
    listId: deps.mail.listId,
    unsubscribeUrl: links.unsubscribeUrl,
    unsubscribeMailto: deps.mail.unsubscribeMailto,
    feedbackId: `${testIssueId(schedule.name)}:test:nashra`,
  });
  const { messageId } = await deps.mailer.sendRaw({ from: deps.mail.from, to, raw });
  return { messageId, to, variant: request.variant, articles: compiled.articles, lang: compiled.lang };
}
