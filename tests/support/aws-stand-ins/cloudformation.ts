import { randomUUID } from 'node:crypto';
import { queryXmlError } from '../../../functions/local/aws-contract/refusal';
import { serveStandIn } from './http-stand-in';

/** A deployed stack as the test describes it: its outputs (OutputKey → OutputValue). */
export interface StandInStack {
  outputs: Record<string, string>;
  status?: string;
}

export interface CloudFormationStandIn {
  url: string;
  /** The StackName of every DescribeStacks call, in order (undefined: all stacks were asked for). */
  describeCalls: Array<string | undefined>;
  /** Stands a stack up, or replaces it. */
  setStack(name: string, stack: StandInStack): void;
  close(): Promise<void>;
}

const xmlns = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * CloudFormation's DescribeStacks on loopback, in the AWS Query protocol @aws-sdk/client-cloudformation
 * speaks (a form-encoded POST, an XML answer), for standing a "deployed stage" up in tests: the stacks
 * and their outputs are the test's. A stack that is not there answers as AWS does: ValidationError,
 * "Stack with id X does not exist" (HTTP 400).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
 */
export async function startCloudFormationStandIn(
  options: { stacks?: Record<string, StandInStack>; region?: string; account?: string } = {},
): Promise<CloudFormationStandIn> {
  const region = options.region ?? 'eu-west-1';
  const account = options.account ?? '111111111111';
  const stacks = new Map<string, StandInStack & { id: string; createdAt: string }>();
  const setStack = (name: string, stack: StandInStack) =>
    stacks.set(name, {
      ...stack,
      id: stacks.get(name)?.id ?? `arn:aws:cloudformation:${region}:${account}:stack/${name}/${randomUUID()}`,
      createdAt: stacks.get(name)?.createdAt ?? '2026-01-01T00:00:00.000Z',
    });
  for (const [name, stack] of Object.entries(options.stacks ?? {})) setStack(name, stack);
  const describeCalls: Array<string | undefined> = [];

  const service = await serveStandIn((request) => {
    const form = new URLSearchParams(request.body.toString('utf8'));
    const action = form.get('Action');
    if (action !== 'DescribeStacks')
      return queryXmlError(
        { code: 'InvalidAction', message: `${action} is not served by this stand-in` },
        xmlns,
      );
    const asked = form.get('StackName') ?? undefined;
    describeCalls.push(asked);
    const found =
      asked === undefined
        ? [...stacks.keys()]
        : [...stacks.keys()].filter((name) => name === asked || stacks.get(name)?.id === asked);
    if (asked !== undefined && found.length === 0)
      return queryXmlError(
        { code: 'ValidationError', message: `Stack with id ${asked} does not exist` },
        xmlns,
      );
    const members = found
      .map((name) => {
        const stack = stacks.get(name) as StandInStack & { id: string; createdAt: string };
        const outputs = Object.entries(stack.outputs)
          .map(
            ([key, value]) =>
              `<member><OutputKey>${xml(key)}</OutputKey><OutputValue>${xml(value)}</OutputValue></member>`,
          )
          .join('');
        return (
          `<member><StackName>${xml(name)}</StackName><StackId>${xml(stack.id)}</StackId>` +
          `<CreationTime>${stack.createdAt}</CreationTime><StackStatus>${stack.status ?? 'CREATE_COMPLETE'}</StackStatus>` +
          `<Outputs>${outputs}</Outputs></member>`
        );
      })
      .join('');
    const body =
      `<DescribeStacksResponse xmlns="${xmlns}"><DescribeStacksResult><Stacks>${members}</Stacks></DescribeStacksResult>` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStacksResponse>`;
    return { status: 200, headers: { 'content-type': 'text/xml' }, body: Buffer.from(body, 'utf8') };
  });
  return { url: service.url, describeCalls, setStack, close: service.close };
}
