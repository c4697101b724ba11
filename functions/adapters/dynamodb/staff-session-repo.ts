import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ConflictError } from '../../core/errors';
import type { StaffSession, StaffSessionRepo } from '../../core/ports';
import { conditionally, isConditionFailure } from './client';
import { collect, queryItems } from './paginate';

const itemSchema = z.object({
  id: z.string(),
  state: z.enum(['challenge', 'signed-in']),
  staffId: z.string().optional(),
  staffEmail: z.string().optional(),
  csrf: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.number(),
  challenge: z
    .object({
      challenge: z.enum(['new-password', 'totp-setup', 'totp-code']),
      username: z.string(),
      session: z.string(),
      email: z.string(),
      secret: z.string().optional(),
    })
    .optional(),
});

/**
 * Console sessions in the staffSessions table. Signed-in sessions carry `staffId`, so the sparse
 * `byStaff` index finds every session of one staff member (`nashra staff remove`). `expiresAt` is the
 * table's TTL attribute; DynamoDB deletes expired items only eventually (dynalite never), so reads
 * leave out whatever has expired.
 */
export class DynamoStaffSessionRepo implements StaffSessionRepo {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(session: StaffSession): Promise<void> {
    const { staff, ...rest } = session;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...rest, ...(staff ? { staffId: staff.id, staffEmail: staff.email } : {}) },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError('a session with this id exists already');
      throw error;
    }
  }

  async get(id: string, now: Date): Promise<StaffSession | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { staffId, staffEmail, ...item } = itemSchema.parse(Item);
    if (item.expiresAt * 1000 <= now.getTime()) return undefined;
    return { ...item, ...(staffId && staffEmail ? { staff: { id: staffId, email: staffEmail } } : {}) };
  }

  async touch(id: string, lastSeenAt: string, expiresAt: number): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET lastSeenAt = :lastSeenAt, expiresAt = :expiresAt',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':lastSeenAt': lastSeenAt, ':expiresAt': expiresAt },
        }),
      ),
    );
  }

  async remove(id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { id } }));
  }

  async removeAllOf(staffId: string): Promise<number> {
    const items = await collect(
      queryItems(this.db, {
        TableName: this.tableName,
        IndexName: 'byStaff',
        KeyConditionExpression: 'staffId = :staffId',
        ExpressionAttributeValues: { ':staffId': staffId },
        ProjectionExpression: 'id',
      }),
    );
    for (const item of items) await this.remove(String(item.id));
    return items.length;
  }
}
