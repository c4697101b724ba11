import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSubscriberRepo } from '../../functions/adapters/dynamodb/subscriber-repo';
import { systemClock } from '../../functions/core/ports';
import type { Subscriber } from '../../functions/core/subscriber';
import { suiteConfig, suiteDatabase } from '../support/local-aws';

const config = suiteConfig();
let database: Awaited<ReturnType<typeof suiteDatabase>>;
let repo: DynamoSubscriberRepo;

beforeAll(async () => {
  database = await suiteDatabase(config);
  repo = new DynamoSubscriberRepo(database.db, config.tables.subscribers, systemClock);
});
afterAll(() => database.client.destroy());

const reader = (email: string): Subscriber => ({
  id: randomBytes(16).toString('base64url'),
  email,
  status: 'pending',
  languages: ['ar', 'en'],
  cadence: 'weekly',
  topics: [],
  urgentAlerts: false,
  paused: false,
  consent: { at: '2026-11-01T00:00:00.000Z', method: 'form' },
  linkVersion: 1,
  bounceCount: 0,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
});

describe('DynamoSubscriberRepo against dynalite', () => {
  it('round-trips a subscriber and finds it by address', async () => {
    const created = await repo.create(reader('a@example.org'));
    expect(created.created).toBe(true);
    expect(await repo.get(created.subscriber.id)).toEqual(created.subscriber);
    expect((await repo.findByEmail('a@example.org'))?.id).toBe(created.subscriber.id);
  });

  it('keeps one subscriber per address under a burst of concurrent creates', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => repo.create(reader('burst@example.org'))),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.subscriber.id)).size).toBe(1);
  });
});

describe('DynamoSubscriberRepo paging and erasure', () => {
  it('pages through exactly the active, unpaused readers of a cadence', async () => {
    const make = async (email: string, changes: Partial<Subscriber>) => {
      const { subscriber } = await repo.create({ ...reader(email), ...changes });
      return subscriber;
    };
    const active = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        make(`daily${i}@example.org`, { status: 'active', cadence: 'daily' }),
      ),
    );
    await make('paused@example.org', { status: 'active', cadence: 'daily', paused: true });
    await make('pending@example.org', { status: 'pending', cadence: 'daily' });
    await make('weekly@example.org', { status: 'active', cadence: 'weekly' });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await repo.pageSegment('daily', { cursor, limit: 3 });
      expect(page.subscribers.length).toBeLessThanOrEqual(3);
      seen.push(...page.subscribers.map((s) => s.id));
      cursor = page.cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(active.map((s) => s.id).sort());

    const leaving = active[0];
    if (!leaving) throw new Error('no reader');
    await repo.markUnsubscribed(leaving.id, ['active'], undefined, '2026-11-02T00:00:00.000Z');
    const after = await repo.pageSegment('daily', { limit: 100 });
    expect(after.subscribers.map((s) => s.id)).not.toContain(leaving.id);
  });

  it('erases a reader and frees the address; updating an erased reader is refused', async () => {
    const { subscriber } = await repo.create(reader('erase@example.org'));
    await repo.remove(subscriber);
    expect(await repo.get(subscriber.id)).toBeUndefined();
    expect(await repo.findByEmail('erase@example.org')).toBeUndefined();
    await expect(
      repo.markUnsubscribed(subscriber.id, ['pending'], undefined, '2026-11-02T00:00:00.000Z'),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    expect((await repo.create(reader('erase@example.org'))).created).toBe(true);
  });
});
