import { randomUUID } from 'node:crypto';
import { awsJsonError } from '../../../functions/local/aws-contract/refusal';
import { serveStandIn } from './http-stand-in';

interface Version {
  id: string;
  value: string;
  stages: Set<string>;
}

export interface SecretsManagerStandIn {
  url: string;
  /** The operation of every call, in order. */
  calls: string[];
  /** The value AWSCURRENT is on. */
  current(arn: string): string | undefined;
  close(): Promise<void>;
}

/**
 * Secrets Manager's secret-value API on loopback (AWS JSON 1.1), for the keyring commands of a
 * stage: GetSecretValue (AWSCURRENT), PutSecretValue, UpdateSecretVersionStage and DescribeSecret, with
 * the staging-label rules of the API reference: a label is on one version at a time; a put without
 * VersionStages moves AWSCURRENT to the new version, one with them moves those labels only; moving a
 * label that is on another version needs RemoveFromVersionId naming that version, else
 * InvalidParameterException; AWSPREVIOUS follows AWSCURRENT's old version.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html
 */
export async function startSecretsManagerStandIn(
  secrets: Record<string, string>,
): Promise<SecretsManagerStandIn> {
  const store = new Map<string, Version[]>(
    Object.entries(secrets).map(([arn, value]) => [
      arn,
      [{ id: randomUUID(), value, stages: new Set(['AWSCURRENT']) }],
    ]),
  );
  const calls: string[] = [];
  const refuse = (code: string, message: string) =>
    awsJsonError({ code, message }, 'secretsmanager', undefined);
  const json = (body: unknown) => ({
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: Buffer.from(JSON.stringify(body)),
  });
  const withLabel = (versions: Version[], stage: string) => versions.find((v) => v.stages.has(stage));
  /** Moves `stage` onto `to` (from wherever it is), AWSPREVIOUS following a moved AWSCURRENT. */
  const move = (versions: Version[], stage: string, to: Version) => {
    const from = withLabel(versions, stage);
    from?.stages.delete(stage);
    to.stages.add(stage);
    if (stage === 'AWSCURRENT' && from && from !== to) {
      withLabel(versions, 'AWSPREVIOUS')?.stages.delete('AWSPREVIOUS');
      from.stages.add('AWSPREVIOUS');
    }
  };

  const running = await serveStandIn((request) => {
    const input = JSON.parse(request.body.toString('utf8') || '{}') as Record<string, unknown>;
    const target = request.headers['x-amz-target'] ?? '';
    const operation = String(target).split('.')[1] ?? '';
    calls.push(operation);
    const arn = String(input.SecretId ?? '');
    const versions = store.get(arn);
    if (!versions)
      return refuse('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    switch (operation) {
      case 'GetSecretValue': {
        const current = withLabel(versions, 'AWSCURRENT') as Version;
        return json({
          ARN: arn,
          Name: arn.split(':').pop(),
          VersionId: current.id,
          SecretString: current.value,
          VersionStages: [...current.stages],
          CreatedDate: 1_700_000_000,
        });
      }
      case 'DescribeSecret':
        return json({ ARN: arn, Name: arn.split(':').pop(), LastChangedDate: 1_700_000_000 });
      case 'PutSecretValue': {
        const version: Version = {
          id: String(input.ClientRequestToken ?? randomUUID()),
          value: String(input.SecretString),
          stages: new Set(),
        };
        versions.push(version);
        const stages = (input.VersionStages as string[] | undefined) ?? ['AWSCURRENT'];
        for (const stage of stages) move(versions, stage, version);
        return json({
          ARN: arn,
          Name: arn.split(':').pop(),
          VersionId: version.id,
          VersionStages: [...version.stages],
        });
      }
      case 'UpdateSecretVersionStage': {
        const stage = String(input.VersionStage);
        const to = versions.find((v) => v.id === input.MoveToVersionId);
        const holder = withLabel(versions, stage);
        if (holder && holder !== to && holder.id !== input.RemoveFromVersionId)
          return refuse(
            'InvalidParameterException',
            `The staging label ${stage} is attached to version ${holder.id}, which is not ${String(input.RemoveFromVersionId)}.`,
          );
        if (!to) {
          holder?.stages.delete(stage);
          return json({ ARN: arn, Name: arn.split(':').pop() });
        }
        move(versions, stage, to);
        return json({ ARN: arn, Name: arn.split(':').pop() });
      }
      default:
        return refuse('InvalidRequestException', `${operation} is not served by this stand-in`);
    }
  });
  return {
    url: running.url,
    calls,
    current: (arn) => {
      const versions = store.get(arn);
      return versions ? withLabel(versions, 'AWSCURRENT')?.value : undefined;
    },
    close: running.close,
  };
}
