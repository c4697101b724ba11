import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ConflictError } from '../../core/errors';
import type { AuditRepo } from '../../core/ports';
import {
  type AuditPage,
  type AuditQuery,
  type AuditRecord,
  auditCursorOf,
  auditTargetKinds,
} from '../../core/staff/audit';
import { isConditionFailure } from './client';

/** The one partition every record is in (see the audit table's definition). */
const LOG = 'staff';

const recordSchema = z.object({
  at: z.string(),
  id: z.string(),
  actor: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('staff'), id: z.string(), email: z.string() }),
    z.object({ kind: z.literal('cli'), name: z.string() }),
  ]),
  action: z.string(),
  target: z.object({ kind: z.enum(auditTargetKinds), id: z.string() }).optional(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/**
 * The audit log in the audit table: one partition, sorted by `at` (the instant and the record's id,
 * as `auditCursorOf` writes them), so newest-first and "since" are each one Query. Records are
 * written once and never changed.
 */
export class DynamoAuditRepo implements AuditRepo {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(record: AuditRecord): Promise<void> {
    const { at, ...rest } = record;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { log: LOG, at: auditCursorOf(record), instant: at, ...rest },
          ConditionExpression: 'attribute_not_exists(#at)',
          ExpressionAttributeNames: { '#at': 'at' },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError('this audit record exists already');
      throw error;
    }
  }

  async list(query: AuditQuery): Promise<AuditPage> {
    const records: AuditRecord[] = [];
    const conditions = ['#log = :log'];
    const values: Record<string, string> = { ':log': LOG };
    // A cursor is `at` itself; an instant is made comparable with it (milliseconds, UTC).
    const since = query.since ? new Date(query.since).toISOString() : undefined;
    if (since && query.before) {
      conditions.push('#at BETWEEN :since AND :before');
      Object.assign(values, { ':since': since, ':before': query.before });
    } else if (since) {
      conditions.push('#at >= :since');
      values[':since'] = since;
    } else if (query.before) {
      conditions.push('#at < :before');
      values[':before'] = query.before;
    }
    let start: Record<string, unknown> | undefined;
    const wanted = query.limit ?? Number.POSITIVE_INFINITY;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: { '#log': 'log', ...(conditions.length > 1 ? { '#at': 'at' } : {}) },
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          ExclusiveStartKey: start,
          ...(Number.isFinite(wanted) ? { Limit: wanted - records.length + 1 } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        // BETWEEN includes its upper end: the cursor's own record belongs to the page before.
        if (query.before && String(item.at) >= query.before) continue;
        const { instant, ...rest } = item;
        records.push(recordSchema.parse({ ...rest, at: instant }));
      }
      start = page.LastEvaluatedKey;
    } while (start && records.length <= wanted);
    if (records.length <= wanted) return { records };
    const kept = records.slice(0, wanted);
    const last = kept[kept.length - 1] as AuditRecord;
    return { records: kept, next: auditCursorOf(last) };
  }
}
