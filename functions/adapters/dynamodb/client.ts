import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../../shared/config';
import { type AwsClientOptions, clientOptions } from '../aws-client-options';

/** The DynamoDB client of one process: create it once (module scope) and pass it to the repositories. */
export function createDynamoClient(config: Config): DynamoDBClient {
  return dynamoClientWith(clientOptions(config, config.endpoints.dynamodb));
}

/**
 * A DynamoDB client that resolves each command's middleware once and keeps it (`cacheMiddleware`), for
 * the send path's plain commands. The document client cannot be built on it (lib-dynamodb refuses the
 * option), so a process that sends has this one beside its main client.
 */
export function createSendPathDynamoClient(config: Config): DynamoDBClient {
  return new DynamoDBClient({ ...clientOptions(config, config.endpoints.dynamodb), cacheMiddleware: true });
}

/** A DynamoDB client with these options (a staff process's check of a stage it cannot fully open). */
export function dynamoClientWith(options: AwsClientOptions): DynamoDBClient {
  return new DynamoDBClient(options);
}

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Runs a conditional write: true when it was applied, false when its condition did not hold. */
export async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
