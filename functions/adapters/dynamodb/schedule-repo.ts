import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../../core/errors';
import type { ScheduleRepo } from '../../core/ports';
import { type Schedule, scheduleSchema } from '../../core/schedule';
import { conditionally, isConditionFailure } from './client';
import { collect, scanItems } from './paginate';

export class DynamoScheduleRepo implements ScheduleRepo {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(schedule: Schedule): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: scheduleSchema.parse(schedule),
          ConditionExpression: 'attribute_not_exists(#name)',
          ExpressionAttributeNames: { '#name': 'name' },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw new ConflictError(`a schedule named "${schedule.name}" exists already`);
      throw error;
    }
  }

  async get(name: string): Promise<Schedule | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { name }, ConsistentRead: true }),
    );
    return Item ? scheduleSchema.parse(Item) : undefined;
  }

  async list(): Promise<Schedule[]> {
    const schedules = (await collect(scanItems(this.db, { TableName: this.tableName }))).map((item) =>
      scheduleSchema.parse(item),
    );
    return schedules.sort((a, b) => a.name.localeCompare(b.name));
  }

  async update(schedule: Schedule): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: scheduleSchema.parse(schedule),
          ConditionExpression: 'attribute_exists(#name)',
          ExpressionAttributeNames: { '#name': 'name' },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`no schedule named "${schedule.name}"`);
      throw error;
    }
  }

  async remove(name: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { name } }));
  }

  async advanceWindow(
    name: string,
    expected: string | undefined,
    windowEnd: string,
    now: string,
  ): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { name },
          UpdateExpression: 'SET lastWindowEnd = :end, updatedAt = :now',
          ConditionExpression:
            expected === undefined
              ? 'attribute_exists(#name) AND attribute_not_exists(lastWindowEnd)'
              : 'lastWindowEnd = :expected',
          ExpressionAttributeNames: expected === undefined ? { '#name': 'name' } : undefined,
          ExpressionAttributeValues: {
            ':end': windowEnd,
            ':now': now,
            ...(expected === undefined ? {} : { ':expected': expected }),
          },
        }),
      ),
    );
  }
}
