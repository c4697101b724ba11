import type { Refusal } from './refusal';

/**
 * EventBridge Scheduler's API reference for the calls nashra makes, and the constraints it states
 * on the fields nashra sends:
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_UpdateSchedule.html
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_GetSchedule.html
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_DeleteSchedule.html
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_ListSchedules.html
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_Target.html
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_FlexibleTimeWindow.html
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_DeadLetterConfig.html
 * Expression syntax: https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */
const namePattern = /^[0-9a-zA-Z-_.]{1,64}$/;
const roleArnPattern = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const deadLetterArnPattern = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_]+$/;
const clientTokenPattern = /^[a-zA-Z0-9-_]{1,64}$/;
export const MAX_TARGET_INPUT_CHARACTERS = 8192;

/** One Scheduler call as the SDK sends it over REST-JSON: operation, path and query parts, JSON body. */
export interface SchedulerCall {
  operation: 'CreateSchedule' | 'UpdateSchedule' | 'GetSchedule' | 'DeleteSchedule' | 'ListSchedules';
  name?: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

const validation = (message: string): Refusal => ({ code: 'ValidationException', message });

/** The Scheduler call an HTTP request is, by its method and path; undefined for any other. */
export function schedulerCallOf(method: string, url: string, body: Buffer): SchedulerCall | undefined {
  const { pathname, searchParams } = new URL(url, 'http://scheduler.local');
  const named = /^\/schedules\/([^/]+)$/.exec(pathname);
  const parsedBody = () =>
    body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
  if (pathname === '/schedules' && method === 'GET')
    return { operation: 'ListSchedules', query: searchParams, body: {} };
  if (!named) return undefined;
  const name = decodeURIComponent(named[1] ?? '');
  const operation = (
    { POST: 'CreateSchedule', PUT: 'UpdateSchedule', GET: 'GetSchedule', DELETE: 'DeleteSchedule' } as const
  )[method as 'POST' | 'PUT' | 'GET' | 'DELETE'];
  return operation ? { operation, name, query: searchParams, body: parsedBody() } : undefined;
}

const length = (value: string, min: number, max: number) => value.length >= min && value.length <= max;

function checkName(field: string, value: unknown, required: boolean): string | undefined {
  if (value === undefined || value === null) return required ? `${field} is required` : undefined;
  if (typeof value !== 'string' || !namePattern.test(value))
    return `${field} ${JSON.stringify(value)} must be 1 to 64 of 0-9 a-z A-Z - _ .`;
  return undefined;
}

const monthNames = 'JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC';
const dayNames = 'SUN|MON|TUE|WED|THU|FRI|SAT';

/** A cron field: values, ranges, lists and increments over `range`, or the field's own extras. */
function cronField(text: string, min: number, max: number, names: string, extras: RegExp): boolean {
  if (extras.test(text)) return true;
  const value = `(\\d{1,4}|${names || 'NONE'})`;
  const item = new RegExp(`^(\\*|${value}(-${value})?)(/\\d{1,4})?$`, 'i');
  return text.split(',').every((part) => {
    if (!item.test(part)) return false;
    const numbers = part
      .split(/[-/]/)
      .map((token, index, all) => ({ token, isStep: index === all.length - 1 && part.includes('/') }))
      .filter(({ token, isStep }) => /^\d+$/.test(token) && !isStep)
      .map(({ token }) => Number(token));
    return numbers.every((n) => n >= min && n <= max);
  });
}

/**
 * Why Scheduler would refuse a schedule expression, or nothing: `at(yyyy-mm-ddThh:mm:ss)`,
 * `rate(value unit)` with a positive whole value and a unit of minute(s), hour(s) or day(s), or a
 * six-field `cron(minutes hours day-of-month month day-of-week year)` in which one of the two day
 * fields is `?`.
 */
export function scheduleExpressionProblem(expression: string): string | undefined {
  if (!length(expression, 1, 256)) return 'ScheduleExpression must be 1 to 256 characters';
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (at) {
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number) as number[];
    const date = new Date(Date.UTC(year as number, (month as number) - 1, day, hour, minute, second));
    const valid =
      date.getUTCMonth() === (month as number) - 1 &&
      date.getUTCDate() === day &&
      (hour as number) < 24 &&
      (minute as number) < 60 &&
      (second as number) < 60;
    return valid ? undefined : `Invalid Schedule Expression ${expression}: no such date and time`;
  }
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate)
    return Number(rate[1]) > 0
      ? undefined
      : `Invalid Schedule Expression ${expression}: the value must be positive`;
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return `Invalid Schedule Expression ${expression}: use at(), rate() or cron()`;
  const fields = (cron[1] ?? '').trim().split(/\s+/);
  if (fields.length !== 6)
    return `Invalid Schedule Expression ${expression}: cron takes six fields (minutes hours day-of-month month day-of-week year)`;
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const valid =
    cronField(minutes, 0, 59, '', /^$/) &&
    cronField(hours, 0, 23, '', /^$/) &&
    cronField(dayOfMonth, 1, 31, '', /^(\?|L|LW|\d{1,2}W)$/) &&
    cronField(month, 1, 12, monthNames, /^$/) &&
    cronField(dayOfWeek, 1, 7, dayNames, new RegExp(`^(\\?|L|([1-7]|${dayNames})(#[1-5]|L))$`, 'i')) &&
    cronField(year, 1970, 2199, '', /^$/);
  if (!valid) return `Invalid Schedule Expression ${expression}: a cron field is out of its range`;
  if ((dayOfMonth === '?') === (dayOfWeek === '?'))
    return `Invalid Schedule Expression ${expression}: give either a day of the month or a day of the week, and ? in the other`;
  return undefined;
}

/** An IANA time zone name, spelled as the database spells it. */
function isTimeZone(name: string): boolean {
  // Node 22's Intl also takes UTC offsets (`+03:00`), which are no tz database name.
  if (/^[+-]/.test(name)) return false;
  try {
    const resolved = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
    return resolved === name || resolved.toLowerCase() !== name.toLowerCase();
  } catch {
    return false;
  }
}

function checkInteger(field: string, value: unknown, min: number, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    return `${field} must be a whole number from ${min} to ${max}; got ${JSON.stringify(value)}`;
  return undefined;
}

function checkTarget(target: Record<string, unknown> | undefined): string | undefined {
  if (!target) return 'Target is required';
  const arn = target.Arn;
  if (typeof arn !== 'string' || !length(arn, 1, 1600)) return 'Target.Arn must be 1 to 1600 characters';
  if (
    typeof target.RoleArn !== 'string' ||
    !length(target.RoleArn, 1, 1600) ||
    !roleArnPattern.test(target.RoleArn)
  )
    return `Target.RoleArn ${JSON.stringify(target.RoleArn)} is not an IAM role ARN`;
  const input = target.Input;
  if (input !== undefined && (typeof input !== 'string' || !length(input, 1, MAX_TARGET_INPUT_CHARACTERS)))
    return `Target.Input must be 1 to ${MAX_TARGET_INPUT_CHARACTERS} characters`;
  const retry = (target.RetryPolicy ?? {}) as Record<string, unknown>;
  const dlq = (target.DeadLetterConfig as { Arn?: unknown } | undefined)?.Arn;
  if (
    dlq !== undefined &&
    (typeof dlq !== 'string' || !length(dlq, 1, 1600) || !deadLetterArnPattern.test(dlq))
  )
    return `Target.DeadLetterConfig.Arn ${JSON.stringify(dlq)} is not an SQS queue ARN`;
  return (
    checkInteger('Target.RetryPolicy.MaximumEventAgeInSeconds', retry.MaximumEventAgeInSeconds, 60, 86400) ??
    checkInteger('Target.RetryPolicy.MaximumRetryAttempts', retry.MaximumRetryAttempts, 0, 185)
  );
}

function checkDefinition(call: SchedulerCall): string | undefined {
  const body = call.body;
  const expression = body.ScheduleExpression;
  if (typeof expression !== 'string') return 'ScheduleExpression is required';
  const window = body.FlexibleTimeWindow as { Mode?: unknown; MaximumWindowInMinutes?: unknown } | undefined;
  if (!window || (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE'))
    return 'FlexibleTimeWindow.Mode is required: OFF or FLEXIBLE';
  if (window.Mode === 'FLEXIBLE' && window.MaximumWindowInMinutes === undefined)
    return 'FlexibleTimeWindow.MaximumWindowInMinutes is required when Mode is FLEXIBLE';
  const zone = body.ScheduleExpressionTimezone;
  if (zone !== undefined && (typeof zone !== 'string' || !length(zone, 1, 50) || !isTimeZone(zone)))
    return `Invalid time zone: ${JSON.stringify(zone)}`;
  if (
    body.Description !== undefined &&
    (typeof body.Description !== 'string' || body.Description.length > 512)
  )
    return 'Description must be at most 512 characters';
  if (body.State !== undefined && body.State !== 'ENABLED' && body.State !== 'DISABLED')
    return 'State must be ENABLED or DISABLED';
  if (
    body.ActionAfterCompletion !== undefined &&
    body.ActionAfterCompletion !== 'NONE' &&
    body.ActionAfterCompletion !== 'DELETE'
  )
    return 'ActionAfterCompletion must be NONE or DELETE';
  if (
    body.ClientToken !== undefined &&
    (typeof body.ClientToken !== 'string' || !clientTokenPattern.test(body.ClientToken))
  )
    return 'ClientToken must be 1 to 64 of a-z A-Z 0-9 - _';
  return (
    scheduleExpressionProblem(expression) ??
    checkInteger('FlexibleTimeWindow.MaximumWindowInMinutes', window.MaximumWindowInMinutes, 1, 1440) ??
    checkTarget(body.Target as Record<string, unknown> | undefined)
  );
}

/**
 * What Scheduler would refuse in one of the calls nashra makes: names and groups outside their
 * charset or length, malformed expressions, unknown time zones, targets outside their limits.
 * Answered as Scheduler answers: ValidationException, HTTP 400.
 */
export function checkSchedulerCall(call: SchedulerCall): Refusal | undefined {
  let problem: string | undefined;
  switch (call.operation) {
    case 'CreateSchedule':
    case 'UpdateSchedule':
      problem =
        checkName('Name', call.name, true) ??
        checkName('GroupName', call.body.GroupName, false) ??
        checkDefinition(call);
      break;
    case 'GetSchedule':
    case 'DeleteSchedule':
      problem =
        checkName('Name', call.name, true) ??
        checkName('GroupName', call.query.get('groupName') ?? undefined, false) ??
        (call.query.has('clientToken') && !clientTokenPattern.test(call.query.get('clientToken') ?? '')
          ? 'clientToken must be 1 to 64 of a-z A-Z 0-9 - _'
          : undefined);
      break;
    case 'ListSchedules': {
      const maxResults = call.query.get('MaxResults');
      const state = call.query.get('State');
      const nextToken = call.query.get('NextToken');
      problem =
        checkName('ScheduleGroup', call.query.get('ScheduleGroup') ?? undefined, false) ??
        checkName('NamePrefix', call.query.get('NamePrefix') ?? undefined, false) ??
        (maxResults === null ? undefined : checkInteger('MaxResults', Number(maxResults), 1, 100)) ??
        (state === null || state === 'ENABLED' || state === 'DISABLED'
          ? undefined
          : 'State must be ENABLED or DISABLED') ??
        (nextToken === null || length(nextToken, 1, 2048)
          ? undefined
          : 'NextToken must be 1 to 2048 characters');
      break;
    }
  }
  return problem === undefined ? undefined : validation(problem);
}
