import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Article,
  articleSchema,
  type Language,
  languageSchema,
  type SaveOutcome,
} from '../../core/article';
import type { ArticleRepo } from '../../core/ports';
import { isConditionFailure } from './client';

/** What makes two versions of an article different; timestamps of our own bookkeeping do not count. */
function contentHash(article: Article): string {
  const { firstSeenAt: _first, updatedAt: _updated, ...content } = article;
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
            Item: { ...article, firstSeenAt: current.article.firstSeenAt, contentHash: hash },
            ConditionExpression: 'contentHash = :seen',
            ExpressionAttributeValues: { ':seen': current.contentHash },
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
