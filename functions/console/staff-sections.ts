import type { SendQuota } from '../core/overview';
import type { ConsoleSection } from './console-env';
import { articlesSection } from './sections/articles';
import { digestSection } from './sections/digest';
import { issuesSection } from './sections/issues';
import { overviewSection } from './sections/overview';
import { readersSection } from './sections/readers';
import { schedulesSection } from './sections/schedules';

export interface StaffSectionOptions {
  /**
   * Where the overview reads the sending quota used: on a stage `sesSendQuota` (adapters/ses-account),
   * in local mode `outboxSendQuota` (local/outbox-quota). Absent: the overview says it is not known.
   */
  quota?: SendQuota;
}

/**
 * The staff's sections of the console, in the order of its navigation: what the shell mounts under
 * /console (each registers its own routes; the shell has checked the session and the CSRF token).
 */
export function staffSections(options: StaffSectionOptions = {}): ConsoleSection[] {
  return [
    overviewSection(options.quota ? { quota: options.quota } : {}),
    articlesSection(),
    schedulesSection(),
    digestSection(),
    issuesSection(),
    readersSection(),
  ];
}
