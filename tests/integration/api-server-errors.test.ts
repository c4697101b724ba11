import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/http/app';
import { mjmlMailRenderer } from '../../functions/runtime/rendering';
import { createRuntime } from '../../functions/runtime/runtime';
import { suiteConfig } from '../support/local-aws';
import { RecordedMetrics } from '../support/recorded-metrics';

// No tables were made for this suite's prefix: every read of the archive fails inside the app.
const metrics = new RecordedMetrics();
const runtime = createRuntime('local', suiteConfig(), { renderer: mjmlMailRenderer, metrics });
afterAll(() => runtime.close());

describe('a request the app answers 500', () => {
  it('is counted (ApiServerErrors), since Lambda sees a function that answered, not one that failed', async () => {
    const app = createApp(runtime);
    const failed = await app.request('/issues');
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toMatch(/ResourceNotFound|table/i);
    expect(metrics.counts).toEqual([{ name: 'ApiServerErrors', value: 1 }]);

    expect((await app.request('/no-such-page')).status).toBe(404);
    expect((await app.request('/unsubscribe/forged.token', { method: 'POST' })).status).toBe(404);
    expect(metrics.counts).toHaveLength(1);
  });
});
