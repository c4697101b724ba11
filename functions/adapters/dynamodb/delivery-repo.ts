import { type DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { InvalidCursorError } from '../../core/errors';
import type { DeliveryStatus } from '../../core/issue';
import type {
  ClaimResult,
  Delivery,
  DeliveryFeedback,
  DeliveryRepo,
  SendJob,
  StoryClaim,
} from '../../core/ports';
import { conditionally, isConditionFailure } from './client';
import { decodeCursor, encodeCursor, keyString } from './cursor';
import { collect, queryItems } from './paginate';

/**
 * Story claims live beside the deliveries, one item per (article, reader) under this prefix: they are
 * the reader's like their deliveries, so erasure finds them by the same index.
 */
const storyKey = (articleId: string) => `story#${articleId}`;
const isStory = (item: Record<string, unknown>) => String(item.issueId).startsWith('story#');

/** The table's key: what a page cursor of an issue's deliveries holds. */
const deliveryKey = z.strictObject({ issueId: keyString, subscriberId: keyString });

/**
 * One item per (issue, reader). Every transition is a conditional write, so a retried or duplicated
 * send job can never take a pair that another attempt has finished or still holds. Every write sets
 * `expiresAt` (the table's TTL attribute) `retentionDays` after it: DynamoDB deletes a delivery record
 * that long after its last change.
 *
 * The two writes of every mail sent (the claim and the outcome) go through `sendPath`, a plain
 * DynamoDB client that keeps each command's resolved middleware (`cacheMiddleware`, which the document
 * client refuses), with attribute maps written out: the SDK's per-call work is most of a sender's CPU.
 * It is asked for on the first send, so a process that never sends never builds it.
 */
export class DynamoDeliveryRepo implements DeliveryRepo {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly sendPath: () => DynamoDBClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  /** The TTL of a record written at `now`, in epoch seconds. */
  private expiresAt(now: Date): number {
    return Math.floor(now.getTime() / 1000) + this.retentionDays * 24 * 60 * 60;
  }

  async claim(
    issueId: string,
    subscriberId: string,
    variantKey: string,
    now: Date,
    leaseMs: number,
  ): Promise<ClaimResult> {
    // A holder may release its claim between our refused write and our read: then try again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await this.tryClaim(issueId, subscriberId, variantKey, now, leaseMs);
      if (result) return result;
    }
    return 'busy';
  }

  private async tryClaim(
    issueId: string,
    subscriberId: string,
    variantKey: string,
    now: Date,
    leaseMs: number,
  ): Promise<ClaimResult | undefined> {
    try {
      const at = now.toISOString();
      await this.sendPath().send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            issueId: { S: issueId },
            subscriberId: { S: subscriberId },
            status: { S: 'sending' },
            variantKey: { S: variantKey },
            claimedAt: { S: at },
            leaseUntil: { S: new Date(now.getTime() + leaseMs).toISOString() },
            updatedAt: { S: at },
            expiresAt: { N: String(this.expiresAt(now)) },
          },
          ConditionExpression:
            'attribute_not_exists(issueId) OR #status = :parked OR (#status = :sending AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':sending': { S: 'sending' },
            ':parked': { S: 'parked' },
            ':now': { S: at },
          },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const current = await this.get(issueId, subscriberId);
    if (!current) return undefined;
    return current.status === 'sending' ? 'busy' : 'done';
  }

  async markSent(issueId: string, subscriberId: string, messageId: string, now: Date): Promise<void> {
    await this.finish(issueId, subscriberId, 'sent', now, { messageId });
  }

  async markFailed(issueId: string, subscriberId: string, reason: string, now: Date): Promise<void> {
    await this.finish(issueId, subscriberId, 'failed', now, { reason });
  }

  async markSkipped(issueId: string, subscriberId: string, reason: string, now: Date): Promise<boolean> {
    return conditionally(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            issueId,
            subscriberId,
            status: 'skipped',
            reason,
            updatedAt: now.toISOString(),
            expiresAt: this.expiresAt(now),
          },
          ConditionExpression: 'attribute_not_exists(issueId) OR #status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      ),
    );
  }

  async markParked(issueId: string, subscriberId: string, variantKey: string, now: Date): Promise<void> {
    await this.db
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            issueId,
            subscriberId,
            status: 'parked',
            variantKey,
            updatedAt: now.toISOString(),
            expiresAt: this.expiresAt(now),
          },
          ConditionExpression: 'attribute_not_exists(issueId) OR #status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      )
      .catch((error) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async listParked(issueId: string): Promise<SendJob[]> {
    const jobs: SendJob[] = [];
    for await (const item of this.withStatus(issueId, 'parked')) {
      jobs.push({ issueId, subscriberId: String(item.subscriberId), variantKey: String(item.variantKey) });
    }
    return jobs;
  }

  async release(issueId: string, subscriberId: string): Promise<void> {
    await this.db
      .send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { issueId, subscriberId },
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      )
      .catch((error) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  /** The deliveries of an issue that failed for good: what the dead-letter queue holds for it. */
  async listFailed(issueId: string): Promise<Delivery[]> {
    return (await collect(this.withStatus(issueId, 'failed'))) as unknown as Delivery[];
  }

  async pageForIssue(
    issueId: string,
    page: { cursor?: string; limit: number },
  ): Promise<{ deliveries: Delivery[]; cursor?: string }> {
    const start = decodeCursor(page.cursor, deliveryKey);
    if (start && start.issueId !== issueId) throw new InvalidCursorError('invalid page cursor');
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'issueId = :issue',
        ExpressionAttributeValues: { ':issue': issueId },
        ExclusiveStartKey: start,
        Limit: page.limit,
        ConsistentRead: true,
      }),
    );
    const cursor = encodeCursor(result.LastEvaluatedKey);
    return { deliveries: (result.Items ?? []) as Delivery[], ...(cursor ? { cursor } : {}) };
  }

  async countByStatus(issueId: string): Promise<Record<DeliveryStatus, number>> {
    const counts: Record<DeliveryStatus, number> = { sending: 0, sent: 0, failed: 0, skipped: 0, parked: 0 };
    const items = queryItems(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'issueId = :issue',
      ProjectionExpression: '#status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':issue': issueId },
      ConsistentRead: true,
    });
    for await (const item of items) counts[item.status as DeliveryStatus] += 1;
    return counts;
  }

  /** An issue's deliveries in one state, read consistently. */
  private withStatus(issueId: string, status: DeliveryStatus) {
    return queryItems(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'issueId = :issue',
      FilterExpression: '#status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':issue': issueId, ':status': status },
      ConsistentRead: true,
    });
  }

  async listForSubscriber(subscriberId: string): Promise<Delivery[]> {
    return (await this.allOfSubscriber(subscriberId)).filter(
      (item) => !isStory(item),
    ) as unknown as Delivery[];
  }

  async recordFeedback(
    issueId: string,
    subscriberId: string,
    feedback: DeliveryFeedback,
    now: Date,
  ): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { issueId, subscriberId },
          UpdateExpression: `SET feedback = :kind, feedbackAt = :now${feedback.detail ? ', feedbackDetail = :detail' : ''}`,
          ConditionExpression: 'attribute_exists(issueId) AND attribute_not_exists(feedback)',
          ExpressionAttributeValues: {
            ':kind': feedback.kind,
            ':now': now.toISOString(),
            ...(feedback.detail ? { ':detail': feedback.detail } : {}),
          },
        }),
      ),
    );
  }

  async removeForSubscriber(subscriberId: string): Promise<number> {
    const items = await this.allOfSubscriber(subscriberId);
    for (const item of items) {
      await this.db.send(
        new DeleteCommand({ TableName: this.tableName, Key: { issueId: item.issueId, subscriberId } }),
      );
    }
    return items.filter((item) => !isStory(item)).length;
  }

  async claimStory(articleId: string, subscriberId: string, issueId: string, now: Date): Promise<boolean> {
    return conditionally(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            issueId: storyKey(articleId),
            subscriberId,
            articleId,
            heldBy: issueId,
            claimedAt: now.toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(issueId) OR heldBy = :issue',
          ExpressionAttributeValues: { ':issue': issueId },
        }),
      ),
    );
  }

  async releaseStory(articleId: string, subscriberId: string, issueId: string): Promise<void> {
    await conditionally(
      this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { issueId: storyKey(articleId), subscriberId },
          ConditionExpression: 'heldBy = :issue',
          ExpressionAttributeValues: { ':issue': issueId },
        }),
      ),
    );
  }

  async listStoriesForSubscriber(subscriberId: string): Promise<StoryClaim[]> {
    return (await this.allOfSubscriber(subscriberId)).filter(isStory).map((item) => ({
      articleId: String(item.articleId),
      issueId: String(item.heldBy),
      claimedAt: String(item.claimedAt),
    }));
  }

  /** Every item of a reader in this table, deliveries and story claims alike. */
  private async allOfSubscriber(subscriberId: string): Promise<Array<Record<string, unknown>>> {
    return collect(
      queryItems(this.db, {
        TableName: this.tableName,
        IndexName: 'bySubscriber',
        KeyConditionExpression: 'subscriberId = :id',
        ExpressionAttributeValues: { ':id': subscriberId },
      }),
    );
  }

  private async get(issueId: string, subscriberId: string): Promise<Delivery | undefined> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'issueId = :issue AND subscriberId = :subscriber',
        ExpressionAttributeValues: { ':issue': issueId, ':subscriber': subscriberId },
        ConsistentRead: true,
      }),
    );
    return page.Items?.[0] as Delivery | undefined;
  }

  private async finish(
    issueId: string,
    subscriberId: string,
    status: 'sent' | 'failed',
    now: Date,
    extra: Record<string, string>,
  ) {
    const names = Object.keys(extra);
    await this.sendPath().send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { issueId: { S: issueId }, subscriberId: { S: subscriberId } },
        UpdateExpression: `SET #status = :status, updatedAt = :now, expiresAt = :expiresAt${names.map((n) => `, ${n} = :${n}`).join('')} REMOVE leaseUntil`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': { S: status },
          ':now': { S: now.toISOString() },
          ':expiresAt': { N: String(this.expiresAt(now)) },
          ...Object.fromEntries(names.map((n) => [`:${n}`, { S: String(extra[n]) }])),
        },
      }),
    );
  }
}
