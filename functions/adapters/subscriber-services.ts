import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LinkSigner } from '../core/link-token';
import { type Clock, systemClock } from '../core/ports';
import { RateLimiter } from '../core/subscribers/rate-limit';
import type { ReaderDeps } from '../core/subscribers/reader-flows';
import type { StaffDeps } from '../core/subscribers/staff';
import { createMailRenderer } from '../render/render-mail';
import type { Config } from '../shared/config';
import { DynamoCounterRepo } from './dynamodb/counter-repo';
import { DynamoDeliveryRepo } from './dynamodb/delivery-repo';
import { DynamoSubscriberRepo } from './dynamodb/subscriber-repo';
import { MjmlRenderer } from './mjml-renderer';
import { createSesClient, SesMailer } from './ses-mailer';

export type SubscriberServices = ReaderDeps &
  StaffDeps & {
    /** Topic slugs readers may choose: the values of the configured topic map. */
    topics: string[];
  };

/**
 * What the reader routes and the staff subscriber commands need, built once per process from the
 * configuration and one DynamoDB document client. `clock` is for tests that freeze time.
 */
export function createSubscriberServices(
  config: Config,
  db: DynamoDBDocumentClient,
  clock: Clock = systemClock,
): SubscriberServices {
  const counters = new DynamoCounterRepo(db, config.tables.counters);
  return {
    subscribers: new DynamoSubscriberRepo(db, config.tables.subscribers),
    deliveries: new DynamoDeliveryRepo(db, config.tables.deliveries),
    counters,
    limiter: new RateLimiter(config.linkSigningKey, counters, config.subscribe.limits),
    unsubscribeNotice: config.subscribe.unsubscribeNotice,
    renderer: createMailRenderer({
      compiler: new MjmlRenderer(),
      baseUrl: config.baseUrl,
      timeZone: config.timeZone,
    }),
    mailer: new SesMailer(createSesClient(config), config.mail.configurationSet),
    signer: new LinkSigner(config.linkSigningKey),
    clock,
    mail: {
      from: config.mail.from,
      listId: config.mail.listId,
      unsubscribeMailto: config.mail.unsubscribeMailto,
      baseUrl: config.baseUrl,
    },
    topics: [...new Set(Object.values(config.ingest.topicMap))].sort(),
  };
}
