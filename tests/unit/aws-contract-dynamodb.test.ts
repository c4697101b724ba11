import { describe, expect, it } from 'vitest';
import {
  attributeValueSize,
  bareNamesIn,
  checkDynamoRequest,
  itemSize,
  MAX_ITEM_BYTES,
} from '../../functions/local/aws-contract/dynamodb';
import { dynamodbReservedWords } from '../../functions/local/aws-contract/dynamodb-reserved-words';

const refusalOf = (operation: string, request: Record<string, unknown>) =>
  checkDynamoRequest(operation, request)?.message;

describe('DynamoDB item size, as the Developer Guide counts it', () => {
  it('counts names and values in UTF-8 bytes: the guide’s own example is 23 bytes', () => {
    expect(itemSize({ 'shirt-color': { S: 'R' }, 'shirt-size': { S: 'M' } })).toBe(23);
    expect(itemSize({ t: { S: 'نشرة' } })).toBe(1 + 8);
  });

  it('counts numbers by significant digits, binaries by raw bytes, lists and maps with their overhead', () => {
    expect(attributeValueSize({ N: '00123.4500' })).toBe(Math.ceil(5 / 2) + 1);
    expect(attributeValueSize({ B: Buffer.from('abcd').toString('base64') })).toBe(4);
    expect(attributeValueSize({ BOOL: true })).toBe(1);
    expect(attributeValueSize({ L: [] })).toBe(3);
    expect(attributeValueSize({ L: [{ S: 'ab' }, { NULL: true }] })).toBe(3 + (1 + 2) + (1 + 1));
    expect(attributeValueSize({ M: { ab: { S: 'c' } } })).toBe(3 + 1 + 2 + 1);
    expect(attributeValueSize({ SS: ['a', 'bc'] })).toBe(3);
  });
});

describe('the DynamoDB contract', () => {
  const item = (bytes: number) => ({
    id: { S: 'x' },
    body: { S: 'b'.repeat(bytes - 'id'.length - 1 - 'body'.length) },
  });

  it('refuses an item over 400 KB, names included, and takes one of exactly 400 KB', () => {
    expect(itemSize(item(MAX_ITEM_BYTES))).toBe(MAX_ITEM_BYTES);
    expect(refusalOf('PutItem', { TableName: 't', Item: item(MAX_ITEM_BYTES) })).toBeUndefined();
    expect(refusalOf('PutItem', { TableName: 't', Item: item(MAX_ITEM_BYTES + 1) })).toBe(
      'Item size has exceeded the maximum allowed size',
    );
    expect(
      refusalOf('BatchWriteItem', {
        RequestItems: { t: [{ PutRequest: { Item: item(MAX_ITEM_BYTES + 1) } }] },
      }),
    ).toBe('Item size has exceeded the maximum allowed size');
  });

  it('refuses attributes nested deeper than 32 levels', () => {
    const nested = (depth: number): Record<string, unknown> =>
      depth === 0 ? { S: 'x' } : { L: [nested(depth - 1)] };
    expect(refusalOf('PutItem', { Item: { id: { S: 'a' }, d: nested(32) } })).toBeUndefined();
    expect(refusalOf('PutItem', { Item: { id: { S: 'a' }, d: nested(33) } })).toMatch(/Nesting Levels/);
  });

  it('refuses more than 100 keys in one BatchGetItem and more than 25 requests in one BatchWriteItem, across tables', () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ id: { S: `k${i}` } }));
    expect(
      refusalOf('BatchGetItem', { RequestItems: { a: { Keys: keys(50) }, b: { Keys: keys(50) } } }),
    ).toBeUndefined();
    expect(
      refusalOf('BatchGetItem', { RequestItems: { a: { Keys: keys(50) }, b: { Keys: keys(51) } } }),
    ).toBe('Too many items requested for the BatchGetItem call');
    const writes = (n: number) => keys(n).map((key) => ({ DeleteRequest: { Key: key } }));
    expect(refusalOf('BatchWriteItem', { RequestItems: { a: writes(25) } })).toBeUndefined();
    expect(refusalOf('BatchWriteItem', { RequestItems: { a: writes(13), b: writes(13) } })).toBe(
      'Too many items requested for the BatchWriteItem call',
    );
  });

  it('refuses a reserved word used as a bare attribute name, in any expression and any case', () => {
    expect(refusalOf('UpdateItem', { UpdateExpression: 'SET status = :s' })).toBe(
      'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status',
    );
    expect(refusalOf('Query', { KeyConditionExpression: 'pk = :p', FilterExpression: 'Name = :n' })).toMatch(
      /Invalid FilterExpression: .*reserved keyword: Name/,
    );
    expect(refusalOf('GetItem', { ProjectionExpression: 'id, data.ttl' })).toMatch(/reserved keyword: data/);
    expect(
      refusalOf('UpdateItem', {
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
      }),
    ).toBeUndefined();
  });

  it('reads the expression grammar, functions and placeholders as what they are, not attribute names', () => {
    expect(
      bareNamesIn(
        'attribute_not_exists(pk) AND (NOT contains(topics, :t) OR size(#l) BETWEEN :a AND :b) AND x IN (:c, :d)',
        'condition',
      ),
    ).toEqual(['pk', 'topics', 'x']);
    expect(
      bareNamesIn('SET sent = if_not_exists(sent, :z) + :one REMOVE lease ADD tally :n', 'update'),
    ).toEqual(['sent', 'sent', 'lease', 'tally']);
    expect(dynamodbReservedWords.size).toBe(573);
  });

  it('refuses an expression over 4 KB, a placeholder over 255 bytes and more than 100 IN operands', () => {
    const long = Array.from({ length: 300 }, (_, i) => `attribute_exists(a${i})`).join(' AND ');
    expect(refusalOf('PutItem', { Item: { id: { S: 'a' } }, ConditionExpression: long })).toMatch(
      /^Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: \d+$/,
    );
    const placeholder = `#${'n'.repeat(255)}`;
    expect(
      refusalOf('GetItem', {
        ProjectionExpression: placeholder,
        ExpressionAttributeNames: { [placeholder]: 'n' },
      }),
    ).toMatch(/ExpressionAttributeNames contains invalid key/);
    const operands = Array.from({ length: 101 }, (_, i) => `:v${i}`).join(', ');
    expect(refusalOf('Scan', { FilterExpression: `k IN (${operands})` })).toMatch(
      /too many operands; number of operands: 101/,
    );
  });

  it('lets other operations through unexamined', () => {
    expect(checkDynamoRequest('CreateTable', { TableName: 'status' })).toBeUndefined();
  });
});
