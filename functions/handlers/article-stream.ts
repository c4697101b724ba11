import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent, Context as LambdaContext } from 'aws-lambda';
import * as z from 'zod';
import { type Article, articleSchema } from '../core/article';
import { announceNewArticles, type NewArticleListener } from '../core/ingest/announce';
import { alertListener } from '../core/send/send-alert';
import { lambdaRuntime } from '../runtime/lambda';
import { mjmlMailRenderer } from '../runtime/rendering';
import { fanOutParts } from '../runtime/sending';
import { logger, withLambdaContext } from '../shared/logger';

const streamEventSchema = z.object({ Records: z.array(z.unknown()) });
const streamRecordSchema = z.object({
  eventName: z.enum(['INSERT', 'MODIFY', 'REMOVE']),
  dynamodb: z.object({
    SequenceNumber: z.string().min(1),
    NewImage: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  }),
});

/** The event source filter: the only stream events that reach the handler, on AWS and locally. */
export const articleStreamEventNames = ['INSERT'] as const;

/**
 * The articles table's stream → the alert path. The event source passes INSERTs only (the same
 * filter on AWS and in the local runtime), so each newly stored article arrives once; an edit or a
 * re-ingest is a MODIFY or nothing and never reaches here. A record that is not an article INSERT is
 * logged and skipped (retrying cannot fix it); a listener failure reports that record as the batch's
 * first failure, so the stream retries from it without repeating the ones before.
 */
export function createArticleStreamHandler(listener: NewArticleListener) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const { Records } = streamEventSchema.parse(event);
    const received: Array<{ sequence: string; article: Article }> = [];
    for (const raw of Records) {
      const record = streamRecordSchema.safeParse(raw);
      if (!record.success) {
        logger.error('stream record skipped: not a DynamoDB stream record', {
          problems: record.error.issues,
        });
        continue;
      }
      const { eventName, dynamodb } = record.data;
      if (eventName !== 'INSERT' || !dynamodb.NewImage) {
        logger.warn('stream record skipped: only INSERTs announce an article', {
          eventName,
          sequence: dynamodb.SequenceNumber,
        });
        continue;
      }
      const article = articleSchema.safeParse(
        unmarshall(dynamodb.NewImage as unknown as Record<string, AttributeValue>),
      );
      if (!article.success) {
        logger.error('stream record skipped: its new image is not an article', {
          sequence: dynamodb.SequenceNumber,
          problems: article.error.issues,
        });
        continue;
      }
      received.push({ sequence: dynamodb.SequenceNumber, article: article.data });
    }

    const { failed, error } = await announceNewArticles(
      listener,
      received.map((r) => r.article),
    );
    const firstFailed = received[received.length - failed.length];
    if (!firstFailed) return { batchItemFailures: [] };
    logger.error('a new article could not be announced; the stream retries from it', {
      id: firstFailed.article.id,
      error,
    });
    return { batchItemFailures: [{ itemIdentifier: firstFailed.sequence }] };
  };
}

let stream: ReturnType<typeof createArticleStreamHandler> | undefined;

/** Lambda entry point: the articles table's stream, INSERTs only (event source filter) → the alert. */
export const handler = (event: DynamoDBStreamEvent, context?: LambdaContext) => {
  withLambdaContext(context);
  stream ??= createArticleStreamHandler(
    alertListener(fanOutParts(lambdaRuntime({ renderer: mjmlMailRenderer }))),
  );
  return stream(event);
};
