import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/shared/config';

const load = (env: NodeJS.ProcessEnv = {}) =>
  loadConfig({ NASHRA_HOME: mkdtempSync(join(tmpdir(), 'nashra-config-')), ...env });

const scheduler = {
  NASHRA_SCHEDULE_GROUP: 'nashra-prod',
  NASHRA_DIGEST_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:111111111111:function:nashra-prod-digest-run',
  NASHRA_SCHEDULER_ROLE_ARN: 'arn:aws:iam::111111111111:role/nashra-prod-digest-scheduler',
  NASHRA_SCHEDULE_DLQ_ARN: 'arn:aws:sqs:eu-west-1:111111111111:nashra-prod-schedule-dlq',
};

describe('the scheduling settings', () => {
  it('hold alerts 23:00–07:00 in the network time zone unless told otherwise', () => {
    expect(load().quietHours).toEqual({ start: 1380, end: 420, timeZone: 'Asia/Baghdad' });
    expect(load({ NASHRA_QUIET_HOURS: '22:30-06:15', NASHRA_TIME_ZONE: 'Europe/London' }).quietHours).toEqual(
      {
        start: 1350,
        end: 375,
        timeZone: 'Europe/London',
      },
    );
    expect(load({ NASHRA_QUIET_HOURS: 'off' }).quietHours).toBeUndefined();
  });

  it('refuse a network time zone the runtime does not know, naming the setting', () => {
    expect(load({ NASHRA_TIME_ZONE: 'Europe/London' }).timeZone).toBe('Europe/London');
    expect(() => load({ NASHRA_TIME_ZONE: 'Baghdad' })).toThrow(/NASHRA_TIME_ZONE: an IANA time zone/);
  });

  it('refuse quiet hours that are not two times, naming the setting', () => {
    expect(() => load({ NASHRA_QUIET_HOURS: '11pm-7am' })).toThrow(ConfigError);
    expect(() => load({ NASHRA_QUIET_HOURS: '11pm-7am' })).toThrow(/NASHRA_QUIET_HOURS/);
    expect(() => load({ NASHRA_QUIET_HOURS: '07:00-07:00' })).toThrow(
      /NASHRA_QUIET_HOURS: quiet hours "07:00-07:00": give two different times/,
    );
  });

  it("never take EventBridge Scheduler from the environment: only a stage's outputs name it", () => {
    expect(load().scheduler).toBeUndefined();
    expect(load(scheduler).scheduler).toBeUndefined();
  });
});
