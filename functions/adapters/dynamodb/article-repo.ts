import { createHash } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type Article,
  articleSchema,
  type Language,
  languageSchema,
  type SaveOutcome,
} from '../../core/article';
import { ConflictError, NotFoundError } from '../../core/errors';
import type { ArticleRepo } from '../../core/ports';
import { isConditionFailure } from './client';
import { scanItems } from './paginate';

/**
 * What makes two versions of an article different. Timestamps of our own bookkeeping do not count, nor
 * does the translation: that link is set by pairing (`setTranslation`), never by a feed's item.
 */
function contentHash(article: Article): string {
  const { firstSeenAt: _first, updatedAt: _updated, translationId: _translation, ...content } = article;
  return createHash('sha256').update(JSON.stringify(content)).digest('base64url');
}

export class DynamoArticleRepo implements ArticleRepo {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async save(article: Article): Promise<SaveOutcome> {
    const hash = contentHash(article);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...article, contentHash: hash },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
      return 'created';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    // The article exists: update it only when its content changed, and only over the version we read,
    // so two concurrent edits cannot silently overwrite each other.
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await this.getStored(article.id);
      if (!current) throw new Error(`article ${article.id} vanished during save`);
      if (current.contentHash === hash) return 'unchanged';
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...article,
              firstSeenAt: current.article.firstSeenAt,
              translationId: current.article.translationId,
              contentHash: hash,
            },
            // Pairing may set the translation meanwhile: never put back the one read before it.
            ConditionExpression:
              current.article.translationId === undefined
                ? 'contentHash = :seen AND attribute_not_exists(translationId)'
                : 'contentHash = :seen AND translationId = :translation',
            ExpressionAttributeValues: {
              ':seen': current.contentHash,
              ...(current.article.translationId === undefined
                ? {}
                : { ':translation': current.article.translationId }),
            },
          }),
        );
        return 'updated';
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new Error(`article ${article.id} kept changing under concurrent saves`);
  }

  async get(id: string): Promise<Article | undefined> {
    return (await this.getStored(id))?.article;
  }

  async listPublished(query: {
    lang?: Language;
    since?: string;
    until?: string;
    limit?: number;
  }): Promise<Article[]> {
    const languages = query.lang ? [query.lang] : languageSchema.options;
    const perLanguage = await Promise.all(languages.map((lang) => this.queryLanguage(lang, query)));
    const merged = perLanguage.flat().sort((a, b) => b.publishedAt.localeCompare(a.publishedAt));
    return query.limit === undefined ? merged : merged.slice(0, query.limit);
  }

  /**
   * Articles first stored in [since, until] (ISO instants): what a stream batch held, read again once
   * its shard positions have expired. Scans the whole table: for staff redrives, never a reader's path.
   */
  async listFirstSeen(range: { since: string; until: string }): Promise<Article[]> {
    const items = scanItems(this.db, {
      TableName: this.tableName,
      FilterExpression: 'firstSeenAt BETWEEN :since AND :until',
      ExpressionAttributeValues: { ':since': range.since, ':until': range.until },
      ConsistentRead: true,
    });
    const found: Article[] = [];
    for await (const item of items) found.push(articleSchema.parse(item));
    return found.sort((a, b) => a.firstSeenAt.localeCompare(b.firstSeenAt));
  }

  async findByUrl(url: string): Promise<Article[]> {
    const found: Article[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byUrl',
          KeyConditionExpression: '#url = :url',
          ExpressionAttributeNames: { '#url': 'url' },
          ExpressionAttributeValues: { ':url': url },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) found.push(articleSchema.parse(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  }

  async setTranslation(id: string, translationId: string, expected: string | undefined): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET translationId = :translation',
          ConditionExpression:
            expected === undefined
              ? 'attribute_exists(id) AND (attribute_not_exists(translationId) OR translationId = :translation)'
              : 'attribute_exists(id) AND (translationId = :expected OR translationId = :translation)',
          ExpressionAttributeValues: {
            ':translation': translationId,
            ...(expected === undefined ? {} : { ':expected': expected }),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.get(id);
      if (!current) throw new NotFoundError(`no article ${id}`);
      throw new ConflictError(
        `the translation of ${id} changed while pairing (now ${current.translationId ?? 'none'}); try again`,
      );
    }
  }

  async clearTranslation(id: string, expected: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'REMOVE translationId',
          ConditionExpression: 'translationId = :expected',
          ExpressionAttributeValues: { ':expected': expected },
        }),
      );
    } catch (error) {
      // Already paired with another article (or gone): that newer state wins.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async setUrgent(id: string, urgent: boolean, now: string): Promise<Article> {
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET urgent = :urgent, updatedAt = :now',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':urgent': urgent, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return articleSchema.parse(result.Attributes);
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`no article ${id}`);
      throw error;
    }
  }

  private async queryLanguage(
    lang: Language,
    query: { since?: string; until?: string; limit?: number },
  ): Promise<Article[]> {
    // publishedAt is stored as a UTC ISO string, so string order is time order.
    const since = query.since ?? '0000';
    const until = query.until ?? '9999';
    const articles: Article[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byLangPublished',
          KeyConditionExpression: 'lang = :lang AND publishedAt BETWEEN :since AND :until',
          ExpressionAttributeValues: { ':lang': lang, ':since': since, ':until': until },
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        // BETWEEN is inclusive at both ends; the window is half-open, so drop an exact `until`.
        if (query.until === undefined || item.publishedAt !== query.until)
          articles.push(articleSchema.parse(item));
      }
      start = page.LastEvaluatedKey;
    } while (start && (query.limit === undefined || articles.length < query.limit));
    return articles;
  }

  private async getStored(id: string): Promise<{ article: Article; contentHash: string } | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return { article: articleSchema.parse(Item), contentHash: String(Item.contentHash) };
  }
}
