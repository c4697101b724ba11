import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emailHash, type Subscriber, segmentOf } from '../../functions/core/subscriber';

/**
 * Writes many subscribers straight into the table, 25 items a request (claims and subscribers alike),
 * the shape DynamoSubscriberRepo writes. For fixtures and benchmarks only: it skips the conditional
 * claim that keeps one address one subscriber, so the addresses given must be distinct.
 */
export async function seedSubscribers(
  db: DynamoDBDocumentClient,
  tableName: string,
  subscribers: Subscriber[],
): Promise<void> {
  const items = subscribers.flatMap((subscriber) => {
    const segment = segmentOf(subscriber);
    return [
      { id: `email#${emailHash(subscriber.email)}`, kind: 'claim', subscriberId: subscriber.id },
      { ...subscriber, kind: 'subscriber', ...(segment ? { segment } : {}) },
    ];
  });
  await putAll(db, tableName, items);
}

/** Writes items straight into a table, 25 a request, 8 requests at a time, until DynamoDB has taken every one. */
export async function putAll(
  db: DynamoDBDocumentClient,
  tableName: string,
  items: Array<Record<string, unknown>>,
): Promise<void> {
  const chunks: Array<typeof items> = [];
  for (let start = 0; start < items.length; start += 25) chunks.push(items.slice(start, start + 25));
  for (let start = 0; start < chunks.length; start += 8) {
    await Promise.all(
      chunks.slice(start, start + 8).map(async (chunk) => {
        let request: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> | undefined = {
          [tableName]: chunk.map((Item) => ({ PutRequest: { Item } })),
        };
        while (request && Object.keys(request).length > 0) {
          const result = await db.send(new BatchWriteCommand({ RequestItems: request }));
          request = result.UnprocessedItems as typeof request;
        }
      }),
    );
  }
}
