import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleCopy } from '../../templates/console/console-copy';
import { digestCopy } from '../../templates/console/digest-copy';
import { issuesCopy } from '../../templates/console/issues-copy';
import { readersCopy } from '../../templates/console/readers-copy';
import { schedulesCopy } from '../../templates/console/schedules-copy';
import { sectionCopy } from '../../templates/console/section-copy';
import {
  type BrowserConsole,
  openBrowserConsole,
  saveWaterStatements,
  screenshots,
} from '../support/browser-console';
import { seedSubscribers } from '../support/seed';
import { reader, readOutbox, type TestStack } from '../support/test-stack';

/** How long to wait for what arrives after a page (a preview frame, a mail in the outbox) on a busy machine. */
const pollMs = 30_000;
const password = 'Browser-week-2026!';
const staffEmail = (lang: 'ar' | 'en') => `week-${lang}@nashra.example`;
/** The readers each language's week changes and erases (each run has its own: an erased one is gone). */
const changedReader = (lang: 'ar' | 'en') => `change-${lang}@readers.example`;
const erasedReader = (lang: 'ar' | 'en') => `erase-${lang}@readers.example`;

let browser: Browser;
let t: TestStack;
let base: string;
let opened: BrowserConsole | undefined;

beforeAll(async () => {
  opened = await openBrowserConsole(
    (['ar', 'en'] as const).map((lang) => ({ email: staffEmail(lang), password })),
  );
  ({ t, base, browser } = opened);
  await seedNews();
}, 120_000);

afterAll(() => opened?.close());

/** Articles of this week in both languages, and weekly readers, some of whom staff will change or erase. */
async function seedNews() {
  await saveWaterStatements(t);
  await seedSubscribers(t.db, t.stack.config.tables.subscribers, [
    ...Array.from({ length: 4 }, (_, index) => reader({ languages: index % 2 ? ['ar', 'en'] : ['ar'] })),
    ...(['ar', 'en'] as const).flatMap((lang) => [
      reader({ email: changedReader(lang), languages: [lang] }),
      reader({ email: erasedReader(lang), languages: [lang] }),
    ]),
  ]);
}

/**
 * The page's promises wherever it is: no serious or critical axe finding, its language and direction,
 * no script, no sideways scroll.
 */
async function expectPageIn(page: Page, lang: 'ar' | 'en') {
  // The digest's preview frames run sandboxed without script, so axe cannot run inside them: the mails
  // themselves are checked with axe in templates.test.ts.
  const axe = await new AxeBuilder({ page }).exclude('iframe').analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
  ).toEqual([]);
  expect(await page.getAttribute('html', 'lang')).toBe(lang);
  expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
  expect(await page.locator('script').count()).toBe(0);
  const width = page.viewportSize()?.width ?? 0;
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
}

const h1 = (page: Page) => page.locator('h1').textContent();
const notice = (page: Page) => page.locator('main .notice').textContent();
const mainText = async (page: Page) => (await page.locator('main').textContent()) ?? '';

describe.each(['ar', 'en'] as const)('a staff week in the %s console, through its forms', (lang) => {
  it('signs in, adds a schedule, previews, notes, tests and sends its issue, reads the report, imports, changes and erases readers, and finds it all in the audit log', {
    // Sixteen pages, each checked with axe and photographed at two widths: over two minutes on a shared
    // two-core machine.
    timeout: 480_000,
  }, async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const shot = async (name: string) => {
      for (const width of [375, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await expectPageIn(page, lang);
        await page.screenshot({
          path: join(screenshots, `week-${lang}-${name}-${width}.png`),
          fullPage: true,
        });
      }
    };
    const schedules = schedulesCopy[lang];
    const digest = digestCopy[lang];
    const readers = readersCopy[lang];
    const common = sectionCopy[lang];
    const email = staffEmail(lang);
    const name = `week-${lang}`;

    // Sign in through the form, in this language (Arabic is the default; the switch gives English).
    await page.goto(`${base}/console`);
    await page.waitForURL(/\/console\/sign-in/);
    expect(await h1(page)).toBe('تسجيل الدخول');
    if (lang === 'en') {
      await page.click('a[hreflang=en]');
      await page.waitForURL(/lang=en/);
      expect(await h1(page)).toBe('Sign in');
    }
    await shot('sign-in');
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', password);
    await page.click('main form button[type=submit]');
    await page.waitForURL(`${base}/console/overview`);
    expect(await h1(page)).toBe(lang === 'ar' ? 'نظرة عامة' : 'Overview');
    await shot('overview');

    // A schedule in words: every Monday and Thursday at 08:30.
    await page.click('nav a[href="/console/schedules"]');
    await page.waitForURL(`${base}/console/schedules`);
    await page.click('a[href="/console/schedules/new"]');
    await page.waitForURL(`${base}/console/schedules/new`);
    expect(await h1(page)).toBe(schedules.addTitle);
    await page.fill('#schedule-name', name);
    await page.check('input[name=every][value=week]');
    await page.check('input[name=days][value="1"]');
    await page.check('input[name=days][value="4"]');
    await page.fill('#schedule-time', '08:30');
    await page.check('input[name=cadence][value=weekly]');
    await shot('schedule-form');
    await page.click(`main form button:has-text("${schedules.form.submitAdd}")`);
    await page.waitForURL(/\/console\/schedules\?done=added/);
    expect(await notice(page)).toBe(schedules.notices.added(name));
    const row = page.locator('tbody tr', { hasText: name });
    expect(await row.textContent()).toContain(
      lang === 'ar' ? 'أسبوعيًا، الاثنين والخميس 08:30' : 'weekly, Monday and Thursday 08:30',
    );
    expect(await row.locator('code').textContent()).toBe('30 8 * * 1,4');
    expect((await t.runtime.repos.schedules.get(name))?.cron).toBe('30 8 * * 1,4');
    await shot('schedules');

    // Its next digest, previewed in a sandboxed frame.
    await row.locator(`a[href="/console/digest/${name}"]`).first().click();
    await page.waitForURL(`${base}/console/digest/${name}`);
    expect(await h1(page)).toBe(digest.scheduleTitle(name));
    await page.locator('iframe').first().scrollIntoViewIfNeeded();
    await expect
      .poll(
        async () => {
          const frame = page.frames().find((f) => f.url().includes(`/console/digest/${name}/preview/`));
          return frame ? await frame.locator('body').textContent() : '';
        },
        { timeout: pollMs },
      )
      .toContain(lang === 'ar' ? 'بيان عن المياه في البصرة' : 'Statement on water in Basra');
    await shot('digest');

    // The editor's note for that issue.
    const note = {
      ar: `كلمة المحرر لهذا الأسبوع (${lang})`,
      en: `This week's note from the editor (${lang})`,
    };
    await page.fill('#note-ar', note.ar);
    await page.fill('#note-en', note.en);
    await page.click(`main form button:has-text("${digest.saveNote}")`);
    await page.waitForURL(/\?done=note$/);
    expect(await notice(page)).toBe(digest.notices.note);
    expect(await page.inputValue('#note-en')).toBe(note.en);
    expect((await t.runtime.repos.schedules.get(name))?.note).toMatchObject(note);
    await shot('digest-note');

    // A test mail to the staff member's own address.
    const variant = await page.inputValue('#test-variant');
    await page.click(`main form button:has-text("${digest.sendTest}")`);
    await page.waitForURL(/\?done=tested/);
    expect(await notice(page)).toBe(
      digest.notices.tested(common.variants[variant as keyof typeof common.variants]),
    );
    await expect
      .poll(async () => (await readOutbox(t.stack)).filter((mail) => mail.to.includes(email)), {
        timeout: pollMs,
      })
      .toEqual([expect.objectContaining({ subject: expect.stringContaining('[TEST]') })]);
    await shot('digest-tested');

    // Send it, through the page that states the audience.
    await page.click(`a[href="/console/digest/${name}/send"]`);
    await page.waitForURL(`${base}/console/digest/${name}/send`);
    expect(await h1(page)).toBe(digest.confirmTitle(name));
    const total = Number(await page.locator('tbody tr').last().locator('strong').last().textContent());
    expect(total).toBeGreaterThan(0);
    expect(await page.locator('main p strong').first().textContent()).toContain(common.readerCount(total));
    await shot('send-confirm');
    await page.click(`main form button:has-text("${digest.send}")`);
    await page.waitForURL(/\/console\/issues\/[^/?]+\?done=sent$/);
    const issueId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
    expect(await notice(page)).toBe(issuesCopy[lang].notices.sent);
    expect(await h1(page)).toBe(issuesCopy[lang].issueTitle(issueId));
    // What the confirmation stated is who the issue went to.
    expect((await t.runtime.repos.issues.get(issueId))?.recipients).toBe(total);

    // The issue report, once the fan-out is done: every recipient, each sent.
    await t.stack.triggers.idle();
    await page.goto(`${base}/console/issues/${issueId}`);
    const recipients = page
      .locator('table')
      .filter({ has: page.locator('caption', { hasText: issuesCopy[lang].recipientsCaption }) })
      .locator('tbody tr');
    expect(await recipients.count()).toBe(total);
    expect(await recipients.first().textContent()).toContain(common.outcome.sent);
    await shot('issue-report');

    // Import a CSV through its preview: one new reader, one refused row, nothing written until confirmed.
    const imported = `imported-${lang}@readers.example`;
    await page.click('nav a[href="/console/readers"]');
    await page.waitForURL(`${base}/console/readers`);
    await page.click('a[href="/console/readers/import"]');
    await page.waitForURL(`${base}/console/readers/import`);
    expect(await h1(page)).toBe(readers.import.title);
    await page.setInputFiles('#import-file', {
      name: 'readers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        `email;languages;cadence\n${imported};${lang};weekly\nnot-an-address;${lang};weekly\n`,
      ),
    });
    await shot('import');
    await page.click(`main form button:has-text("${readers.import.preview}")`);
    await page.waitForURL(`${base}/console/readers/import/preview`);
    expect(await h1(page)).toBe(readers.import.previewTitle);
    expect(await mainText(page)).toContain(readers.import.nothingWritten);
    expect(await mainText(page)).toContain(readers.import.separators[';']);
    expect(
      await page.locator('table', { hasText: readers.import.rejectedCaption }).locator('tbody tr').count(),
    ).toBe(1);
    expect(await t.runtime.repos.subscribers.findByEmail(imported)).toBeUndefined();
    await shot('import-preview');
    await page.click(`main form button:has-text("${readers.import.confirm}")`);
    await page.waitForURL(/\/console\/readers\/import\?done=imported/);
    expect(await notice(page)).toBe(readers.import.done(1, 0, 1, 1));
    expect((await t.runtime.repos.subscribers.findByEmail(imported))?.status).toBe('pending');
    await shot('import-done');

    // Change a reader's settings at their request: daily, with urgent alerts.
    const findReader = async (address: string) => {
      await page.click('nav a[href="/console/readers"]');
      await page.waitForURL(`${base}/console/readers`);
      await page.fill('#find-email', address);
      await page.click(`main form button:has-text("${readers.find}")`);
      await page.waitForURL(/\/console\/readers\/r[0-9a-f]+$/);
      expect(await mainText(page)).toContain(address);
    };
    await findReader(changedReader(lang));
    await shot('reader');
    await page.check('input[name=cadence][value=daily]');
    await page.check('input[name=urgentAlerts]');
    await page.click(`main form button:has-text("${readers.saveSettings}")`);
    await page.waitForURL(/\?done=settings/);
    expect(await notice(page)).toMatch(new RegExp(`^${readers.notices.settings('|').split('|')[0]}`));
    expect(await notice(page)).toContain(readers.cadence);
    expect(await notice(page)).toContain(readers.urgentAlerts);
    expect(await t.runtime.repos.subscribers.findByEmail(changedReader(lang))).toMatchObject({
      cadence: 'daily',
      urgentAlerts: true,
    });
    await shot('reader-changed');

    // Erase a reader: a wrong address erases nothing; their own, typed again, erases them.
    await findReader(erasedReader(lang));
    await page.click('a[href$="/erase"]');
    await page.waitForURL(/\/erase$/);
    expect(await h1(page)).toBe(readers.eraseConfirmTitle);
    await page.fill('#erase-email', changedReader(lang));
    await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST' && response.status() === 400),
      page.click(`main form button:has-text("${readers.erase}")`),
    ]);
    await page.getByText(readers.eraseMismatch).waitFor();
    expect(await t.runtime.repos.subscribers.findByEmail(erasedReader(lang))).toBeDefined();
    await page.fill('#erase-email', erasedReader(lang));
    await shot('erase');
    await page.click(`main form button:has-text("${readers.erase}")`);
    await page.waitForURL(/\/console\/readers\?done=erased$/);
    expect(await notice(page)).toBe(readers.notices.erased);
    expect(await t.runtime.repos.subscribers.findByEmail(erasedReader(lang))).toBeUndefined();

    // The audit log names every one of those actions, by this staff member.
    await page.click('nav a[href="/console/audit"]');
    await page.waitForURL(`${base}/console/audit`);
    expect(await h1(page)).toBe(consoleCopy[lang].audit.title);
    const mine = page.locator('tbody tr', { hasText: email });
    const actions = await mine.locator('code').allTextContents();
    expect(actions).toEqual(
      expect.arrayContaining([
        'staff.sign-in',
        'schedule.add',
        'digest.note',
        'digest.test-send',
        'digest.send',
        'readers.import',
        'reader.settings',
        'reader.erase',
      ]),
    );
    // A reader by id, never by address.
    expect(await page.locator('main').textContent()).not.toContain(erasedReader(lang));
    await shot('audit');
    await context.close();
  });
});
