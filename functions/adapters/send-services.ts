import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LinkSigner } from '../core/link-token';
import { systemClock } from '../core/ports';
import { createMailRenderer, type MailRenderer } from '../core/render/render-mail';
import { realSleep, SendRatePool } from '../core/send/rate-limit';
import { defaultRetryPolicy } from '../core/send/retry';
import type { AlertDeps } from '../core/send/send-alert';
import type { DigestDeps } from '../core/send/send-digest';
import type { SenderDeps } from '../core/send/send-jobs';
import type { Config } from '../shared/config';
import { DynamoArticleRepo } from './dynamodb/article-repo';
import { DynamoDeliveryRepo } from './dynamodb/delivery-repo';
import { DynamoIssueRepo } from './dynamodb/issue-repo';
import { DynamoScheduleRepo } from './dynamodb/schedule-repo';
import { DynamoSubscriberRepo } from './dynamodb/subscriber-repo';
import { MjmlRenderer } from './mjml-renderer';
import { createSesClient, SesMailer } from './ses-mailer';
import { createSqsClient, SqsSendQueue } from './sqs-queue';

export type SendServices = DigestDeps &
  AlertDeps &
  SenderDeps & { renderer: MailRenderer; compiler: MjmlRenderer; ratePool: SendRatePool };

/**
 * Everything the digest, alert, sender and feedback use cases need, built once per process (a
 * Lambda's cold start, or a local command) from the configuration and one DynamoDB document client.
 */
export function createSendServices(config: Config, db: DynamoDBDocumentClient): SendServices {
  const compiler = new MjmlRenderer();
  return {
    articles: new DynamoArticleRepo(db, config.tables.articles),
    subscribers: new DynamoSubscriberRepo(db, config.tables.subscribers),
    schedules: new DynamoScheduleRepo(db, config.tables.schedules),
    issues: new DynamoIssueRepo(db, config.tables.issues),
    deliveries: new DynamoDeliveryRepo(db, config.tables.deliveries),
    queue: new SqsSendQueue(createSqsClient(config), config.send.queueUrl),
    mailer: new SesMailer(createSesClient(config), config.mail.configurationSet),
    compiler,
    renderer: createMailRenderer({ compiler, baseUrl: config.baseUrl, timeZone: config.timeZone }),
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
    quietHours: config.quietHours,
    leaseMs: config.send.leaseMs,
    variantCache: new Map(),
    pageSize: 100,
    ratePool: new SendRatePool(config.mail.sendRate, config.send.maxConcurrency),
  };
}
