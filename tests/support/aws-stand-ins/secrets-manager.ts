import { awsJsonError } from '../../../functions/local/aws-contract/refusal';
import { jsonAnswer, serveStandIn } from './http-stand-in';

export interface SecretsStandIn {
  url: string;
  close(): Promise<void>;
}

/**
 * Secrets Manager's GetSecretValue and DescribeSecret on loopback (AWS JSON 1.1), holding the secrets
 * a test gives by ARN; an unknown one answers ResourceNotFoundException as AWS does.
 */
export async function startSecretsStandIn(secrets: Record<string, string>): Promise<SecretsStandIn> {
  const service = await serveStandIn((request) => {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1];
    const { SecretId } = JSON.parse(request.body.toString('utf8') || '{}') as { SecretId?: string };
    const value = SecretId === undefined ? undefined : secrets[SecretId];
    if (value === undefined)
      return awsJsonError(
        { code: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." },
        'secretsmanager',
      );
    const name = SecretId?.split(':').pop() ?? '';
    if (operation === 'GetSecretValue')
      return jsonAnswer(200, { ARN: SecretId, Name: name, SecretString: value, VersionId: 'v1' });
    if (operation === 'DescribeSecret')
      return jsonAnswer(200, { ARN: SecretId, Name: name, LastChangedDate: 1_780_000_000 });
    return awsJsonError(
      { code: 'InvalidRequestException', message: `${operation} is not served here` },
      'secretsmanager',
    );
  });
  return { url: service.url, close: service.close };
}
