import { DynamoArticleRepo } from '../functions/adapters/dynamodb/article-repo';
import { createDynamoClient, documentClient } from '../functions/adapters/dynamodb/client';
import { DynamoScheduleRepo } from '../functions/adapters/dynamodb/schedule-repo';
import { ensureTables } from '../functions/adapters/dynamodb/table-admin';
import { systemClock } from '../functions/core/ports';
import { addSchedule } from '../functions/core/schedules';
import { loadConfig } from '../functions/shared/config';
import { seedSubscribers } from '../tests/support/seed';
import { benchReader, smallDigestArticles } from './fixtures';

/** The weekly schedule every bench digest is sent for. */
export const benchScheduleName = 'bench';

/**
 * Seeds a digest run into the tables of `env`: the small digest's articles, the weekly `bench`
 * schedule and `subscribers` active weekly readers across the four variants (benchReader). Readers go
 * in slices, so the bench itself stays small.
 */
export async function seedDigestRun(
  env: NodeJS.ProcessEnv,
  subscribers: number,
  runTag: string,
): Promise<void> {
  const config = loadConfig(env);
  const client = createDynamoClient(config);
  try {
    await ensureTables(client, config.tables);
    const db = documentClient(client);
    const articles = new DynamoArticleRepo(db, config.tables.articles);
    for (const article of smallDigestArticles) await articles.save(article);
    await addSchedule(
      { name: benchScheduleName, cron: '0 8 * * 5', timeZone: 'Asia/Baghdad', cadence: 'weekly', topics: [] },
      { schedules: new DynamoScheduleRepo(db, config.tables.schedules), clock: systemClock },
    );
    const slice = 2000;
    for (let start = 0; start < subscribers; start += slice) {
      const readers = [];
      for (let n = start; n < Math.min(subscribers, start + slice); n++) readers.push(benchReader(n, runTag));
      await seedSubscribers(db, config.tables.subscribers, readers);
    }
  } finally {
    client.destroy();
  }
}
