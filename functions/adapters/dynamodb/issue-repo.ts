import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { type Issue, type IssueStatus, issueSchema } from '../../core/issue';
import { type CompiledMail, compiledMailSchema } from '../../core/mail/compiled-mail';
import type { IssueCounts, IssueRepo } from '../../core/ports';
import { conditionally, isConditionFailure } from './client';
import { decodeCursor, encodeCursor, keyString } from './cursor';
import { collect, queryItems } from './paginate';

/** Where a page of `list` (the byCreated index) ends: the table's key and the index's. */
const byCreatedKey = z.strictObject({ id: keyString, listKey: z.literal('issue'), createdAt: keyString });

/** Compiled variants are items of their own (a bilingual digest is ~60 KB; an item holds 400 KB). */
const variantId = (issueId: string, key: string) => `${issueId}#variant#${key}`;

export class DynamoIssueRepo implements IssueRepo {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createOnce(issue: Issue): Promise<{ issue: Issue; created: boolean }> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...issueSchema.parse(issue), listKey: 'issue' },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
      return { issue, created: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.get(issue.id);
      if (!existing) throw error;
      return { issue: existing, created: false };
    }
  }

  async get(id: string): Promise<Issue | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item ? issueSchema.parse(Item) : undefined;
  }

  async list(page: { limit: number; cursor?: string }) {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byCreated',
        KeyConditionExpression: 'listKey = :issue',
        ExpressionAttributeValues: { ':issue': 'issue' },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, byCreatedKey),
      }),
    );
    return {
      issues: (result.Items ?? []).map((item) => issueSchema.parse(item)),
      cursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  async listSince(since: string): Promise<Issue[]> {
    const items = queryItems(this.db, {
      TableName: this.tableName,
      IndexName: 'byCreated',
      KeyConditionExpression: 'listKey = :issue AND createdAt >= :since',
      ExpressionAttributeValues: { ':issue': 'issue', ':since': since },
      ScanIndexForward: false,
    });
    return (await collect(items)).map((item) => issueSchema.parse(item));
  }

  async listNeedingStaff(since: string): Promise<Issue[]> {
    const items = queryItems(this.db, {
      TableName: this.tableName,
      IndexName: 'byCreated',
      KeyConditionExpression: 'listKey = :issue AND createdAt >= :since',
      FilterExpression: '#status IN (:held, :parked) OR failed > :none',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':issue': 'issue',
        ':since': since,
        ':held': 'held',
        ':parked': 'parked',
        ':none': 0,
      },
      ScanIndexForward: false,
    });
    return (await collect(items)).map((item) => issueSchema.parse(item));
  }

  async listForSchedule(schedule: string, since: string): Promise<Issue[]> {
    const items = queryItems(this.db, {
      TableName: this.tableName,
      IndexName: 'bySchedule',
      KeyConditionExpression: '#schedule = :schedule AND createdAt >= :since',
      ExpressionAttributeNames: { '#schedule': 'schedule' },
      ExpressionAttributeValues: { ':schedule': schedule, ':since': since },
    });
    return (await collect(items)).map((item) => issueSchema.parse(item));
  }

  async saveVariant(issueId: string, key: string, mail: CompiledMail): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { id: variantId(issueId, key), ...mail } }),
    );
  }

  async getVariant(issueId: string, key: string): Promise<CompiledMail | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { id: variantId(issueId, key) } }),
    );
    return Item ? compiledMailSchema.parse(Item) : undefined;
  }

  async addUnsubscribedSince(id: string): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'ADD unsubscribedSince :one',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    );
  }

  async addCounts(id: string, counts: IssueCounts, now: string): Promise<Issue> {
    const entries = Object.entries(counts).filter(([, value]) => value !== undefined && value !== 0);
    const names = Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name]));
    const values = Object.fromEntries(entries.map(([, value], i) => [`:c${i}`, value]));
    const result = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id },
        UpdateExpression: `SET updatedAt = :now${entries.length ? ' ADD ' : ''}${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(id)',
        ExpressionAttributeNames: entries.length ? names : undefined,
        ExpressionAttributeValues: { ':now': now, ...values },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return issueSchema.parse(result.Attributes);
  }

  async addVariantKey(id: string, key: string, now: string): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression:
            'SET variantKeys = list_append(if_not_exists(variantKeys, :empty), :key), updatedAt = :now',
          ConditionExpression: 'NOT contains(variantKeys, :keyValue)',
          ExpressionAttributeValues: { ':empty': [], ':key': [key], ':keyValue': key, ':now': now },
        }),
      )
      .catch((error) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async markFannedOut(id: string, now: string): Promise<Issue> {
    const result = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id },
        UpdateExpression: 'SET fannedOut = :yes, updatedAt = :now',
        ExpressionAttributeValues: { ':yes': true, ':now': now },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return issueSchema.parse(result.Attributes);
  }

  async recordFanOutPage(
    id: string,
    recipients: number,
    expected: string,
    next: string,
    now: string,
  ): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET fanOutPosition = :next, updatedAt = :now ADD recipients :recipients',
          ConditionExpression:
            expected === ''
              ? 'attribute_not_exists(fanOutPosition) OR fanOutPosition = :expected'
              : 'fanOutPosition = :expected',
          ExpressionAttributeValues: {
            ':next': next,
            ':now': now,
            ':recipients': recipients,
            ':expected': expected,
          },
        }),
      ),
    );
  }

  async replaceCounts(
    id: string,
    counts: Required<Pick<Issue, 'sent' | 'skipped' | 'failed'>>,
    seenUpdatedAt: string,
    now: string,
  ): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET sent = :sent, skipped = :skipped, failed = :failed, updatedAt = :now',
          ConditionExpression: 'updatedAt = :seen',
          ExpressionAttributeValues: {
            ':sent': counts.sent,
            ':skipped': counts.skipped,
            ':failed': counts.failed,
            ':now': now,
            ':seen': seenUpdatedAt,
          },
        }),
      ),
    );
  }

  async setStatus(id: string, status: IssueStatus, now: string, from?: IssueStatus[]): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET #status = :status, updatedAt = :now',
          ConditionExpression: from
            ? `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`
            : 'attribute_exists(id)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':now': now,
            ...Object.fromEntries((from ?? []).map((s, i) => [`:from${i}`, s])),
          },
        }),
      ),
    );
  }

  async park(id: string, reason: string, now: string): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET #status = :parked, parkedReason = :reason, updatedAt = :now',
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':parked': 'parked',
            ':sending': 'sending',
            ':reason': reason,
            ':now': now,
          },
        }),
      ),
    );
  }
}
