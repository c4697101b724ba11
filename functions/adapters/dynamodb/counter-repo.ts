import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Counter, CounterRepo } from '../../core/ports';

/**
 * Short-lived counters in the counters table (rate limits, feeds' runs of failed polls): `ADD` makes each hit atomic under concurrency, and
 * `expiresAt` (epoch seconds) is the table's TTL attribute. DynamoDB deletes expired items only
 * eventually (dynalite never), so reads leave out whatever has expired.
 */
export class DynamoCounterRepo implements CounterRepo {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async hit(key: string, expiresAt: number, options: { extendExpiry?: boolean } = {}): Promise<number> {
    const result = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { key },
        UpdateExpression: options.extendExpiry
          ? 'ADD #count :one SET expiresAt = :expiresAt'
          : 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':expiresAt': expiresAt },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Number(result.Attributes?.count ?? 1);
  }

  async getMany(keys: string[], now: Date): Promise<Counter[]> {
    const found: Counter[] = [];
    let wanted: Array<Record<string, unknown>> | undefined = [...new Set(keys)].map((key) => ({ key }));
    while (wanted && wanted.length > 0) {
      const result: BatchGetCommandOutput = await this.db.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: wanted, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) {
        const counter = {
          key: String(item.key),
          count: Number(item.count),
          expiresAt: Number(item.expiresAt),
        };
        if (counter.expiresAt * 1000 > now.getTime()) found.push(counter);
      }
      wanted = result.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    return found;
  }

  async remove(keys: string[]): Promise<void> {
    for (const key of new Set(keys)) {
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { key } }));
    }
  }
}
