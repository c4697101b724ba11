import { GetAccountCommand, GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { SendQuota } from '../core/overview';
import type { AwsClientOptions } from './aws-client-options';

export function createSesAccountClient(options: AwsClientOptions): SESv2Client {
  return new SESv2Client(options);
}

/** What the SES account of a region may send: sandbox or production, the daily quota and the rate. */
export interface SendingAccount {
  productionAccess: boolean;
  sendingEnabled: boolean;
  max24HourSend: number;
  maxSendRate: number;
  sentLast24Hours: number;
}

export async function readSendingAccount(client: SESv2Client): Promise<SendingAccount> {
  const account = await client.send(new GetAccountCommand({}));
  return {
    productionAccess: account.ProductionAccessEnabled === true,
    sendingEnabled: account.SendingEnabled !== false,
    max24HourSend: account.SendQuota?.Max24HourSend ?? 0,
    maxSendRate: account.SendQuota?.MaxSendRate ?? 0,
    sentLast24Hours: account.SendQuota?.SentLast24Hours ?? 0,
  };
}

/** Whether a sending identity is verified and signs with DKIM, or undefined when SES does not know it. */
export async function readSendingIdentity(
  client: SESv2Client,
  identity: string,
): Promise<{ verified: boolean; dkim: string } | undefined> {
  try {
    const found = await client.send(new GetEmailIdentityCommand({ EmailIdentity: identity }));
    return {
      verified: found.VerifiedForSendingStatus === true,
      dkim: found.DkimAttributes?.Status ?? 'NOT_STARTED',
    };
  } catch (error) {
    if ((error as Error).name === 'NotFoundException') return undefined;
    throw error;
  }
}

/**
 * The overview's sending quota on a stage: SES's own count of the last 24 hours against the account's
 * daily quota (GetAccount's SendQuota,
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetAccount.html).
 */
export function sesSendQuota(client: SESv2Client): SendQuota {
  return {
    async used() {
      const account = await readSendingAccount(client);
      return { sent: account.sentLast24Hours, max: account.max24HourSend, period: 'last-24-hours' };
    },
  };
}
