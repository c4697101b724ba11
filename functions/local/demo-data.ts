import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { createFeedParser } from '../adapters/feed-parser';
import { languageSchema } from '../core/article';
import { hasRejections, ingestParsedFeed } from '../core/ingest/ingest-feed';
import type { IngestRules } from '../core/ingest/rules';
import type { ArticleRepo, Clock, SubscriberRepo } from '../core/ports';
import { addSchedule, type NewSchedule, type ScheduleDeps } from '../core/schedules';
import { type DigestDeps, sendDigest } from '../core/send/send-digest';
import { cadenceSchema, normaliseEmail } from '../core/subscriber';
import { writePrivateFile } from '../shared/private-files';
import demoSubscribers from './demo/subscribers.json' with { type: 'json' };

const demoSubscriberSchema = z.object({
  email: z.email(),
  languages: z.array(languageSchema).min(1),
  cadence: cadenceSchema,
  topics: z.array(z.string()),
});

const demoSchedules: NewSchedule[] = [
  { name: 'weekly-digest', cron: '0 8 * * 5', cadence: 'weekly', topics: [] },
  { name: 'daily-digest', cron: '0 7 * * *', cadence: 'daily', topics: [] },
];

const demoArticlesFile = new URL('./demo/articles.json', import.meta.url);

/**
 * Loads, once per NASHRA_HOME, four confirmed demo readers, then the demo articles (the site's real
 * Basra article, its English version and a campaign) through ingestion as staff tools send them — so
 * they are sanitised, paired and alerted like any other — then a weekly and a daily schedule in the
 * network's time zone (`scheduling.timeZone`), whose first digests go out at once: a newcomer's mail
 * viewer shows the product's real output. A marker file says it was done, so a second `npm start`
 * keeps whatever the user changed since.
 */
export async function loadDemoDataOnce(
  home: string,
  repos: { articles: ArticleRepo; subscribers: SubscriberRepo },
  clock: Clock,
  rules: IngestRules,
  send: DigestDeps,
  scheduling: ScheduleDeps,
) {
  const marker = join(home, 'demo-loaded');
  if (existsSync(marker)) return { loaded: false };
  const now = clock.now().toISOString();
  // Readers first, so the new articles' alerts reach the instant reader.
  for (const raw of demoSubscribers) {
    const reader = demoSubscriberSchema.parse(raw);
    await repos.subscribers.create({
      ...reader,
      id: randomBytes(16).toString('base64url'),
      email: normaliseEmail(reader.email),
      status: 'active',
      urgentAlerts: reader.cadence !== 'instant',
      paused: false,
      consent: { at: now, method: 'demo', source: 'nashra demo data' },
      linkVersion: 1,
      bounceCount: 0,
      createdAt: now,
      updatedAt: now,
      confirmedAt: now,
    });
  }
  const parsed = createFeedParser({ maxFeedBytes: 1024 * 1024 }).parse(readFileSync(demoArticlesFile));
  const report = await ingestParsedFeed(
    { articles: repos.articles, clock, rules },
    { location: 'demo articles' },
    parsed,
  );
  if (hasRejections(report)) throw new Error(`demo articles rejected: ${JSON.stringify(report.rejected)}`);
  const digests = [];
  for (const schedule of demoSchedules) {
    await addSchedule(schedule, scheduling);
    const stored = await send.schedules.get(schedule.name);
    // The demo articles span 2014 to now: the first digests carry all of them.
    if (stored) digests.push(await sendDigest(stored, { since: '2014-01-01T00:00:00.000Z' }, send));
  }
  writePrivateFile(marker, now);
  return { loaded: true, digests };
}
