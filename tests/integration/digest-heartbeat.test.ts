import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../functions/core/ports';
import { addSchedule, setScheduleEnabled } from '../../functions/core/schedules';
import { MISSED_RUN_GRACE_MS } from '../../functions/core/send/digest-heartbeat';
import { createAlertSweep } from '../../functions/handlers/alert-sweep';
import { createDigestRun } from '../../functions/handlers/digest-run';
import { RecordedMetrics } from '../support/recorded-metrics';
import { openTestStack, type TestStack } from '../support/test-stack';

let t: TestStack;
let time = new Date('2026-11-01T00:00:00Z');
const clock: Clock = { now: () => time };
const at = (iso: string) => {
  time = new Date(iso);
};

beforeAll(async () => {
  t = await openTestStack();
});
afterAll(() => t.close());

/** One five-minute sweep at the current time: what it counted as missed digest runs. */
async function sweep() {
  const metrics = new RecordedMetrics();
  const report = await createAlertSweep({ ...t.services, clock, metrics })();
  expect(metrics.counts).toEqual([{ name: 'MissedDigestRuns', value: report.missedDigestRuns.length }]);
  return report.missedDigestRuns;
}

describe('the digest heartbeat in the five-minute sweep', () => {
  it('counts a schedule whose due firing has not run within half an hour, and no more once it ran', async () => {
    expect(MISSED_RUN_GRACE_MS).toBe(30 * 60 * 1000);
    // Every day at 08:00 in Baghdad: 05:00 UTC.
    await addSchedule(
      { name: 'morning', cron: '0 8 * * *', timeZone: 'Asia/Baghdad', cadence: 'daily', topics: [] },
      { ...t.services, clock },
    );
    at('2026-11-01T04:55:00Z');
    expect(await sweep()).toEqual([]);
    at('2026-11-01T05:25:00Z');
    expect(await sweep()).toEqual([]);
    at('2026-11-01T05:35:00Z');
    expect(await sweep()).toEqual([{ schedule: 'morning', dueAt: '2026-11-01T05:00:00.000Z' }]);

    // The late firing runs (an empty window moves the window on too): the heartbeat is calm again.
    await createDigestRun({ ...t.services, clock })({
      scheduleName: 'morning',
      scheduledTime: '2026-11-01T05:00:00Z',
    });
    expect(await sweep()).toEqual([]);
    at('2026-11-02T05:10:00Z');
    expect(await sweep()).toEqual([]);
    at('2026-11-02T06:00:00Z');
    expect(await sweep()).toEqual([{ schedule: 'morning', dueAt: '2026-11-02T05:00:00.000Z' }]);
  });

  it('leaves a paused schedule alone, and after a resume counts only firings due since', async () => {
    at('2026-11-02T06:05:00Z');
    await setScheduleEnabled('morning', false, { ...t.services, clock });
    at('2026-11-04T12:00:00Z');
    expect(await sweep()).toEqual([]);
    await setScheduleEnabled('morning', true, { ...t.services, clock });
    at('2026-11-04T12:05:00Z');
    expect(await sweep()).toEqual([]);
    at('2026-11-05T05:31:00Z');
    expect(await sweep()).toEqual([{ schedule: 'morning', dueAt: '2026-11-05T05:00:00.000Z' }]);
  });
});
