import type { SendQuota } from '../core/overview';
import { auditSection } from './audit-section';
import type { ConsoleSection } from './console-env';
import { articlesSection } from './sections/articles';
import { digestSection } from './sections/digest';
import { issuesSection } from './sections/issues';
import { overviewSection } from './sections/overview';
import { readersSection } from './sections/readers';
import { schedulesSection } from './sections/schedules';

export interface ConsoleSectionOptions {
  /**
   * Where the overview reads the sending quota used: on a stage `sesSendQuota` (adapters/ses-account),
   * in local mode `outboxSendQuota` (local/outbox-quota). Absent: the overview says it is not known.
   */
  quota?: SendQuota;
}

/**
 * The console's sections, in the navigation's order: what `nashra dev` and the console function
 * mount under /console, each registering its own routes behind the shell's session and CSRF checks.
 */
export function consoleSections(options: ConsoleSectionOptions = {}): ConsoleSection[] {
  return [
    overviewSection(options.quota ? { quota: options.quota } : {}),
    articlesSection(),
    schedulesSection(),
    digestSection(),
    issuesSection(),
    readersSection(),
    auditSection,
  ];
}
