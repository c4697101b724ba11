import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LinkSigner } from '../core/link-token';
import { systemClock } from '../core/ports';
import { realSleep, SendRatePool } from '../core/send/rate-limit';
import { defaultRetryPolicy } from '../core/send/retry';
import type { SenderDeps } from '../core/send/send-jobs';
import type { Config } from '../shared/config';
import { DynamoDeliveryRepo } from './dynamodb/delivery-repo';
import { DynamoIssueRepo } from './dynamodb/issue-repo';
import { DynamoSubscriberRepo } from './dynamodb/subscriber-repo';
import { createSesClient, SesMailer } from './ses-mailer';

export type SenderServices = SenderDeps & { ratePool: SendRatePool };

/**
 * What the sender needs and nothing more: it sends compiled variants and never renders, so its
 * bundle carries no MJML (a smaller, faster cold start for the busiest function).
 */
export function createSenderServices(config: Config, db: DynamoDBDocumentClient): SenderServices {
  return {
    subscribers: new DynamoSubscriberRepo(db, config.tables.subscribers),
    issues: new DynamoIssueRepo(db, config.tables.issues),
    deliveries: new DynamoDeliveryRepo(db, config.tables.deliveries),
    mailer: new SesMailer(createSesClient(config), config.mail.configurationSet),
    signer: new LinkSigner(config.linkSigningKey),
    clock: systemClock,
    sleep: realSleep,
    retry: defaultRetryPolicy,
    mail: {
      from: config.mail.from,
      listId: config.mail.listId,
      unsubscribeMailto: config.mail.unsubscribeMailto,
      baseUrl: config.baseUrl,
    },
    leaseMs: config.send.leaseMs,
    variantCache: new Map(),
    ratePool: new SendRatePool(config.mail.sendRate, config.send.maxConcurrency),
  };
}
