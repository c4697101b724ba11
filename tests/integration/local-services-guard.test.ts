import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../functions/adapters/dynamodb/client';
import {
  closeServer,
  type RunningService,
  serverUrl,
  startDynamoEmulator,
  startSesEmulator,
} from '../../functions/local/emulators';
import { guardLoopbackServer } from '../../functions/local/loopback-guard';
import { startServiceTap } from '../../functions/local/service-tap';
import { startSqsEndpoint } from '../../functions/local/sqs-endpoint';
import { LocalTriggers } from '../../functions/local/triggers';
import { suiteConfig } from '../support/local-aws';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request, so that the test chooses every header a browser (or a rebound name) would send. */
function send(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: hostname,
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

const hostile = 'https://news-of-the-day.example';
const listTables = {
  method: 'POST',
  headers: {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': 'DynamoDB_20120810.ListTables',
    'x-amz-date': '20260101T000000Z',
    // Any signature will do: the emulator checks none.
    authorization:
      'AWS4-HMAC-SHA256 Credential=anything/20260101/eu-west-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
  },
  body: '{}',
};

let dynamodb: RunningService;
let ses: RunningService;
let tap: RunningService;
let sqs: RunningService;
const runtime = new LocalTriggers('eu-west-1');

beforeAll(async () => {
  dynamodb = await startDynamoEmulator({ port: 0 });
  ses = await startSesEmulator({ port: 0 });
  tap = await startServiceTap({ port: 0, upstream: dynamodb.url, tap: (_, forward) => forward() });
  sqs = await startSqsEndpoint(runtime);
});
afterAll(async () => {
  runtime.stop();
  for (const service of [sqs, tap, ses, dynamodb]) await service?.close();
});

const ownOrigins = (url: string) => {
  const { port } = new URL(url);
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
};

describe('the DynamoDB emulator and the tap in front of it, to a web page the staff member visits', () => {
  it.each([
    ['the emulator', () => dynamodb.url],
    ['the tap', () => tap.url],
  ])('%s answers no CORS preflight from another origin', async (_, url) => {
    const answer = await send(url(), {
      method: 'OPTIONS',
      headers: {
        origin: hostile,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-amz-target,authorization',
      },
    });
    expect(answer.status).toBe(403);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each([
    ['the emulator', () => dynamodb.url],
    ['the tap', () => tap.url],
  ])('%s refuses a call from another origin, and one under a rebound host name', async (_, url) => {
    const refused: Record<string, string>[] = [
      { origin: hostile },
      { origin: 'null' },
      { host: `rebound.attacker.example:${new URL(url()).port}` },
      { host: '127.0.0.1' },
      { host: `127.0.0.1:${Number(new URL(url()).port) + 1}` },
    ];
    for (const headers of refused) {
      const answer = await send(url(), { ...listTables, headers: { ...listTables.headers, ...headers } });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(answer.body).not.toContain('TableNames');
    }
  });

  it.each([
    ['the emulator', () => dynamodb.url],
    ['the tap', () => tap.url],
  ])('%s keeps answering the SDK (no Origin, its own host), by 127.0.0.1 or localhost', async (_, url) => {
    for (const endpoint of [url(), url().replace('127.0.0.1', 'localhost')]) {
      const client = createDynamoClient({ ...suiteConfig(), endpoints: { dynamodb: endpoint } });
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(expect.any(Array));
      client.destroy();
    }
  });
});

describe('the mail viewer (the SES emulator), which holds every token sent', () => {
  it('does not hand its store to another origin or a rebound host name', async () => {
    const { port } = new URL(ses.url);
    const refused: Record<string, string>[] = [
      { origin: hostile },
      { host: `rebound.attacker.example:${port}` },
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' },
      { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' },
    ];
    for (const headers of refused) {
      const answer = await send(ses.url, { path: '/store', headers });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.body).not.toContain('emails');
    }
    const clear = await send(ses.url, { method: 'POST', path: '/clear-store', headers: { origin: hostile } });
    expect(clear.status).toBe(403);
  });

  it("keeps its own page's buttons working: its requests come from its own origin", async () => {
    for (const origin of ownOrigins(ses.url)) {
      const host = new URL(origin).host;
      const page = await send(ses.url, {
        path: '/',
        headers: {
          host,
          'sec-fetch-site': 'none',
          'sec-fetch-mode': 'navigate',
          'sec-fetch-dest': 'document',
        },
      });
      expect(page.status).toBe(200);
      const store = await send(ses.url, {
        path: '/store?since=0',
        headers: { host, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' },
      });
      expect(store.status).toBe(200);
      expect(JSON.parse(store.body)).toHaveProperty('emails');
      const clear = await send(ses.url, {
        method: 'POST',
        path: '/clear-store',
        headers: { host, origin, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' },
      });
      expect(clear.status).toBe(200);
    }
  });

  it('opens from a link on the local HTTP API (a top-level navigation)', async () => {
    const page = await send(ses.url, {
      path: '/',
      headers: { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
    });
    expect(page.status).toBe(200);
  });

  it('keeps taking mail from the SDK', async () => {
    const client = new SESClient({
      endpoint: ses.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const sent = await client.send(
      new SendEmailCommand({
        Source: 'bulletin@nashra.example',
        Destination: { ToAddresses: ['reader@example.org'] },
        Message: { Subject: { Data: 'guarded' }, Body: { Text: { Data: 'hello' } } },
      }),
    );
    expect(sent.MessageId).toEqual(expect.any(String));
    client.destroy();
  });
});

describe('the local SQS endpoint', () => {
  it('refuses another origin and a rebound host name, and takes the SDK call', async () => {
    const call = {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
      body: '{}',
    };
    const { port } = new URL(sqs.url);
    const refused: Record<string, string>[] = [
      { origin: hostile },
      { host: `rebound.attacker.example:${port}` },
    ];
    for (const headers of refused) {
      const answer = await send(sqs.url, { ...call, headers: { ...call.headers, ...headers } });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
    }
    expect((await send(sqs.url, call)).body).toMatch(/UnsupportedOperation/);
  });
});

describe('the guard, on any local http.Server (a Cognito stand-in, say)', () => {
  it('guards the listeners a library attached, and lets its own origin through', async () => {
    const server = guardLoopbackServer(
      createServer((_, response) =>
        response.writeHead(200, { 'access-control-allow-origin': '*' }).end('ok'),
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = serverUrl(server);
    expect((await send(url, { headers: { origin: hostile } })).status).toBe(403);
    for (const origin of ownOrigins(url))
      expect(
        (await send(url, { method: 'POST', headers: { origin, host: new URL(origin).host } })).body,
      ).toBe('ok');
    await closeServer(server);
  });
});
