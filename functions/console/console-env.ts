import type { Context, Hono } from 'hono';
import type { SafeHtml } from '../../templates/escape';
import type { Runtime } from '../runtime/runtime';

export interface StaffMember {
  id: string;
  email: string;
}
export type ConsoleEnv = { Variables: { staff: StaffMember; lang: 'ar' | 'en'; csrf: string } };
export interface AuditEntry {
  action: string;
  target?: { kind: 'schedule' | 'issue' | 'reader' | 'article' | 'staff' | 'import'; id: string };
  detail?: Record<string, string | number | boolean>;
}
export interface ConsolePageView {
  title: string;
  body: SafeHtml;
  section?: string;
  notice?: string;
  status?: number;
}
export interface ConsoleContext {
  runtime: Runtime;
  render(c: Context<ConsoleEnv>, view: ConsolePageView): Response;
  audit(c: Context<ConsoleEnv>, entry: AuditEntry): Promise<void>;
}
export interface ConsoleSection {
  path: string;
  nav: { ar: string; en: string };
  register(app: Hono<ConsoleEnv>, context: ConsoleContext): void;
}
