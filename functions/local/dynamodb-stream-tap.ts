import { randomUUID } from 'node:crypto';
import { type AttributeValue, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { type TableDefinition, type TableName, tableDefinitions } from '../shared/tables';
import type { Tap } from './service-tap';

type Item = Record<string, AttributeValue>;

/** A stream-enabled table found by its physical name (the stage prefix plus the logical name). */
function streamTableOf(physicalName: string): TableDefinition | undefined {
  return Object.values(tableDefinitions).find((table) => table.stream && physicalName.endsWith(table.name));
}

function keyOf(table: TableDefinition, item: Item): Item {
  const key: Item = {};
  for (const attribute of [table.partitionKey, table.sortKey]) {
    const value = attribute && item[attribute.name];
    if (attribute && value) key[attribute.name] = value;
  }
  return key;
}

interface PendingWrite {
  tableName: string;
  table: TableDefinition;
  key: Item;
}

function writesIn(operation: string, body: Record<string, unknown>): PendingWrite[] {
  const single = (tableName: unknown, key: Item | undefined): PendingWrite[] => {
    const table = typeof tableName === 'string' ? streamTableOf(tableName) : undefined;
    return table && key ? [{ tableName: tableName as string, table, key: keyOf(table, key) }] : [];
  };
  switch (operation) {
    case 'PutItem':
      return single(body.TableName, body.Item as Item);
    case 'UpdateItem':
    case 'DeleteItem':
      return single(body.TableName, body.Key as Item);
    case 'BatchWriteItem':
      return Object.entries(
        (body.RequestItems ?? {}) as Record<string, Array<Record<string, { Item?: Item; Key?: Item }>>>,
      ).flatMap(([tableName, requests]) =>
        requests.flatMap((request) =>
          single(tableName, request.PutRequest?.Item ?? request.DeleteRequest?.Key),
        ),
      );
    default:
      return [];
  }
}

/**
 * Stands in for DynamoDB Streams (NEW_AND_OLD_IMAGES): for each write to a stream-enabled table it
 * reads the item before and after, and hands a stream record of the AWS shape to `emit`. Not atomic
 * with concurrent writers — a local stand-in, not a replication log.
 */
export function dynamoStreamTap(options: {
  upstream: string;
  region: string;
  emit: (table: TableName, records: DynamoDBRecord[]) => void;
}): Tap {
  const reader = new DynamoDBClient({
    endpoint: options.upstream,
    region: options.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const read = async (write: PendingWrite) =>
    (
      await reader.send(
        new GetItemCommand({ TableName: write.tableName, Key: write.key, ConsistentRead: true }),
      )
    ).Item;

  return async (request, forward) => {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    if (!writeOperations.has(operation)) return forward();
    const writes = writesIn(operation, safeJson(request.body));
    if (writes.length === 0) return forward();

    const before = await Promise.all(writes.map(read));
    const response = await forward();
    if (response.status !== 200) return response;
    const after = await Promise.all(writes.map(read));

    const byTable = new Map<TableName, DynamoDBRecord[]>();
    writes.forEach((write, index) => {
      const record = streamRecord(write, before[index], after[index], options.region);
      if (!record) return;
      const list = byTable.get(write.table.name) ?? [];
      list.push(record);
      byTable.set(write.table.name, list);
    });
    for (const [table, records] of byTable) options.emit(table, records);
    return response;
  };
}

const writeOperations = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

function safeJson(body: Buffer): Record<string, unknown> {
  try {
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

let sequence = 0;

function streamRecord(
  write: PendingWrite,
  oldImage: Item | undefined,
  newImage: Item | undefined,
  region: string,
): DynamoDBRecord | undefined {
  if (JSON.stringify(oldImage) === JSON.stringify(newImage)) return undefined;
  const eventName = !oldImage ? 'INSERT' : !newImage ? 'REMOVE' : 'MODIFY';
  sequence += 1;
  return {
    eventID: randomUUID(),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: `arn:aws:dynamodb:${region}:000000000000:table/${write.tableName}/stream/local`,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: write.key as never,
      ...(newImage ? { NewImage: newImage as never } : {}),
      ...(oldImage ? { OldImage: oldImage as never } : {}),
      SequenceNumber: String(sequence).padStart(21, '0'),
      SizeBytes: JSON.stringify(newImage ?? oldImage ?? {}).length,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
