import { describe, expect, it } from 'vitest';
import { strictTap } from '../../functions/local/aws-contract/strict-tap';
import type { Tap, TappedRequest, UpstreamResponse } from '../../functions/local/service-tap';

const upstreamAnswer: UpstreamResponse = { status: 200, headers: {}, body: Buffer.from('{}') };

/** Runs one request through a tap whose upstream answers 200 and counts what reached it. */
async function through(tap: Tap, request: TappedRequest) {
  let forwarded = 0;
  const response = await tap(request, async () => {
    forwarded += 1;
    return upstreamAnswer;
  });
  return { response, forwarded, body: response.body.toString('utf8') };
}

const dynamo = (operation: string, body: unknown): TappedRequest => ({
  method: 'POST',
  path: '/',
  headers: { 'x-amz-target': `DynamoDB_20120810.${operation}` },
  body: Buffer.from(JSON.stringify(body)),
});

describe('strictTap: the contract in front of a tap', () => {
  it('answers a refused DynamoDB request itself, in AWS JSON 1.0, and passes nothing on', async () => {
    let innerSaw = 0;
    const inner: Tap = async (_request, forward) => {
      innerSaw += 1;
      return forward();
    };
    const refused = await through(
      strictTap('dynamodb', { inner }),
      dynamo('UpdateItem', { TableName: 't', Key: { id: { S: 'a' } }, UpdateExpression: 'SET status = :s' }),
    );
    expect(refused.response.status).toBe(400);
    expect(refused.response.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(JSON.parse(refused.body)).toEqual({
      __type: 'com.amazon.coral.validate#ValidationException',
      message: 'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status',
    });
    expect([refused.forwarded, innerSaw]).toEqual([0, 0]);

    const accepted = await through(
      strictTap('dynamodb', { inner }),
      dynamo('GetItem', { TableName: 't', Key: {} }),
    );
    expect(accepted.response).toBe(upstreamAnswer);
    expect([accepted.forwarded, innerSaw]).toEqual([1, 1]);
  });

  it('answers a refused SES request as a Query ErrorResponse in XML', async () => {
    const form = new URLSearchParams({
      Action: 'SendEmail',
      Source: 'نشرة <bulletin@nashra.example>',
      'Destination.ToAddresses.member.1': 'reader@example.org',
    });
    const refused = await through(strictTap('ses', { configurationSets: ['nashra'] }), {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(form.toString()),
    });
    expect(refused.forwarded).toBe(0);
    expect(refused.response.status).toBe(400);
    expect(refused.body).toMatch(
      /^<ErrorResponse xmlns="http:\/\/ses\.amazonaws\.com\/doc\/2010-12-01\/"><Error><Type>Sender<\/Type><Code>InvalidParameterValue<\/Code><Message>Source must be 7-bit ASCII/,
    );
  });

  it('lets what the contract does not concern through: reads of the SES emulator’s store, other verbs', async () => {
    const store = await through(strictTap('ses'), {
      method: 'GET',
      path: '/store',
      headers: {},
      body: Buffer.alloc(0),
    });
    expect(store.forwarded).toBe(1);
    const listing = await through(strictTap('dynamodb'), dynamo('ListTables', {}));
    expect(listing.forwarded).toBe(1);
  });
});
