import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { createFeedParser } from '../adapters/feed-parser';
import { languageSchema } from '../core/article';
import { hasRejections, ingestParsedFeed } from '../core/ingest/ingest-feed';
import type { IngestRules } from '../core/ingest/rules';
import type { ArticleRepo, Clock, SubscriberRepo } from '../core/ports';
import { cadenceSchema, normaliseEmail } from '../core/subscriber';
import demoSubscribers from './demo/subscribers.json' with { type: 'json' };

const demoSubscriberSchema = z.object({
  email: z.email(),
  languages: z.array(languageSchema).min(1),
  cadence: cadenceSchema,
  topics: z.array(z.string()),
});

const demoArticlesFile = new URL('./demo/articles.json', import.meta.url);

/**
 * Loads the demo articles (the site's real Basra article, its English version and a campaign) through
 * ingestion, as staff tools send them (so they are sanitised, checked and paired like any other), and
 * four confirmed demo readers, once per NASHRA_HOME: a marker file says it was done, so a second
 * `npm start` keeps whatever the user changed since.
 */
export async function loadDemoDataOnce(
  home: string,
  repos: { articles: ArticleRepo; subscribers: SubscriberRepo },
  clock: Clock,
  rules: IngestRules,
) {
  const marker = join(home, 'demo-loaded');
  if (existsSync(marker)) return { loaded: false };
  const now = clock.now().toISOString();
  const parsed = createFeedParser({ maxFeedBytes: 1024 * 1024 }).parse(readFileSync(demoArticlesFile));
  const report = await ingestParsedFeed(
    { articles: repos.articles, clock, rules },
    { location: 'demo articles' },
    parsed,
  );
  if (hasRejections(report)) throw new Error(`demo articles rejected: ${JSON.stringify(report.rejected)}`);
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
  writeFileSync(marker, now);
  return { loaded: true };
}
