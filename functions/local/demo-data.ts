import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { articleSchema, languageSchema } from '../core/article';
import type { ArticleRepo, Clock, SubscriberRepo } from '../core/ports';
import { cadenceSchema, normaliseEmail } from '../core/subscriber';
import demoArticles from './demo/articles.json' with { type: 'json' };
import demoSubscribers from './demo/subscribers.json' with { type: 'json' };

const demoSubscriberSchema = z.object({
  email: z.email(),
  languages: z.array(languageSchema).min(1),
  cadence: cadenceSchema,
  topics: z.array(z.string()),
});

/**
 * Loads the demo articles (the site's real Basra article, its English version and a campaign) and
 * four confirmed demo readers, once per NASHRA_HOME: a marker file says it was done, so a second
 * `npm start` keeps whatever the user changed since.
 */
export async function loadDemoDataOnce(
  home: string,
  repos: { articles: ArticleRepo; subscribers: SubscriberRepo },
  clock: Clock,
) {
  const marker = join(home, 'demo-loaded');
  if (existsSync(marker)) return { loaded: false };
  const now = clock.now().toISOString();
  for (const raw of demoArticles) {
    await repos.articles.save(articleSchema.parse({ ...raw, firstSeenAt: now, updatedAt: now }));
  }
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
