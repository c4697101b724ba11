import type { Language } from './article';
import { NotFoundError } from './errors';
import type { Issue } from './issue';
import type { CompiledMail } from './mail/compiled-mail';
import { languagesOf, type MailVariant, mailVariants } from './mail/variant';
import type { IssueRepo } from './ports';

/**
 * The public archive: every issue that went out has a copy per variant it was rendered in, at
 * `/issues/{id}/{variant}` (the view-in-browser link of its mails). A copy is the stored compiled
 * variant itself, never rendered again, with the reader's own links taken out (templates/pages/
 * archive-page.ts).
 */

/** The public archive copy of an issue in one variant: `/issues/{issueId}/{variant}`. Carries no token. */
export function archivePath(issueId: string, variant: MailVariant): string {
  return `/issues/${encodeURIComponent(issueId)}/${variant}`;
}

/** Issues with something to show: rendered into at least one variant, and not an alert still held. */
export function isPublic(issue: Issue): boolean {
  return issue.variantKeys.length > 0 && issue.status !== 'held';
}

/** The variants an issue was rendered in (a variant may have several keys: readers' topics differ). */
export function variantsOf(issue: Issue): MailVariant[] {
  return mailVariants.filter((variant) => issue.variantKeys.some((key) => key.startsWith(`${variant}.`)));
}

/**
 * The variant to show for a request: the one asked for if the issue has it; for a plain language
 * (`ar`, `en`) whose own variant it lacks, a bilingual one that starts with that language, then the
 * other. Undefined when the issue has none of these.
 */
export function variantToShow(issue: Issue, requested: MailVariant): MailVariant | undefined {
  const rendered = variantsOf(issue);
  if (rendered.includes(requested)) return requested;
  const [lang, other] = languagesOf(requested);
  if (other) return undefined;
  const otherLang: Language = lang === 'ar' ? 'en' : 'ar';
  const bilingual: MailVariant[] = [
    `${lang}+${otherLang}` as MailVariant,
    `${otherLang}+${lang}` as MailVariant,
  ];
  return bilingual.find((variant) => rendered.includes(variant));
}

export interface ArchiveCopy {
  issue: Issue;
  variant: MailVariant;
  mail: CompiledMail;
}

/**
 * The stored copy of one issue in one variant. Where readers' topics made several renders of the
 * variant, the fullest one (the most articles: the longest) is the public copy. NotFoundError for an
 * unknown issue, a held alert, or a variant it does not have.
 */
export async function archiveCopy(
  issueId: string,
  requested: MailVariant,
  deps: { issues: IssueRepo },
): Promise<ArchiveCopy> {
  const issue = await deps.issues.get(issueId);
  if (!issue || !isPublic(issue)) throw new NotFoundError('no such issue');
  const variant = variantToShow(issue, requested);
  const mail = variant ? await fullestCopy(issue, variant, deps) : undefined;
  if (!variant || !mail) throw new NotFoundError(`issue ${issueId} has no ${requested} copy`);
  return { issue, variant, mail };
}

async function fullestCopy(
  issue: Issue,
  variant: MailVariant,
  deps: { issues: IssueRepo },
): Promise<CompiledMail | undefined> {
  const stored = await Promise.all(
    issue.variantKeys
      .filter((key) => key.startsWith(`${variant}.`))
      .map((key) => deps.issues.getVariant(issue.id, key)),
  );
  return stored
    .filter((candidate): candidate is CompiledMail => candidate !== undefined)
    .sort((a, b) => b.html.length - a.html.length)[0];
}

export interface ArchiveEntry {
  issue: Issue;
  /** Per language, the variant its link opens and that copy's subject. */
  copies: Array<{ lang: Language; variant: MailVariant; subject: string }>;
}

/**
 * One page of the archive, newest first: each public issue with a copy per language it can be read
 * in. `cursor` continues from an earlier page.
 */
export async function listArchive(
  page: { limit: number; cursor?: string },
  deps: { issues: IssueRepo },
): Promise<{ entries: ArchiveEntry[]; cursor?: string }> {
  const { issues, cursor } = await deps.issues.list(page);
  const entries: ArchiveEntry[] = [];
  for (const issue of issues.filter(isPublic)) {
    const copies: ArchiveEntry['copies'] = [];
    for (const lang of ['ar', 'en'] as const) {
      const variant = variantToShow(issue, lang);
      const mail = variant ? await fullestCopy(issue, variant, deps) : undefined;
      if (!variant || !mail) continue;
      copies.push({ lang, variant, subject: subjectIn(mail.subject, variant, lang) });
    }
    entries.push({ issue, copies });
  }
  return { entries, ...(cursor ? { cursor } : {}) };
}

/** A bilingual subject is both languages joined by ` | `: this language's half where it splits cleanly. */
function subjectIn(subject: string, variant: MailVariant, lang: Language): string {
  const languages = languagesOf(variant);
  const halves = subject.split(' | ');
  if (languages.length === 1 || halves.length !== 2) return subject;
  return halves[languages.indexOf(lang)] ?? subject;
}
