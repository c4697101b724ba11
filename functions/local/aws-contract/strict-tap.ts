import type { Tap } from '../service-tap';
import { cognitoAnswers, cognitoContract } from './cognito';
import { dynamodbContract } from './dynamodb';
import { type ContractCheck, withContract } from './refusal';
import { sesContract } from './ses';

export { withContract } from './refusal';

/** The emulated services a strict tap stands in front of (SQS and Scheduler check in their own endpoints). */
export type StrictService = 'dynamodb' | 'ses' | 'cognito';

/**
 * A tap that refuses, in AWS's own words and shape, what AWS's API reference says the service refuses
 * and the emulator behind it accepts — then hands every other request to `inner` (the stream or outbox
 * tap) or straight on to the emulator. `configurationSets` are the SES configuration sets that exist.
 */
export function strictTap(
  service: StrictService,
  options: { configurationSets?: Iterable<string>; inner?: Tap } = {},
): Tap {
  if (service === 'cognito') return withContract(cognitoContract, options.inner ?? cognitoAnswers);
  const check: ContractCheck =
    service === 'dynamodb'
      ? dynamodbContract
      : sesContract({ configurationSets: options.configurationSets ?? [] });
  return withContract(check, options.inner);
}
