import { Hono } from 'hono';
import type {
  AuditEntry,
  ConsoleContext,
  ConsoleEnv,
  ConsoleSection,
  StaffMember,
} from '../../functions/console/console-env';
import type { Runtime } from '../../functions/runtime/runtime';
import { consoleBase, sectionStyles } from '../../templates/console/ui';
import { escapeHtml } from '../../templates/escape';

export interface HarnessOptions {
  lang?: 'ar' | 'en';
  staff?: StaffMember;
}

export interface ConsoleHarness {
  app: Hono;
  /** Every audit entry the sections wrote, in order, with the staff member it was written for. */
  audits: Array<AuditEntry & { staff: string }>;
  csrf: string;
  /** The language of the next requests (the shell's switch). */
  setLanguage(lang: 'ar' | 'en'): void;
  get(path: string): Promise<Response>;
  /** A form POST (URL-encoded), with the CSRF token added unless `csrf: false`. */
  post(
    path: string,
    fields?: Record<string, string | string[]>,
    options?: { csrf?: boolean },
  ): Promise<Response>;
  /** A multipart POST (a file upload), with the CSRF token. */
  upload(
    path: string,
    fields: Record<string, string | Blob>,
    file: { name: string; content: string; filename: string },
  ): Promise<Response>;
}

/**
 * A TEST HARNESS, not the console. It stands in for the shell (another branch: sign-in, sessions,
 * CSRF, layout, language switch, audit log) so the staff sections can be tested through their routes:
 * it mounts the sections on a `Hono<ConsoleEnv>` under /console, sets a fixed staff member, language
 * and CSRF token by middleware, refuses a POST whose `_csrf` field is missing or wrong (403, as the
 * shell does before a handler runs), renders each page into a minimal HTML document with the
 * sections' styles, and records audit entries in memory.
 */
export function consoleHarness(
  runtime: Runtime,
  sections: ConsoleSection[],
  options: HarnessOptions = {},
): ConsoleHarness {
  const staff: StaffMember = options.staff ?? { id: 'staff-sub-0001', email: 'editor@icssi.example' };
  const csrf = 'csrf-token-of-this-session';
  let lang: 'ar' | 'en' = options.lang ?? 'en';
  const audits: ConsoleHarness['audits'] = [];

  const consoleApp = new Hono<ConsoleEnv>();
  consoleApp.use('*', async (c, next) => {
    c.set('staff', staff);
    c.set('lang', lang);
    c.set('csrf', csrf);
    if (c.req.method === 'POST') {
      const body = await c.req.parseBody({ all: true });
      if (body._csrf !== csrf) return c.text('CSRF token missing or wrong', 403);
    }
    await next();
  });

  const context: ConsoleContext = {
    runtime,
    render(c, view) {
      const nav = sections
        .map(
          (section) =>
            `<a href="${consoleBase}${section.path}"${section.path === view.section ? ' aria-current="page"' : ''}>${escapeHtml(section.nav[lang])}</a>`,
        )
        .join(' ');
      const notice = view.notice ? `<p class="notice" role="status">${escapeHtml(view.notice)}</p>` : '';
      const page = `<!doctype html><html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(view.title)}</title><style>${sectionStyles}</style></head><body><nav aria-label="console">${nav}</nav><main id="main"><h1>${escapeHtml(view.title)}</h1>${notice}${view.body.value}</main></body></html>`;
      return c.html(page, (view.status ?? 200) as 200);
    },
    async audit(c, entry) {
      audits.push({ ...entry, staff: c.get('staff').id });
    },
  };
  for (const section of sections) section.register(consoleApp, context);

  const app = new Hono();
  app.route(consoleBase, consoleApp);
  const url = (path: string) => `http://console.test${consoleBase}${path}`;

  return {
    app,
    audits,
    csrf,
    setLanguage(next) {
      lang = next;
    },
    get: (path) => Promise.resolve(app.request(url(path))),
    async post(path, fields = {}, postOptions = {}) {
      const body = new URLSearchParams();
      if (postOptions.csrf !== false) body.append('_csrf', csrf);
      for (const [name, value] of Object.entries(fields))
        for (const item of [value].flat()) body.append(name, item);
      return app.request(url(path), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      });
    },
    async upload(path, fields, file) {
      const form = new FormData();
      form.append('_csrf', csrf);
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      form.append(file.name, new Blob([file.content], { type: 'text/csv' }), file.filename);
      return app.request(url(path), { method: 'POST', body: form });
    },
  };
}
