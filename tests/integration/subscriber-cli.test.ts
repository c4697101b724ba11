import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner } from '../support/cli';

const { env, run: nashra } = cliRunner();

describe('nashra subscribers', { timeout: 120_000 }, () => {
  it('adds, imports (reporting rejected rows, exit 1), lists, shows, exports, exports one person and erases', async () => {
    const added = await nashra(
      'subscribers',
      'add',
      'Reader@Example.org',
      '--lang',
      'ar,en',
      '--cadence',
      'weekly',
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^added a pending reader \(.+\); confirmation mailed\n$/);
    expect(readdirSync(join(env.NASHRA_HOME, 'outbox')).filter((f) => f.endsWith('.eml'))).toHaveLength(1);

    const again = await nashra('subscribers', 'add', 'reader@example.org', '--lang', 'en', '--confirmed');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('nashra: this address is already held by a pending reader; nothing changed\n');

    const bad = await nashra('subscribers', 'add', 'x@example.org\r\nBcc: y@example.org', '--lang', 'en');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line break');

    const file = join(env.NASHRA_HOME, 'readers.csv');
    writeFileSync(
      file,
      'email,languages,cadence,topics\nkept@example.org,en,daily,water\nbroken,en,daily,\n',
    );
    const imported = await nashra(
      'subscribers',
      'import',
      file,
      '--confirmed',
      '--source',
      'Basra event sign-up sheet',
    );
    expect(imported.code).toBe(1);
    expect(imported.stdout).toContain('created 1 (0 confirmations mailed), unchanged 0, rejected 1');
    expect(imported.stderr).toContain("line 3: rejected: email: 'broken' is not an email address");

    const shown = await nashra('subscribers', 'show', 'kept@example.org', '--json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      email: 'kept@example.org',
      status: 'active',
      cadence: 'daily',
      topics: ['water'],
      consent: { method: 'import', source: 'Basra event sign-up sheet' },
    });

    const pending = await nashra('subscribers', 'list', '--status', 'pending', '--json');
    expect(JSON.parse(pending.stdout).map((r: { email: string }) => r.email)).toEqual(['reader@example.org']);
    expect((await nashra('subscribers', 'list', '--status', 'gone')).code).toBe(1);

    const csv = await nashra('subscribers', 'export', '--csv');
    const lines = csv.stdout.trim().split('\r\n');
    expect(lines[0]).toBe(
      'email,languages,cadence,topics,status,urgentAlerts,paused,consentAt,consentMethod,consentSource,createdAt,confirmedAt',
    );
    expect(lines.slice(1).sort()[0]).toMatch(/^kept@example\.org,en,daily,water,active,true,false,/);
    const json = JSON.parse((await nashra('subscribers', 'export')).stdout);
    expect(json).toHaveLength(2);

    const personal = JSON.parse(
      (await nashra('subscribers', 'export-personal', 'reader@example.org')).stdout,
    );
    expect(personal.subscriber).toMatchObject({ email: 'reader@example.org', status: 'pending' });
    expect(personal.deliveries).toEqual([]);

    const removed = await nashra('subscribers', 'remove', 'reader@example.org');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^erased reader .+: 0 deliveries, 0 rate-limit counters\n$/);
    const gone = await nashra('subscribers', 'show', 'reader@example.org', '--json');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe('nashra: no reader holds this address\n');
  });
});
