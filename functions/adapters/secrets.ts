import { randomUUID } from 'node:crypto';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { ConflictError } from '../core/errors';
import type { KeyringStore } from '../core/keys';
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

/** The label a new keyring version carries until it becomes AWSCURRENT (PutSecretValue moves it along). */
const PENDING_STAGE = 'NASHRA_PENDING';

/**
 * A keyring kept in a Secrets Manager secret. A replacement is a compare-and-set: the new value is put
 * as a version labelled NASHRA_PENDING (AWSCURRENT stays where it is), then AWSCURRENT is moved onto it
 * with RemoveFromVersionId naming the version that was read, which Secrets Manager refuses when
 * AWSCURRENT has moved meanwhile. AWSPREVIOUS follows to the old version by itself.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html
 */
export class SecretsManagerKeyringStore implements KeyringStore {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretArn: string,
  ) {}

  async read(): Promise<{ value: string; version: string }> {
    const secret = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretArn }));
    if (!secret.SecretString || !secret.VersionId)
      throw new Error(`secret ${this.secretArn} has no string value`);
    return { value: secret.SecretString, version: secret.VersionId };
  }

  async replace(value: string, expectedVersion: string): Promise<void> {
    const put = await this.client.send(
      new PutSecretValueCommand({
        SecretId: this.secretArn,
        SecretString: value,
        VersionStages: [PENDING_STAGE],
        ClientRequestToken: randomUUID(),
      }),
    );
    try {
      await this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: this.secretArn,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: put.VersionId,
          RemoveFromVersionId: expectedVersion,
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'InvalidParameterException')
        throw new ConflictError('AWSCURRENT is no longer the version that was read');
      throw error;
    }
  }
}
