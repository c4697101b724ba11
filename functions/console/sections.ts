import { auditSection } from './audit-section';
import type { ConsoleSection } from './console-env';
import { overviewSection } from './overview-section';

/** The console's sections, in the navigation's order: what `nashra dev` and the console function serve. */
export const consoleSections: ConsoleSection[] = [overviewSection, auditSection];
