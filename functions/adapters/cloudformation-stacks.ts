import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { AwsClientOptions } from './aws-client-options';

export function createCloudFormationClient(options: AwsClientOptions): CloudFormationClient {
  return new CloudFormationClient(options);
}

/** A stack as staff tools see it: its status and its outputs by key. */
export interface StackOutputs {
  status: string;
  outputs: Record<string, string>;
}

/** The outputs of one stack, or undefined when no stack of that name exists in the account and region. */
export async function readStackOutputs(
  client: CloudFormationClient,
  stackName: string,
): Promise<StackOutputs | undefined> {
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (!stack) return undefined;
    const outputs: Record<string, string> = {};
    for (const output of stack.Outputs ?? [])
      if (output.OutputKey && output.OutputValue !== undefined)
        outputs[output.OutputKey] = output.OutputValue;
    return { status: stack.StackStatus ?? 'UNKNOWN', outputs };
  } catch (error) {
    // DescribeStacks answers a missing stack with a ValidationError, not an empty list.
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message))
      return undefined;
    throw error;
  }
}
