import { restJsonError } from '../../../functions/local/aws-contract/refusal';
import {
  checkSchedulerCall,
  type SchedulerCall,
  schedulerCallOf,
} from '../../../functions/local/aws-contract/scheduler';
import type { UpstreamResponse } from '../../../functions/local/service-tap';
import { jsonAnswer, serveStandIn } from './http-stand-in';

/** One call the stand-in received, as the SDK sent it, and the HTTP status it answered. */
export interface RecordedSchedulerCall {
  operation: SchedulerCall['operation'] | 'GetScheduleGroup';
  name?: string;
  groupName?: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  status: number;
}

export interface StoredSchedule {
  Name: string;
  GroupName: string;
  Arn: string;
  CreationDate: number;
  LastModificationDate: number;
  [field: string]: unknown;
}

export interface SchedulerStandIn {
  url: string;
  /** Every call in the order received, refused ones included. */
  calls: RecordedSchedulerCall[];
  /** The schedules held, keyed `group/name`. */
  schedules: Map<string, StoredSchedule>;
  close(): Promise<void>;
}

/** The fields a schedule keeps from CreateSchedule / UpdateSchedule (ClientToken is not kept). */
const definitionFields = [
  'ScheduleExpression',
  'ScheduleExpressionTimezone',
  'Description',
  'State',
  'FlexibleTimeWindow',
  'Target',
  'ActionAfterCompletion',
  'StartDate',
  'EndDate',
  'KmsKeyArn',
];

const notFound = (message: string) =>
  restJsonError({ code: 'ResourceNotFoundException', message, status: 404 });

/**
 * EventBridge Scheduler's schedule API on loopback, for tests (there is no Scheduler emulator):
 * CreateSchedule, UpdateSchedule, GetSchedule, DeleteSchedule and ListSchedules over REST-JSON as the
 * SDK sends them, schedules held in memory, AWS's contract checks in front (ValidationException), and
 * AWS's answers for a schedule that exists (ConflictException, 409) or does not
 * (ResourceNotFoundException, 404), a group included. Point a SchedulerClient's `endpoint` at `url`.
 */
export async function startSchedulerStandIn(
  options: {
    groups?: string[];
    region?: string;
    account?: string;
    now?: () => Date;
    /** Schedules per ListSchedules page when the caller gives no MaxResults (small to test paging). */
    pageSize?: number;
  } = {},
): Promise<SchedulerStandIn> {
  const groups = new Set(['default', ...(options.groups ?? [])]);
  const region = options.region ?? 'eu-west-1';
  const account = options.account ?? '111111111111';
  const now = () => Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  const calls: RecordedSchedulerCall[] = [];
  const schedules = new Map<string, StoredSchedule>();

  const answer = (call: SchedulerCall): UpstreamResponse => {
    const refusal = checkSchedulerCall(call);
    if (refusal) return restJsonError(refusal);
    const group =
      (call.operation === 'CreateSchedule' || call.operation === 'UpdateSchedule'
        ? (call.body.GroupName as string | undefined)
        : (call.query.get('groupName') ?? undefined)) ?? 'default';
    if (call.operation === 'ListSchedules') return list(call.query);
    if (!groups.has(group)) return notFound(`Schedule group ${group} does not exist.`);
    const key = `${group}/${call.name}`;
    const held = schedules.get(key);
    switch (call.operation) {
      case 'CreateSchedule': {
        if (held)
          return restJsonError({
            code: 'ConflictException',
            message: `Schedule ${call.name} already exists.`,
            status: 409,
          });
        const arn = `arn:aws:scheduler:${region}:${account}:schedule/${group}/${call.name}`;
        schedules.set(key, {
          ...definitionOf(call.body),
          Name: call.name ?? '',
          GroupName: group,
          Arn: arn,
          CreationDate: now(),
          LastModificationDate: now(),
        });
        return jsonAnswer(200, { ScheduleArn: arn });
      }
      case 'UpdateSchedule': {
        if (!held) return notFound(`Schedule ${call.name} does not exist.`);
        // UpdateSchedule replaces the whole definition: a field left out is gone.
        schedules.set(key, {
          ...definitionOf(call.body),
          Name: held.Name,
          GroupName: group,
          Arn: held.Arn,
          CreationDate: held.CreationDate,
          LastModificationDate: now(),
        });
        return jsonAnswer(200, { ScheduleArn: held.Arn });
      }
      case 'GetSchedule':
        return held ? jsonAnswer(200, held) : notFound(`Schedule ${call.name} does not exist.`);
      case 'DeleteSchedule':
        if (!held) return notFound(`Schedule ${call.name} does not exist.`);
        schedules.delete(key);
        return jsonAnswer(200, {});
    }
  };

  const list = (query: URLSearchParams): UpstreamResponse => {
    const group = query.get('ScheduleGroup');
    const prefix = query.get('NamePrefix') ?? '';
    const state = query.get('State');
    const matching = [...schedules.values()]
      .filter(
        (s) =>
          (!group || s.GroupName === group) && s.Name.startsWith(prefix) && (!state || s.State === state),
      )
      .sort((a, b) => a.Name.localeCompare(b.Name));
    const start = Number(query.get('NextToken') ?? 0);
    const size = Number(query.get('MaxResults') ?? options.pageSize ?? 100);
    const page = matching.slice(start, start + size);
    return jsonAnswer(200, {
      Schedules: page.map((s) => ({
        Arn: s.Arn,
        Name: s.Name,
        GroupName: s.GroupName,
        State: s.State,
        CreationDate: s.CreationDate,
        LastModificationDate: s.LastModificationDate,
        Target: { Arn: (s.Target as { Arn?: string } | undefined)?.Arn },
      })),
      ...(start + size < matching.length ? { NextToken: String(start + size) } : {}),
    });
  };

  const service = await serveStandIn((request) => {
    // GetScheduleGroup: what `nashra stage check` reads of the stage's group.
    const group = /^\/schedule-groups\/([^/?]+)/.exec(request.url)?.[1];
    if (request.method === 'GET' && group) {
      const name = decodeURIComponent(group);
      calls.push({
        operation: 'GetScheduleGroup',
        name,
        query: {},
        body: {},
        status: groups.has(name) ? 200 : 404,
      });
      return groups.has(name)
        ? jsonAnswer(200, {
            Name: name,
            State: 'ACTIVE',
            Arn: `arn:aws:scheduler:${region}:${account}:schedule-group/${name}`,
          })
        : notFound(`Schedule group ${name} does not exist.`);
    }
    const call = schedulerCallOf(request.method, request.url, request.body);
    if (!call)
      return restJsonError({
        code: 'UnknownOperationException',
        message: `${request.method} ${request.url}`,
        status: 404,
      });
    const response = answer(call);
    calls.push({
      operation: call.operation,
      ...(call.name === undefined ? {} : { name: call.name }),
      ...((call.body.GroupName ?? call.query.get('groupName') ?? call.query.get('ScheduleGroup'))
        ? {
            groupName: String(
              call.body.GroupName ?? call.query.get('groupName') ?? call.query.get('ScheduleGroup'),
            ),
          }
        : {}),
      query: Object.fromEntries(call.query),
      body: call.body,
      status: response.status,
    });
    return response;
  });
  return { url: service.url, calls, schedules, close: service.close };
}

function definitionOf(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    definitionFields.filter((field) => body[field] !== undefined).map((field) => [field, body[field]]),
  );
}
