import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FeedReport } from '../../functions/core/ingest/ingest-feed';
import { createApp } from '../../functions/http/app';
import { ingestApp, ingestRoutes } from '../../functions/http/ingest-routes';
import { type IngestParts, ingestParts } from '../../functions/runtime/ingesting';
import { createRuntime, type Runtime } from '../../functions/runtime/runtime';
import { suiteConfig, suiteRuntime } from '../support/local-aws';

const key = 'local-ingest-key-0123456789abcdef';
const config = suiteConfig({ NASHRA_INGEST_KEY: key });
let runtime: Runtime;
let services: IngestParts;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  runtime = await suiteRuntime(config);
  services = ingestParts(runtime);
  app = createApp(runtime, { ingest: ingestRoutes(runtime) });
});
afterAll(() => runtime.close());

const post = (body: string, headers: Record<string, string> = {}, path = '/api/articles') =>
  app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
const authorised = { authorization: `Bearer ${key}` };

describe('POST /api/articles', () => {
  const statement = {
    id: 'api-1',
    lang: 'en',
    title: 'Statement from the API',
    url: 'https://www.iraqicivilsociety.example/api-1/',
    bodyHtml: '<p onclick="x()">Text</p><script>alert(1)</script>',
    topics: ['campaigns'],
    publishedAt: '2026-11-28T10:00:00+03:00',
  };

  it('refuses a request without the ingest key, or with a wrong one (local mode)', async () => {
    expect((await post(JSON.stringify([statement]))).status).toBe(401);
    expect((await post(JSON.stringify([statement]), { authorization: 'Bearer wrong-key' })).status).toBe(401);
    expect(await services.articles.get('api-1')).toBeUndefined();
  });

  it('ingests a JSON list of articles and answers the report; again, everything is unchanged', async () => {
    const response = await post(JSON.stringify([statement]), authorised);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      feed: 'POST /api/articles',
      format: 'articles',
      created: ['api-1'],
    });
    expect(await services.articles.get('api-1')).toMatchObject({
      bodyHtml: '<p>Text</p>',
      publishedAt: '2026-11-28T07:00:00.000Z',
      topics: ['campaigns'],
    });
    const again = await post(JSON.stringify({ articles: [statement] }), authorised);
    expect(await again.json()).toMatchObject({ created: [], unchanged: ['api-1'] });
  });

  it('ingests a feed document wrapped in JSON or sent as XML, with ?urgent=true', async () => {
    const atom = readFileSync(join(import.meta.dirname, '../fixtures/feeds/icssi-en.atom.xml'), 'utf8');
    const wrapped = await post(JSON.stringify({ feed: atom }), authorised, '/api/articles?urgent=true');
    expect(wrapped.status).toBe(200);
    expect(((await wrapped.json()) as { created: string[] }).created).toHaveLength(2);
    expect((await services.articles.get('https://www.iraqicivilsociety.example/?p=5101'))?.urgent).toBe(true);
    const xml = await app.request('/api/articles?urgent=true', {
      method: 'POST',
      body: atom,
      headers: { 'content-type': 'application/atom+xml', ...authorised },
    });
    expect(((await xml.json()) as { unchanged: string[] }).unchanged).toHaveLength(2);
  });

  it('answers 422 with the report when an item is rejected, storing the good ones; 400 for a non-feed', async () => {
    const response = await post(
      JSON.stringify([
        { title: 'No link at all' },
        { ...statement, id: 'api-2', url: 'https://www.iraqicivilsociety.example/api-2/' },
      ]),
      authorised,
    );
    expect(response.status).toBe(422);
    const report = (await response.json()) as FeedReport;
    expect(report.created).toEqual(['api-2']);
    expect(report.rejected).toEqual([
      { item: 'item 1 "No link at all"', reason: expect.stringMatching(/^is not a valid article \(url: /) },
    ]);
    const malformed = await post('<rss><channel>', authorised);
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toMatch(/^the body is not well-formed XML/);
    expect((await post('[]', authorised, '/api/articles?lang=fr')).status).toBe(400);
  });

  it('on AWS takes a request that carries the IAM identity API Gateway set, and refuses one without', async () => {
    // On AWS the clients take the function role's credentials from the environment, as Lambda sets them.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLAMBDAROLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'lambda-role-secret');
    const aws = createRuntime('lambda', { ...config, mode: 'aws' as const, ingestKey: undefined });
    const awsApp = ingestApp(aws);
    const body = JSON.stringify([
      { ...statement, id: 'api-3', url: 'https://www.iraqicivilsociety.example/api-3/' },
    ]);
    const signed = {
      requestContext: { authorizer: { iam: { userArn: 'arn:aws:iam::111111111111:role/staff-tool' } } },
    };
    const response = await awsApp.request('/api/articles', { method: 'POST', body }, signed);
    expect(response.status).toBe(200);
    const unsigned = await awsApp.request('/api/articles', { method: 'POST', body }, { requestContext: {} });
    expect(unsigned.status).toBe(401);
    vi.unstubAllEnvs();
  });
});
