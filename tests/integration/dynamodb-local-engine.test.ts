import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal } from '../../functions/local/dynamodb-local';
import type { RunningService } from '../../functions/local/emulators';

/** DynamoDB Local needs a Java runtime; CI has one, a fresh machine may not (dynalite is the default). */
const javaMissing = spawnSync('java', ['-version']).error !== undefined;

const client = (url: string, region: string, accessKeyId: string) =>
  new DynamoDBClient({
    endpoint: url,
    region,
    credentials: { accessKeyId, secretAccessKey: 'local' },
  });

const table = {
  TableName: 'engine-probe',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }],
  BillingMode: 'PAY_PER_REQUEST' as const,
};

describe('DynamoDB Local as the DynamoDB engine', () => {
  it('says in words that it needs Java when no Java runtime is found', async () => {
    await expect(
      startDynamoDbLocal({ port: 0, java: join(tmpdir(), 'no-such-folder', 'java') }),
    ).rejects.toThrow(/no Java runtime found.*Java 17 or later.*NASHRA_DYNAMODB_ENGINE=dynalite/s);
  });

  describe.skipIf(javaMissing)('with Java', () => {
    const path = mkdtempSync(join(tmpdir(), 'nashra-dynamodb-local-'));
    let engine: RunningService;
    beforeAll(async () => {
      engine = await startDynamoDbLocal({ port: 0, path });
    }, 120_000);
    afterAll(() => engine.close());

    it('keeps one database whatever the access key and region of the caller', async () => {
      const writer = client(engine.url, 'eu-west-1', 'writer');
      const reader = client(engine.url, 'me-south-1', 'reader');
      await writer.send(new CreateTableCommand(table));
      await writer.send(new PutItemCommand({ TableName: table.TableName, Item: { pk: { S: 'kept' } } }));
      expect((await reader.send(new ListTablesCommand({}))).TableNames).toContain(table.TableName);
      writer.destroy();
      reader.destroy();
    });

    it('gives no web page leave to call it: no Access-Control-Allow-Origin for any origin', async () => {
      const preflight = await fetch(engine.url, {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://127.0.0.1:8787',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type,x-amz-target',
        },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('keeps its data across a restart on the same folder and leaves its port closed when stopped', async () => {
      const port = Number(new URL(engine.url).port);
      await engine.close();
      await expect(fetch(engine.url)).rejects.toThrow();
      engine = await startDynamoDbLocal({ port, path });
      const reader = client(engine.url, 'eu-west-1', 'another');
      const kept = await reader.send(
        new GetItemCommand({ TableName: table.TableName, Key: { pk: { S: 'kept' } } }),
      );
      expect(kept.Item).toEqual({ pk: { S: 'kept' } });
      reader.destroy();
    }, 120_000);
  });
});
