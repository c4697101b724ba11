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
import * as z from 'zod';
import { ConflictError, NotFoundError } from '../../core/errors';
import type { Activation, Clock, SubscriberRepo } from '../../core/ports';
import {
  type Cadence,
  emailHash,
  fanOutReaderSchema,
  type ReaderChanges,
  type Subscriber,
  type SubscriberStatus,
  segmentOf,
  subscriberSchema,
} from '../../core/subscriber';
import { conditionally, isConditionFailure } from './client';
import { decodeCursor, encodeCursor, keyString } from './cursor';

/** Where a page ends: of the table (a scan), of the bySegment index (the table's key and the index's). */
const tableKey = z.strictObject({ id: keyString });
const bySegmentKey = z.strictObject({ id: keyString, segment: keyString });

/** The attributes of a FanOutReader, as a projection (names as placeholders: any may be a reserved word). */
const fanOutAttributeNames = Object.fromEntries(
  Object.keys(fanOutReaderSchema.shape).map((name) => [`#${name}`, name]),
);
const fanOutProjection = Object.keys(fanOutAttributeNames).join(', ');

const claimKey = (email: string) => `email#${emailHash(email)}`;

/** The statuses a bounce or a complaint may still change: everyone not suppressed already. */
const unsuppressed: SubscriberStatus[] = ['pending', 'active', 'unsubscribed'];

const statusIn = (statuses: SubscriberStatus[]) =>
  `#status IN (${statuses.map((_, i) => `:status${i}`).join(', ')})`;
const statusValues = (statuses: SubscriberStatus[]) =>
  Object.fromEntries(statuses.map((status, i) => [`:status${i}`, status]));

/**
 * Subscribers and their address claims share one table. The claim item (`email#<sha256>`) is written
 * first with attribute_not_exists, so of two concurrent subscribes for one address exactly one wins;
 * the subscriber item follows, also conditionally. A claim left without its subscriber (a crash
 * between the two writes) is completed by the next create for that address.
 *
 * A never-confirmed reader expires: it and its claim carry `expiresAt` (epoch seconds), the table's
 * TTL attribute, and the claim's never comes before the reader's (it is set first and removed first;
 * a write that makes the reader permanent removes it again after, against a concurrent mail).
 * DynamoDB deletes expired items only eventually (dynalite never), so every read treats an expired
 * item as absent, and a create takes over an expired claim.
 */
export class DynamoSubscriberRepo implements SubscriberRepo {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async create(subscriber: Subscriber): Promise<{ subscriber: Subscriber; created: boolean }> {
    const key = claimKey(subscriber.email);
    const now = this.nowSeconds();
    try {
      const { Attributes: earlier } = await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            id: key,
            kind: 'claim',
            subscriberId: subscriber.id,
            ...(subscriber.expiresAt === undefined ? {} : { expiresAt: subscriber.expiresAt }),
          },
          ConditionExpression: 'attribute_not_exists(id) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': now },
          ReturnValues: 'ALL_OLD',
        }),
      );
      // An expired claim taken over: its reader, expired too, goes now rather than at TTL's leisure,
      // so nothing names the address but the new reader.
      if (earlier?.subscriberId && earlier.subscriberId !== subscriber.id)
        await conditionally(
          this.db.send(
            new DeleteCommand({
              TableName: this.tableName,
              Key: { id: String(earlier.subscriberId) },
              ConditionExpression: 'expiresAt <= :now',
              ExpressionAttributeValues: { ':now': now },
            }),
          ),
        );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const claim = await this.getItem(key);
      const holder = claim && (await this.get(String(claim.subscriberId)));
      if (holder) return { subscriber: holder, created: false };
      if (claim) {
        subscriber = { ...subscriber, id: String(claim.subscriberId) };
        // The claim outlived its reader (a crash, or a reader that expired while the claim was kept):
        // it takes the new reader's expiry, or none, before the reader is written.
        await this.setClaimExpiry(subscriber, subscriber.expiresAt);
      }
    }
    try {
      await this.put(subscriber, {
        expression: 'attribute_not_exists(id) OR expiresAt <= :now',
        values: { ':now': now },
      });
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
    return this.live(await this.getItem(id));
  }

  async findByEmail(email: string): Promise<Subscriber | undefined> {
    const claim = this.unexpired(await this.getItem(claimKey(email)));
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
        const subscriber = this.live(item);
        if (subscriber) found.set(subscriber.id, subscriber);
      }
      keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    return found;
  }

  async updatePreferences(
    id: string,
    changes: ReaderChanges,
    seen: Pick<Subscriber, 'status' | 'paused' | 'cadence' | 'linkVersion'>,
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
    // The segment follows from the status and from the pause and cadence written or, when not
    // written, as seen: only those seen values are conditions, so full saves never refuse each other.
    const kept = {
      ...(changes.paused === undefined ? { paused: seen.paused } : {}),
      ...(changes.cadence === undefined ? { cadence: seen.cadence } : {}),
    };
    return this.conditionalUpdate(id, {
      UpdateExpression: `SET ${sets.join(', ')}${segment ? '' : ' REMOVE #segment'}`,
      ConditionExpression: [
        'attribute_exists(id) AND #status = :status AND linkVersion = :linkVersion',
        ...Object.keys(kept).map((name) => `${name} = :seen_${name}`),
      ].join(' AND '),
      ExpressionAttributeNames: { ...names, '#status': 'status', '#segment': 'segment' },
      ExpressionAttributeValues: {
        ...values,
        ':now': now,
        ':status': seen.status,
        ':linkVersion': seen.linkVersion,
        ...Object.fromEntries(Object.entries(kept).map(([name, value]) => [`:seen_${name}`, value])),
        ...(segment ? { ':segment': segment } : {}),
      },
      conflict: 'the reader changed while this was written',
    });
  }

  async markUnsubscribed(
    id: string,
    from: SubscriberStatus[],
    record: Subscriber['unsubscribed'],
    now: string,
  ): Promise<Subscriber> {
    return this.conditionalUpdate(id, {
      UpdateExpression: record
        ? 'SET #status = :unsubscribed, unsubscribed = :record, updatedAt = :now REMOVE #segment'
        : 'SET #status = :unsubscribed, updatedAt = :now REMOVE #segment, unsubscribed',
      ConditionExpression: `attribute_exists(id) AND ${statusIn(from)}`,
      ExpressionAttributeNames: { '#status': 'status', '#segment': 'segment' },
      ExpressionAttributeValues: {
        ':unsubscribed': 'unsubscribed',
        ':now': now,
        ...(record ? { ':record': record } : {}),
        ...statusValues(from),
      },
      conflict: `the reader is no longer ${from.join(' or ')}`,
    });
  }

  async markActive(
    reader: Pick<Subscriber, 'id' | 'email'>,
    activation: Activation,
    now: string,
  ): Promise<Subscriber> {
    const { from, seen, consent, confirmedAt, confirmations, choices } = activation;
    // An active reader is kept: the claim on the address first, so it never expires before its reader,
    // and again after, in case a confirmation mail going out meanwhile set it again.
    await this.setClaimExpiry(reader, undefined);
    const cadence = choices?.cadence ?? seen.cadence;
    const segment = segmentOf({ status: 'active', paused: seen.paused, cadence });
    const chosen = Object.entries(choices ?? {});
    const sets = [
      '#status = :active',
      'consent = :consent',
      'updatedAt = :now',
      confirmedAt === 'keep' ? 'confirmedAt = if_not_exists(confirmedAt, :now)' : 'confirmedAt = :now',
      ...(segment ? ['#segment = :segment'] : []),
      ...(confirmations ? ['confirmations = :confirmations'] : []),
      ...chosen.map(([name]) => `#chosen_${name} = :chosen_${name}`),
    ];
    const removes = ['requested', 'expiresAt', ...(segment ? [] : ['#segment'])];
    const conditions = [
      'attribute_exists(id) AND (attribute_not_exists(expiresAt) OR expiresAt > :nowSeconds)',
      statusIn(from),
      // The segment follows from the pause, and from the cadence unless the choices set it.
      choices ? 'paused = :paused' : 'paused = :paused AND cadence = :cadence',
      'linkVersion = :linkVersion',
      ...(confirmations
        ? [
            confirmations.seen === undefined
              ? 'attribute_not_exists(confirmations)'
              : 'confirmations = :seenConfirmations',
          ]
        : []),
    ];
    const active = await this.conditionalUpdate(reader.id, {
      UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: {
        '#status': 'status',
        '#segment': 'segment',
        ...Object.fromEntries(chosen.map(([name]) => [`#chosen_${name}`, name])),
      },
      ExpressionAttributeValues: {
        ':active': 'active',
        ':consent': consent,
        ':now': now,
        ':nowSeconds': this.nowSeconds(),
        ':paused': seen.paused,
        ...(choices ? {} : { ':cadence': seen.cadence }),
        ...Object.fromEntries(chosen.map(([name, value]) => [`:chosen_${name}`, value])),
        ':linkVersion': seen.linkVersion,
        ...(segment ? { ':segment': segment } : {}),
        ...(confirmations ? { ':confirmations': confirmations.next } : {}),
        ...(confirmations?.seen === undefined ? {} : { ':seenConfirmations': confirmations.seen }),
        ...statusValues(from),
      },
      conflict: 'the reader changed while this was written',
    });
    await this.setClaimExpiry(reader, undefined);
    return active;
  }

  async requestConfirmation(
    id: string,
    from: SubscriberStatus,
    requested: NonNullable<Subscriber['requested']>,
    now: string,
  ): Promise<Subscriber> {
    return this.conditionalUpdate(id, {
      UpdateExpression: 'SET requested = :requested, updatedAt = :now',
      ConditionExpression: 'attribute_exists(id) AND #status = :from',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':requested': requested, ':from': from, ':now': now },
      conflict: `the reader is no longer ${from}`,
    });
  }

  async bumpLinkVersion(id: string, seen: number, now: string): Promise<Subscriber> {
    return this.conditionalUpdate(id, {
      UpdateExpression: 'SET linkVersion = :next, updatedAt = :now',
      ConditionExpression: 'attribute_exists(id) AND linkVersion = :seen',
      ExpressionAttributeValues: { ':seen': seen, ':next': seen + 1, ':now': now },
      conflict: 'the reader’s links were revoked meanwhile',
    });
  }

  async suppress(
    reader: Pick<Subscriber, 'id' | 'email'>,
    status: 'bounced' | 'complained',
    now: string,
  ): Promise<Subscriber> {
    // A suppressed address is never mailed again: it and its claim are kept, pending or not (the claim
    // before and after, as in markActive).
    await this.setClaimExpiry(reader, undefined);
    const suppressed = await this.conditionalUpdate(reader.id, {
      UpdateExpression: 'SET #status = :suppressed, updatedAt = :now REMOVE #segment, expiresAt',
      ConditionExpression: `attribute_exists(id) AND ${statusIn(unsuppressed)}`,
      ExpressionAttributeNames: { '#status': 'status', '#segment': 'segment' },
      ExpressionAttributeValues: { ':suppressed': status, ':now': now, ...statusValues(unsuppressed) },
      conflict: 'the reader is suppressed already',
    });
    await this.setClaimExpiry(reader, undefined);
    return suppressed;
  }

  async keepPendingUntil(reader: Pick<Subscriber, 'id' | 'email'>, expiresAt: number): Promise<Subscriber> {
    await this.setClaimExpiry(reader, expiresAt);
    try {
      // A pending reader stored before readers expired has no expiry yet: the next mail gives one.
      return await this.conditionalUpdate(reader.id, {
        UpdateExpression: 'SET expiresAt = :expiresAt',
        ConditionExpression:
          'attribute_exists(id) AND #status = :pending AND (attribute_not_exists(expiresAt) OR expiresAt > :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pending': 'pending',
          ':expiresAt': expiresAt,
          ':now': this.nowSeconds(),
        },
        conflict: 'the reader is no longer pending',
      });
    } catch (error) {
      // Confirmed or suppressed meanwhile: the claim goes back to the reader's own expiry (none).
      if (error instanceof ConflictError) {
        const stored = await this.get(reader.id);
        if (stored) await this.setClaimExpiry(stored, stored.expiresAt);
      }
      throw error;
    }
  }

  async countTransientBounce(id: string, now: string): Promise<Subscriber> {
    return this.conditionalUpdate(id, {
      UpdateExpression: 'SET updatedAt = :now ADD bounceCount :one',
      ConditionExpression: `attribute_exists(id) AND ${statusIn(unsuppressed)}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':one': 1, ':now': now, ...statusValues(unsuppressed) },
      conflict: 'the reader is suppressed already',
    });
  }

  /** One UpdateItem of the fields a use case owns; a failed condition is a ConflictError, or NotFound. */
  private async conditionalUpdate(
    id: string,
    update: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames?: Record<string, string>;
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

  /**
   * Reads only what fan-out needs (a ProjectionExpression): DynamoDB still reads, and charges for,
   * whole items up to its 1 MB page, but sends and the client parses two fifths of the bytes. The
   * cursor (LastEvaluatedKey) comes back whatever is projected.
   * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-ProjectionExpression
   */
  async pageSegment(cadence: Cadence, page: { cursor?: string; limit: number }) {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'bySegment',
        KeyConditionExpression: '#segment = :segment',
        ProjectionExpression: fanOutProjection,
        ExpressionAttributeNames: { '#segment': 'segment', ...fanOutAttributeNames },
        ExpressionAttributeValues: { ':segment': cadence },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, bySegmentKey),
      }),
    );
    return {
      subscribers: (result.Items ?? []).map((item) => fanOutReaderSchema.parse(item)),
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
      subscribers: (result.Items ?? []).flatMap((item) => this.live(item) ?? []),
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

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  /** The item unless it has expired (TTL deletes it only eventually). */
  private unexpired(item: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    return item && (item.expiresAt === undefined || Number(item.expiresAt) > this.nowSeconds())
      ? item
      : undefined;
  }

  /** A stored subscriber, unless expired. */
  private live(item: Record<string, unknown> | undefined): Subscriber | undefined {
    const kept = this.unexpired(item);
    return kept ? subscriberSchema.parse(kept) : undefined;
  }

  /** The claim on a reader's address keeps its reader for good, or until `expiresAt`. */
  private async setClaimExpiry(reader: Pick<Subscriber, 'id' | 'email'>, expiresAt: number | undefined) {
    await conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: claimKey(reader.email) },
          UpdateExpression: expiresAt === undefined ? 'REMOVE expiresAt' : 'SET expiresAt = :expiresAt',
          ConditionExpression: 'subscriberId = :id',
          ExpressionAttributeValues: {
            ':id': reader.id,
            ...(expiresAt === undefined ? {} : { ':expiresAt': expiresAt }),
          },
        }),
      ),
    );
  }

  private async getItem(id: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item;
  }
}
