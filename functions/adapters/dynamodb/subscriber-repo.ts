import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../core/errors';
import type { SubscriberRepo } from '../../core/ports';
import {
  type Cadence,
  emailHash,
  type ReaderChanges,
  type Subscriber,
  type SubscriberStatus,
  segmentOf,
  subscriberSchema,
} from '../../core/subscriber';
import { isConditionFailure } from './client';
import { decodeCursor, encodeCursor, keyString } from './cursor';

/** Where a page ends: of the table (a scan), of the bySegment index (the table's key and the index's). */
const tableKey = z.strictObject({ id: keyString });
const bySegmentKey = z.strictObject({ id: keyString, segment: keyString });

const claimKey = (email: string) => `email#${emailHash(email)}`;

/**
 * Subscribers and their address claims share one table. The claim item (`email#<sha256>`) is written
 * first with attribute_not_exists, so of two concurrent subscribes for one address exactly one wins;
 * the subscriber item follows, also conditionally. A claim left without its subscriber (a crash
 * between the two writes) is completed by the next create for that address.
 */
export class DynamoSubscriberRepo implements SubscriberRepo {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(subscriber: Subscriber): Promise<{ subscriber: Subscriber; created: boolean }> {
    const key = claimKey(subscriber.email);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { id: key, kind: 'claim', subscriberId: subscriber.id },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const claim = await this.getItem(key);
      const holder = claim && (await this.get(String(claim.subscriberId)));
      if (holder) return { subscriber: holder, created: false };
      if (claim) subscriber = { ...subscriber, id: String(claim.subscriberId) };
    }
    try {
      await this.put(subscriber, { expression: 'attribute_not_exists(id)' });
      return { subscriber, created: true };
    } catch (error) {
      // A concurrent create completed the same claim first: theirs is the subscriber.
      const holder = isConditionFailure(error) ? await this.get(subscriber.id) : undefined;
      if (holder) return { subscriber: holder, created: false };
      throw error;
    }
  }

  async get(id: string): Promise<Subscriber | undefined> {
    if (id.startsWith('email#')) return undefined;
    const item = await this.getItem(id);
    return item ? subscriberSchema.parse(item) : undefined;
  }

  async findByEmail(email: string): Promise<Subscriber | undefined> {
    const claim = await this.getItem(claimKey(email));
    return claim ? this.get(String(claim.subscriberId)) : undefined;
  }

  async getMany(ids: string[]): Promise<Map<string, Subscriber>> {
    const found = new Map<string, Subscriber>();
    const wanted = [...new Set(ids)].filter((id) => !id.startsWith('email#'));
    if (wanted.length > 100) throw new Error('getMany takes at most 100 ids');
    let keys: Array<Record<string, unknown>> | undefined = wanted.map((id) => ({ id }));
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await this.db.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) {
        const subscriber = subscriberSchema.parse(item);
        found.set(subscriber.id, subscriber);
      }
      keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    return found;
  }

  async update(subscriber: Subscriber, options: { ifStatus?: SubscriberStatus[] } = {}): Promise<void> {
    const statuses = options.ifStatus ?? [];
    const condition =
      statuses.length > 0
        ? {
            expression: `attribute_exists(id) AND #status IN (${statuses.map((_, i) => `:status${i}`).join(', ')})`,
            names: { '#status': 'status' },
            values: Object.fromEntries(statuses.map((status, i) => [`:status${i}`, status])),
          }
        : { expression: 'attribute_exists(id)' };
    try {
      await this.put(subscriber, condition);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (statuses.length > 0 && (await this.get(subscriber.id)))
        throw new ConflictError(`the subscriber is no longer ${statuses.join(' or ')}`);
      throw new NotFoundError('no such subscriber');
    }
  }

  async updatePreferences(
    id: string,
    changes: ReaderChanges,
    seen: Pick<Subscriber, 'status' | 'paused' | 'cadence'>,
    now: string,
  ): Promise<Subscriber> {
    const fields = Object.entries(changes).filter(([, value]) => value !== undefined);
    const segment = segmentOf({
      status: seen.status,
      paused: changes.paused ?? seen.paused,
      cadence: changes.cadence ?? seen.cadence,
    });
    const names = Object.fromEntries(fields.map(([name], i) => [`#f${i}`, name]));
    const values = Object.fromEntries(fields.map(([, value], i) => [`:f${i}`, value]));
    const sets = [
      ...fields.map((_, i) => `#f${i} = :f${i}`),
      'updatedAt = :now',
      ...(segment ? ['#segment = :segment'] : []),
    ];
    return this.conditionalUpdate(id, {
      UpdateExpression: `SET ${sets.join(', ')}${segment ? '' : ' REMOVE #segment'}`,
      ConditionExpression:
        'attribute_exists(id) AND #status = :status AND paused = :paused AND cadence = :cadence',
      ExpressionAttributeNames: { ...names, '#status': 'status', '#segment': 'segment' },
      ExpressionAttributeValues: {
        ...values,
        ':now': now,
        ':status': seen.status,
        ':paused': seen.paused,
        ':cadence': seen.cadence,
        ...(segment ? { ':segment': segment } : {}),
      },
      conflict: 'the reader changed while this was written',
    });
  }

  async markUnsubscribed(
    id: string,
    from: SubscriberStatus[],
    record: NonNullable<Subscriber['unsubscribed']>,
    now: string,
  ): Promise<Subscriber> {
    return this.conditionalUpdate(id, {
      UpdateExpression:
        'SET #status = :unsubscribed, unsubscribed = :record, updatedAt = :now REMOVE #segment',
      ConditionExpression: `attribute_exists(id) AND #status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
      ExpressionAttributeNames: { '#status': 'status', '#segment': 'segment' },
      ExpressionAttributeValues: {
        ':unsubscribed': 'unsubscribed',
        ':record': record,
        ':now': now,
        ...Object.fromEntries(from.map((status, i) => [`:from${i}`, status])),
      },
      conflict: `the reader is no longer ${from.join(' or ')}`,
    });
  }

  /** One UpdateItem of the fields a use case owns; a failed condition is a ConflictError, or NotFound. */
  private async conditionalUpdate(
    id: string,
    update: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
      conflict: string;
    },
  ): Promise<Subscriber> {
    const { conflict, ...expression } = update;
    try {
      const result = await this.db.send(
        new UpdateCommand({ TableName: this.tableName, Key: { id }, ReturnValues: 'ALL_NEW', ...expression }),
      );
      return subscriberSchema.parse(result.Attributes);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (await this.get(id)) throw new ConflictError(conflict);
      throw new NotFoundError('no such subscriber');
    }
  }

  async pageSegment(cadence: Cadence, page: { cursor?: string; limit: number }) {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'bySegment',
        KeyConditionExpression: '#segment = :segment',
        ExpressionAttributeNames: { '#segment': 'segment' },
        ExpressionAttributeValues: { ':segment': cadence },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, bySegmentKey),
      }),
    );
    return {
      subscribers: (result.Items ?? []).map((item) => subscriberSchema.parse(item)),
      cursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  async scan(page: { cursor?: string; limit: number }) {
    const result = await this.db.send(
      new ScanCommand({
        TableName: this.tableName,
        FilterExpression: '#kind = :subscriber',
        ExpressionAttributeNames: { '#kind': 'kind' },
        ExpressionAttributeValues: { ':subscriber': 'subscriber' },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, tableKey),
      }),
    );
    return {
      subscribers: (result.Items ?? []).map((item) => subscriberSchema.parse(item)),
      cursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  async remove(subscriber: Subscriber): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { id: subscriber.id } }));
    await this.db.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { id: claimKey(subscriber.email) },
        ConditionExpression: 'attribute_not_exists(id) OR subscriberId = :id',
        ExpressionAttributeValues: { ':id': subscriber.id },
      }),
    );
  }

  private async put(
    subscriber: Subscriber,
    condition: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
  ): Promise<void> {
    const segment = segmentOf(subscriber);
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...subscriberSchema.parse(subscriber), kind: 'subscriber', ...(segment ? { segment } : {}) },
        ConditionExpression: condition.expression,
        ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
        ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
      }),
    );
  }

  private async getItem(id: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item;
  }
}
