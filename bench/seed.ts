import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** One bench run's own folder, table prefix and environment, against the bench's emulators. */
export interface BenchRun {
  home: string;
  runTag: string;
  /** Where the run's child process writes its figures (BENCH_RESULT_FILE). */
  resultFile: string;
  env: NodeJS.ProcessEnv;
}

/**
 * A fresh NASHRA_HOME and table prefix (`${prefix}${runTag}-`) for one run, the emulators' endpoints and
 * the bench's link key, plus `extra` settings; the caller removes `home` when done.
 */
export function benchRun(
  prefix: string,
  emulators: { dynalite: { url: string }; ses: { url: string } },
  extra: NodeJS.ProcessEnv = {},
): BenchRun {
  const home = mkdtempSync(join(tmpdir(), `nashra-${prefix}-`));
  const runTag = randomBytes(3).toString('hex');
  const resultFile = join(home, 'result.json');
  return {
    home,
    runTag,
    resultFile,
    env: {
      ...process.env,
      NASHRA_HOME: home,
      NASHRA_TABLE_PREFIX: `${prefix}${runTag}-`,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynalite.url,
      AWS_ENDPOINT_URL_SES: emulators.ses.url,
      NASHRA_LINK_SIGNING_KEY: 'bench-signing-key-0123456789abcdef0123456789',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      BENCH_RESULT_FILE: resultFile,
      ...extra,
    },
  };
}
