import { dynamodbReservedWords } from './dynamodb-reserved-words';
import type { ContractCheck, Refusal } from './refusal';
import { awsJsonError } from './refusal';

/** An attribute value in DynamoDB's wire form (`{"S": "…"}`, `{"M": {…}}`, …). */
export type WireValue = Record<string, unknown>;
type WireItem = Record<string, WireValue>;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * A number's size as DynamoDB counts it: leading and trailing zeroes trimmed, one byte per two
 * significant digits, plus one byte.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
function numberSize(text: string): number {
  const digits = text
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '');
  const significant = digits.replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(significant.length / 2) + 1;
}

/**
 * The size of one attribute value as DynamoDB counts it: strings in UTF-8 bytes, binaries in raw
 * bytes, null and boolean one byte, a list or map 3 bytes of overhead plus one byte per element
 * plus its elements (a map's keys count as attribute names), a set the sum of its members.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
export function attributeValueSize(value: WireValue): number {
  const [type, content] = Object.entries(value)[0] ?? [];
  switch (type) {
    case 'S':
      return utf8(String(content));
    case 'N':
      return numberSize(String(content));
    case 'B':
      return Buffer.from(String(content), 'base64').length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (content as string[]).reduce((sum, member) => sum + utf8(member), 0);
    case 'NS':
      return (content as string[]).reduce((sum, member) => sum + numberSize(member), 0);
    case 'BS':
      return (content as string[]).reduce((sum, member) => sum + Buffer.from(member, 'base64').length, 0);
    case 'L':
      return (content as WireValue[]).reduce((sum, element) => sum + 1 + attributeValueSize(element), 3);
    case 'M':
      return Object.entries(content as WireItem).reduce(
        (sum, [name, element]) => sum + 1 + utf8(name) + attributeValueSize(element),
        3,
      );
    default:
      return 0;
  }
}

/**
 * An item's size as DynamoDB documents it: the UTF-8 length of every attribute name plus the size
 * of its value. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
export function itemSize(item: WireItem): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + attributeValueSize(value), 0);
}

/**
 * 400 KB, attribute names included.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items
 */
export const MAX_ITEM_BYTES = 400 * 1024;
/** https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-attributes-nested-depth */
export const MAX_NESTING_DEPTH = 32;
/**
 * Expression limits: any expression string ≤ 4 KB; one placeholder (`#name`, `:val`) ≤ 255 bytes;
 * all ExpressionAttributeNames and ExpressionAttributeValues together ≤ 2 MB; at most 100 operands to IN.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-expression-parameters
 */
export const MAX_EXPRESSION_BYTES = 4 * 1024;
export const MAX_PLACEHOLDER_BYTES = 255;
export const MAX_SUBSTITUTION_BYTES = 2 * 1024 * 1024;
export const MAX_IN_OPERANDS = 100;
/**
 * One BatchGetItem reads at most 100 items; one BatchWriteItem holds at most 25 put or delete requests.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
 */
export const MAX_BATCH_GET_KEYS = 100;
export const MAX_BATCH_WRITE_REQUESTS = 25;

const validation = (message: string): Refusal => ({ code: 'ValidationException', message });

/** What DynamoDB answers an item or a value nested deeper than its limit (DynamoDB Local answers the same). */
const tooDeeplyNested =
  'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';

function nestingDepth(value: WireValue): number {
  const [type, content] = Object.entries(value)[0] ?? [];
  if (type === 'L') return 1 + Math.max(0, ...(content as WireValue[]).map(nestingDepth));
  if (type === 'M') return 1 + Math.max(0, ...Object.values(content as WireItem).map(nestingDepth));
  return 0;
}

function checkItem(item: WireItem | undefined): Refusal | undefined {
  if (!item) return undefined;
  if (Object.values(item).some((value) => nestingDepth(value) > MAX_NESTING_DEPTH))
    return validation(tooDeeplyNested);
  if (itemSize(item) > MAX_ITEM_BYTES) return validation('Item size has exceeded the maximum allowed size');
  return undefined;
}

type ExpressionKind = 'condition' | 'update' | 'projection';

const expressionParameters: Record<string, ExpressionKind> = {
  ConditionExpression: 'condition',
  KeyConditionExpression: 'condition',
  FilterExpression: 'condition',
  UpdateExpression: 'update',
  ProjectionExpression: 'projection',
};

/** Words of the expression grammar itself, which are not attribute names where they stand. */
const grammarWords: Record<ExpressionKind, ReadonlySet<string>> = {
  condition: new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN']),
  update: new Set(['SET', 'REMOVE', 'ADD', 'DELETE']),
  projection: new Set(),
};

/**
 * The attribute names an expression spells out itself (not through `#placeholders`): every bare word
 * that is neither a grammar word nor a function call (a word followed by `(`).
 */
export function bareNamesIn(expression: string, kind: ExpressionKind): string[] {
  const names: string[] = [];
  for (const match of expression.matchAll(/[#:]?[A-Za-z_][A-Za-z0-9_]*/g)) {
    const word = match[0];
    if (word.startsWith('#') || word.startsWith(':')) continue;
    const after = expression.slice((match.index ?? 0) + word.length);
    if (/^\s*\(/.test(after)) continue;
    if (grammarWords[kind].has(word.toUpperCase())) continue;
    names.push(word);
  }
  return names;
}

/** The operand count of each `IN (…)` list in a condition. */
function inOperandCounts(expression: string): number[] {
  const counts: number[] = [];
  for (const match of expression.matchAll(/\bIN\s*\(/gi)) {
    let depth = 1;
    let operands = 1;
    for (let i = (match.index ?? 0) + match[0].length; i < expression.length && depth > 0; i++) {
      const char = expression[i];
      if (char === '(') depth++;
      else if (char === ')') depth--;
      else if (char === ',' && depth === 1) operands++;
    }
    counts.push(operands);
  }
  return counts;
}

function checkExpressions(request: Record<string, unknown>): Refusal | undefined {
  for (const [parameter, kind] of Object.entries(expressionParameters)) {
    const expression = request[parameter];
    if (typeof expression !== 'string') continue;
    const size = utf8(expression);
    if (size > MAX_EXPRESSION_BYTES)
      return validation(
        `Invalid ${parameter}: Expression size has exceeded the maximum allowed size; expression size: ${size}`,
      );
    const reserved = bareNamesIn(expression, kind).find((name) =>
      dynamodbReservedWords.has(name.toUpperCase()),
    );
    if (reserved)
      return validation(
        `Invalid ${parameter}: Attribute name is a reserved keyword; reserved keyword: ${reserved}`,
      );
    if (kind === 'condition') {
      const operands = inOperandCounts(expression).find((count) => count > MAX_IN_OPERANDS);
      if (operands)
        return validation(
          `Invalid ${parameter}: The IN operator is provided with too many operands; number of operands: ${operands}`,
        );
    }
  }
  const names = (request.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (request.ExpressionAttributeValues ?? {}) as WireItem;
  for (const [parameter, map] of [
    ['ExpressionAttributeNames', names],
    ['ExpressionAttributeValues', values],
  ] as const) {
    const long = Object.keys(map).find((key) => utf8(key) > MAX_PLACEHOLDER_BYTES);
    if (long)
      return validation(
        `${parameter} contains invalid key: the key is longer than ${MAX_PLACEHOLDER_BYTES} bytes; key: "${long.slice(0, 40)}…"`,
      );
  }
  for (const value of Object.values(values)) {
    if (nestingDepth(value) > MAX_NESTING_DEPTH) return validation(tooDeeplyNested);
  }
  const substitutionBytes =
    Object.entries(names).reduce((sum, [key, name]) => sum + utf8(key) + utf8(name), 0) +
    Object.entries(values).reduce((sum, [key, value]) => sum + utf8(key) + attributeValueSize(value), 0);
  if (substitutionBytes > MAX_SUBSTITUTION_BYTES)
    return validation(
      `ExpressionAttributeNames and ExpressionAttributeValues together exceed ${MAX_SUBSTITUTION_BYTES} bytes: ${substitutionBytes}`,
    );
  return undefined;
}

type BatchWriteRequest = { PutRequest?: { Item?: WireItem }; DeleteRequest?: unknown };

/**
 * What DynamoDB refuses in a request of `operation` (the part of X-Amz-Target after the dot) that the
 * emulator may accept: items over 400 KB or nested deeper than 32, oversized batches, expressions over
 * their limits or naming a reserved word without a placeholder.
 */
export function checkDynamoRequest(operation: string, request: Record<string, unknown>): Refusal | undefined {
  switch (operation) {
    case 'PutItem':
      return checkItem(request.Item as WireItem | undefined) ?? checkExpressions(request);
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
    case 'Query':
    case 'Scan':
      return checkExpressions(request);
    case 'BatchGetItem': {
      const tables = Object.values((request.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>);
      const keys = tables.reduce((sum, table) => sum + (table.Keys?.length ?? 0), 0);
      if (keys > MAX_BATCH_GET_KEYS) return validation('Too many items requested for the BatchGetItem call');
      for (const table of tables) {
        const refusal = checkExpressions(table as Record<string, unknown>);
        if (refusal) return refusal;
      }
      return undefined;
    }
    case 'BatchWriteItem': {
      const requests = Object.values(
        (request.RequestItems ?? {}) as Record<string, BatchWriteRequest[]>,
      ).flat();
      if (requests.length > MAX_BATCH_WRITE_REQUESTS)
        return validation('Too many items requested for the BatchWriteItem call');
      for (const write of requests) {
        const refusal = checkItem(write.PutRequest?.Item);
        if (refusal) return refusal;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The DynamoDB contract over HTTP: AWS JSON 1.0, the operation in `X-Amz-Target`. */
export const dynamodbContract: ContractCheck = (request) => {
  const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1];
  if (request.method !== 'POST' || !operation) return undefined;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const refusal = checkDynamoRequest(operation, body);
  return refusal && awsJsonError(refusal, 'com.amazon.coral.validate');
};
