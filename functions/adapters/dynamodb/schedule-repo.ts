import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../../core/errors';
import type { ScheduleRepo } from '../../core/ports';
import { type Schedule, type ScheduleDefinition, scheduleSchema } from '../../core/schedule';
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

  async replaceDefinition(
    name: string,
    definition: ScheduleDefinition & Pick<Schedule, 'skipFiring'>,
    seenUpdatedAt: string,
    now: string,
  ): Promise<Schedule> {
    const set: Record<string, unknown> = {
      timeZone: definition.timeZone,
      cadence: definition.cadence,
      topics: definition.topics,
      updatedAt: now,
      ...(definition.cron !== undefined ? { cron: definition.cron } : {}),
      ...(definition.at !== undefined ? { at: definition.at } : {}),
      ...(definition.skipFiring !== undefined ? { skipFiring: definition.skipFiring } : {}),
    };
    const removed = (['cron', 'at', 'skipFiring'] as const).filter(
      (field) => definition[field] === undefined,
    );
    try {
      return await this.write(name, set, removed, {
        condition: 'updatedAt = :seen',
        values: { ':seen': seenUpdatedAt },
      });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (!(await this.get(name))) throw new NotFoundError(`no schedule named "${name}"`);
      throw new ConflictError(`schedule "${name}" was changed meanwhile: read it again`);
    }
  }

  async setNote(name: string, note: Schedule['note'], now: string): Promise<Schedule> {
    return this.setOrRemove(name, 'note', note, now);
  }

  async takeNote(name: string, setAt: string): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { name },
          UpdateExpression: 'REMOVE note',
          ConditionExpression: 'note.setAt = :setAt',
          ExpressionAttributeValues: { ':setAt': setAt },
        }),
      ),
    );
  }

  async setSkip(name: string, skipFiring: string | undefined, now: string): Promise<Schedule> {
    return this.setOrRemove(name, 'skipFiring', skipFiring, now);
  }

  /** Sets one field (or removes it, given undefined) of a schedule that exists, and `updatedAt`. */
  private async setOrRemove(name: string, field: 'note' | 'skipFiring', value: unknown, now: string) {
    try {
      return await this.write(
        name,
        { updatedAt: now, ...(value === undefined ? {} : { [field]: value }) },
        value === undefined ? [field] : [],
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`no schedule named "${name}"`);
      throw error;
    }
  }

  /** One conditional update of the fields given (and removal of those named); returns the schedule after. */
  private async write(
    name: string,
    set: Record<string, unknown>,
    removed: readonly string[],
    guard?: { condition: string; values: Record<string, unknown> },
  ): Promise<Schedule> {
    const fields = Object.keys(set);
    const names: Record<string, string> = { '#name': 'name' };
    for (const [index, field] of [...fields, ...removed].entries()) names[`#f${index}`] = field;
    const setPart = fields.map((_, index) => `#f${index} = :v${index}`).join(', ');
    const removePart = removed.map((_, index) => `#f${fields.length + index}`).join(', ');
    const result = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { name },
        UpdateExpression: `SET ${setPart}${removePart ? ` REMOVE ${removePart}` : ''}`,
        ConditionExpression: `attribute_exists(#name)${guard ? ` AND ${guard.condition}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ...Object.fromEntries(fields.map((field, index) => [`:v${index}`, set[field]])),
          ...guard?.values,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return scheduleSchema.parse(result.Attributes);
  }
}
