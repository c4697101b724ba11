/**
 * What each staff command may call on a deployed stage: one IAM action on one resource of the stage,
 * written `<action> <resource>` in the stage's own words (`dynamodb:PutItem table:subscribers`,
 * `sqs:SendMessage queue:send`, `scheduler:CreateSchedule schedule`). The stateless stack builds the
 * staff policy (`nashra-<stage>-staff`) from the union of these, and tests/cli/stage-mode.test.ts
 * runs every command against a stage on loopback and holds what each one called to this list: every
 * call is declared, and every declared permission was needed by some command.
 */

/** Opening a stage: its two stacks' outputs and the link-signing key (staff mail readers links). */
const openStage = [
  'cloudformation:DescribeStacks stack:stateful',
  'cloudformation:DescribeStacks stack:stateless',
  'secretsmanager:GetSecretValue secret:link-signing-key',
] as const;

const tables = [
  'articles',
  'subscribers',
  'schedules',
  'issues',
  'deliveries',
  'counters',
  'staffSessions',
  'audit',
] as const;

/** Reading and writing the schedules table and the stage's EventBridge group together. */
const keepSchedules = [
  'dynamodb:GetItem table:schedules',
  'dynamodb:PutItem table:schedules',
  'scheduler:CreateSchedule schedule',
  'scheduler:UpdateSchedule schedule',
  'iam:PassRole scheduler-role',
] as const;

/** A digest's window and articles: the schedule, what its issues already carried, the articles by date. */
const planDigest = [
  'dynamodb:GetItem table:schedules',
  'dynamodb:Query table:articles/index/byLangPublished',
  'dynamodb:Query table:issues/index/bySchedule',
] as const;

/** Building an issue and enqueuing its readers (a digest sent, a schedule run, an alert). */
const fanOut = [
  'dynamodb:GetItem table:issues',
  'dynamodb:PutItem table:issues',
  'dynamodb:UpdateItem table:issues',
  'dynamodb:UpdateItem table:schedules',
  'dynamodb:Query table:subscribers/index/bySegment',
  'sqs:SendMessage queue:send',
] as const;

/** Finding a reader by address (the address claim, then the reader). */
const findReader = ['dynamodb:GetItem table:subscribers'] as const;

/** A confirmation or test mail, sent as the stage's sender sends it. */
const sendMail = ['ses:SendRawEmail identity'] as const;

export const staffCommandAccess: Record<string, readonly string[]> = {
  'stage check': [
    'cloudformation:DescribeStacks stack:stateful',
    'cloudformation:DescribeStacks stack:stateless',
    ...tables.map((table) => `dynamodb:DescribeTable table:${table}`),
    'sqs:GetQueueAttributes queue:send',
    'sqs:GetQueueAttributes queue:send-dlq',
    'scheduler:GetScheduleGroup schedule-group',
    'scheduler:ListSchedules schedules',
    'ses:GetAccount account',
    'ses:GetEmailIdentity identity',
    'secretsmanager:DescribeSecret secret:link-signing-key',
  ],
  status: [...openStage, ...tables.map((table) => `dynamodb:DescribeTable table:${table}`)],
  ingest: [...openStage, 'dynamodb:PutItem table:articles', 'dynamodb:Query table:articles/index/byUrl'],
  'articles list': [...openStage, 'dynamodb:Query table:articles/index/byLangPublished'],
  'articles show': [...openStage, 'dynamodb:GetItem table:articles'],
  'alert preview': [
    ...openStage,
    'dynamodb:GetItem table:articles',
    'dynamodb:Query table:articles/index/byUrl',
  ],
  'subscribers add': [...openStage, ...findReader, 'dynamodb:PutItem table:subscribers', ...sendMail],
  'subscribers import': [...openStage, ...findReader, 'dynamodb:PutItem table:subscribers', ...sendMail],
  'subscribers list': [...openStage, 'dynamodb:Scan table:subscribers'],
  'subscribers export': [...openStage, 'dynamodb:Scan table:subscribers'],
  'subscribers show': [...openStage, ...findReader],
  'subscribers set': [...openStage, ...findReader, 'dynamodb:UpdateItem table:subscribers'],
  'subscribers unsubscribe': [
    ...openStage,
    ...findReader,
    'dynamodb:UpdateItem table:subscribers',
    // The reader counted on each issue that reached them: their deliveries, each issue's counter.
    'dynamodb:Query table:deliveries/index/bySubscriber',
    'dynamodb:UpdateItem table:issues',
  ],
  'subscribers revoke-links': [
    ...openStage,
    ...findReader,
    'dynamodb:UpdateItem table:subscribers',
    ...sendMail,
  ],
  'subscribers export-personal': [
    ...openStage,
    ...findReader,
    'dynamodb:Query table:deliveries/index/bySubscriber',
    'dynamodb:BatchGetItem table:counters',
  ],
  'subscribers remove': [
    ...openStage,
    ...findReader,
    'dynamodb:Query table:deliveries/index/bySubscriber',
    'dynamodb:DeleteItem table:deliveries',
    'dynamodb:BatchGetItem table:counters',
    'dynamodb:DeleteItem table:counters',
    'dynamodb:DeleteItem table:subscribers',
  ],
  'schedule add': [...openStage, ...keepSchedules],
  'schedule pause': [...openStage, ...keepSchedules],
  'schedule resume': [...openStage, ...keepSchedules],
  'schedule remove': [
    ...openStage,
    'dynamodb:GetItem table:schedules',
    'dynamodb:DeleteItem table:schedules',
    'scheduler:DeleteSchedule schedule',
  ],
  'schedule list': [...openStage, 'dynamodb:Scan table:schedules'],
  'schedule sync': [
    ...openStage,
    ...keepSchedules,
    'dynamodb:Scan table:schedules',
    'scheduler:ListSchedules schedules',
    'scheduler:GetSchedule schedule',
    'scheduler:DeleteSchedule schedule',
  ],
  'schedule run': [
    ...openStage,
    ...planDigest,
    ...fanOut,
    ...keepSchedules,
    'scheduler:DeleteSchedule schedule',
  ],
  'digest preview': [...openStage, ...planDigest],
  'digest send': [...openStage, ...planDigest, ...fanOut, ...sendMail],
  'digest resume': [
    ...openStage,
    'dynamodb:GetItem table:issues',
    'dynamodb:UpdateItem table:issues',
    'dynamodb:Query table:deliveries',
    'sqs:SendMessage queue:send',
  ],
  'issues list': [...openStage, 'dynamodb:Query table:issues/index/byCreated'],
  'issues show': [
    ...openStage,
    'dynamodb:GetItem table:issues',
    'dynamodb:GetItem table:articles',
    'dynamodb:Query table:deliveries',
    // --recipients: each delivery's reader, by id.
    'dynamodb:BatchGetItem table:subscribers',
  ],
};

/** Every permission of the staff policy: the union of what the commands declare. */
export function staffPermissions(): Array<{ action: string; resource: string }> {
  const unique = new Set(Object.values(staffCommandAccess).flat());
  return [...unique].sort().map((entry) => {
    const [action = '', resource = ''] = entry.split(' ');
    return { action, resource };
  });
}
