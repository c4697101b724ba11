import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  ScanCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { allTableNames, type TableDefinition, type TableNames, tableDefinitions } from '../../shared/tables';

/** The CreateTable request for one shared definition: what local mode and tests create. */
export function createTableInput(definition: TableDefinition, physicalName: string): CreateTableCommandInput {
  const attributes = new Map<string, AttributeDefinition>();
  const keys = [
    definition.partitionKey,
    definition.sortKey,
    ...definition.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  for (const key of keys) {
    if (key) attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  }
  return {
    TableName: physicalName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes.values()],
    KeySchema: [
      { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
      ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    ...(definition.globalIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: definition.globalIndexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
              ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
    ...(definition.stream
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }
      : {}),
  };
}

/** Creates whichever of the stage's tables are missing; returns the names it created. */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<string[]> {
  const existing = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const name of page.TableNames ?? []) existing.add(name);
    start = page.LastEvaluatedTableName;
  } while (start);

  const created: string[] = [];
  for (const table of allTableNames) {
    const physical = names[table];
    if (existing.has(physical)) continue;
    try {
      await client.send(new CreateTableCommand(createTableInput(tableDefinitions[table], physical)));
      created.push(physical);
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
    }
    await waitUntilTableExists(
      { client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 1 },
      { TableName: physical },
    );
  }
  return created;
}

/** Item count of each of the stage's tables (a counting scan: fine for local mode's sizes). */
export async function countItems(client: DynamoDBClient, names: TableNames): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of allTableNames) {
    let count = 0;
    let start: Record<string, never> | undefined;
    try {
      await client.send(new DescribeTableCommand({ TableName: names[table] }));
    } catch {
      counts[table] = 0;
      continue;
    }
    do {
      const page = await client.send(
        new ScanCommand({ TableName: names[table], Select: 'COUNT', ExclusiveStartKey: start }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start);
    counts[table] = count;
  }
  return counts;
}

/**
 * Each table's item count as DynamoDB reports it (refreshed about every six hours): what a deployed
 * stage can tell without scanning; undefined for a table that does not exist.
 */
export async function approximateItemCounts(
  client: DynamoDBClient,
  names: TableNames,
): Promise<Record<string, number | undefined>> {
  const counts: Record<string, number | undefined> = {};
  for (const table of allTableNames) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: names[table] }));
      counts[table] = Table?.ItemCount;
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      counts[table] = undefined;
    }
  }
  return counts;
}

/** A table's status and approximate item count, or undefined when it does not exist. */
export async function describeTable(
  client: DynamoDBClient,
  name: string,
): Promise<{ status: string; itemCount?: number } | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    return { status: Table?.TableStatus ?? 'UNKNOWN', itemCount: Table?.ItemCount };
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}
