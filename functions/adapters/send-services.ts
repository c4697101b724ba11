import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MailRenderer } from '../core/ports';
import type { AlertDeps } from '../core/send/send-alert';
import type { DigestDeps } from '../core/send/send-digest';
import { createMailRenderer } from '../render/render-mail';
import type { Config } from '../shared/config';
import { DynamoArticleRepo } from './dynamodb/article-repo';
import { DynamoScheduleRepo } from './dynamodb/schedule-repo';
import { MjmlRenderer } from './mjml-renderer';
import { createSenderServices, type SenderServices } from './sender-services';
import { createSqsClient, SqsSendQueue } from './sqs-queue';

export type SendServices = DigestDeps &
  AlertDeps &
  SenderServices & { renderer: MailRenderer; compiler: MjmlRenderer };

/**
 * Everything the digest, alert, sender and feedback use cases need, built once per process (a
 * Lambda's cold start, or a local command) from the configuration and one DynamoDB document client.
 */
export function createSendServices(config: Config, db: DynamoDBDocumentClient): SendServices {
  const compiler = new MjmlRenderer();
  return {
    ...createSenderServices(config, db),
    articles: new DynamoArticleRepo(db, config.tables.articles),
    schedules: new DynamoScheduleRepo(db, config.tables.schedules),
    queue: new SqsSendQueue(createSqsClient(config), config.send.queueUrl),
    compiler,
    renderer: createMailRenderer({ compiler, baseUrl: config.baseUrl, timeZone: config.timeZone }),
    quietHours: config.quietHours,
    pageSize: 100,
  };
}
