/**
 * The DynamoDB tables, written once. The CDK stateful stack and the local bootstrap both build their
 * tables from these definitions, so local mode and tests run against exactly the keys and indexes that
 * AWS runs.
 *
 * One table per entity rather than a single-table design: each Lambda gets a grant on only the tables
 * it touches, the DynamoDB stream exists only where an event is wanted (new articles), and a reader's
 * erasure is a delete on two tables rather than a hunt through overloaded keys.
 */
export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  name: string;
  type: AttributeType;
}

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
}

export interface TableDefinition {
  /** Logical name; the physical name is the stage's prefix plus this. */
  name: TableName;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  globalIndexes: IndexDefinition[];
  /** Emit a change stream (new and old images): consumed by the alert path. */
  stream: boolean;
  /** Attribute holding an epoch-seconds expiry, when items expire. */
  timeToLiveAttribute?: string;
}

export type TableName =
  | 'articles'
  | 'subscribers'
  | 'schedules'
  | 'issues'
  | 'deliveries'
  | 'counters'
  | 'staffSessions'
  | 'audit';

export const tableDefinitions: Record<TableName, TableDefinition> = {
  articles: {
    name: 'articles',
    partitionKey: { name: 'id', type: 'S' },
    globalIndexes: [
      {
        indexName: 'byLangPublished',
        partitionKey: { name: 'lang', type: 'S' },
        sortKey: { name: 'publishedAt', type: 'S' },
      },
      {
        // Translation pairing: an item links the other language's post by its URL.
        indexName: 'byUrl',
        partitionKey: { name: 'url', type: 'S' },
      },
    ],
    stream: true,
  },
  subscribers: {
    // Holds subscribers (`id` = random id) and one email claim per address (`id` = `email#<hash>`),
    // written with attribute_not_exists so that one address is one subscriber without transactions.
    name: 'subscribers',
    partitionKey: { name: 'id', type: 'S' },
    globalIndexes: [
      {
        // Sparse: only active subscribers carry `segment` (their cadence), so fan-out pages through
        // exactly the readers a digest of that cadence may go to.
        indexName: 'bySegment',
        partitionKey: { name: 'segment', type: 'S' },
        sortKey: { name: 'id', type: 'S' },
      },
    ],
    stream: false,
    // A reader who never confirms, and the claim on their address, expire (`NASHRA_PENDING_EXPIRY_DAYS`).
    timeToLiveAttribute: 'expiresAt',
  },
  schedules: {
    name: 'schedules',
    partitionKey: { name: 'name', type: 'S' },
    globalIndexes: [],
    stream: false,
  },
  issues: {
    name: 'issues',
    partitionKey: { name: 'id', type: 'S' },
    globalIndexes: [
      {
        indexName: 'byCreated',
        partitionKey: { name: 'listKey', type: 'S' },
        sortKey: { name: 'createdAt', type: 'S' },
      },
      {
        // Sparse: digests only. A schedule's earlier issues tell which articles it already carried.
        indexName: 'bySchedule',
        partitionKey: { name: 'schedule', type: 'S' },
        sortKey: { name: 'createdAt', type: 'S' },
      },
    ],
    stream: false,
  },
  deliveries: {
    name: 'deliveries',
    partitionKey: { name: 'issueId', type: 'S' },
    sortKey: { name: 'subscriberId', type: 'S' },
    globalIndexes: [
      {
        indexName: 'bySubscriber',
        partitionKey: { name: 'subscriberId', type: 'S' },
        sortKey: { name: 'issueId', type: 'S' },
      },
    ],
    stream: false,
    // Who was sent what is kept for the delivery retention (180 days unless the stage says), then
    // deleted by DynamoDB: every write of a delivery sets it.
    timeToLiveAttribute: 'expiresAt',
  },
  counters: {
    // Short-lived counters (rate limits); keys are hashes, never an address or IP in clear.
    name: 'counters',
    partitionKey: { name: 'key', type: 'S' },
    globalIndexes: [],
    stream: false,
    timeToLiveAttribute: 'expiresAt',
  },
  staffSessions: {
    // The staff console's sessions (functions/console): `id` is a hash of the cookie's token, never the
    // token itself, so the table alone signs nobody in. Sign-out deletes one; `nashra staff remove`
    // deletes every session of that staff member through `byStaff`. Expired ones are ignored on read
    // (dynalite has no TTL) and deleted by DynamoDB's TTL on AWS.
    name: 'staffSessions',
    partitionKey: { name: 'id', type: 'S' },
    globalIndexes: [
      {
        // Sparse: only signed-in sessions carry `staffId` (a sign-in waiting for its code does not).
        indexName: 'byStaff',
        partitionKey: { name: 'staffId', type: 'S' },
        sortKey: { name: 'id', type: 'S' },
      },
    ],
    stream: false,
    timeToLiveAttribute: 'expiresAt',
  },
  audit: {
    // Every staff action: one partition (`log`), sorted by `at` (the instant, then a random suffix so
    // two actions in one millisecond are two entries). Staff act a few hundred times a day at most,
    // far below one partition's limits; listing newest first, or since an instant, is one Query.
    name: 'audit',
    partitionKey: { name: 'log', type: 'S' },
    sortKey: { name: 'at', type: 'S' },
    globalIndexes: [],
    stream: false,
  },
};

export const allTableNames = Object.keys(tableDefinitions) as TableName[];

/** Physical table names for one stage, derived from its prefix. */
export type TableNames = Record<TableName, string>;

export function tableNamesFor(prefix: string): TableNames {
  return Object.fromEntries(allTableNames.map((name) => [name, `${prefix}${name}`])) as TableNames;
}
