import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { AwsClientOptions } from './aws-client-options';

export function createSecretsClient(options: AwsClientOptions): SecretsManagerClient {
  return new SecretsManagerClient(options);
}

/** The string value of a secret; a secret without one is an error naming it. */
export async function readSecretString(client: SecretsManagerClient, secretArn: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!SecretString) throw new Error(`secret ${secretArn} has no string value`);
  return SecretString;
}

/** Whether a secret exists and when it last changed; never its value. */
export async function describeSecret(
  client: SecretsManagerClient,
  secretArn: string,
): Promise<{ lastChanged?: string } | undefined> {
  try {
    const secret = await client.send(new DescribeSecretCommand({ SecretId: secretArn }));
    return { lastChanged: secret.LastChangedDate?.toISOString() };
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}
