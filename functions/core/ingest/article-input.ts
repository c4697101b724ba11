import * as z from 'zod';
import { languageSchema } from '../article';
import type { FeedItem } from './feed-item';

/**
 * One article as staff tools send it (`POST /api/articles`, or a JSON file given to `nashra ingest`).
 * Loose on purpose where feeds are loose (every text optional but what makes an article), strict on
 * types; the same rules as for feed items then apply (normaliseItem).
 */
export const articleInputSchema = z
  .object({
    id: z.string().optional(),
    lang: languageSchema.optional(),
    title: z.string(),
    summary: z.string().optional(),
    bodyHtml: z.string().optional(),
    url: z.string(),
    imageUrl: z.string().optional(),
    source: z.string().optional(),
    author: z.string().optional(),
    categories: z.array(z.string()).default([]),
    topics: z.array(z.string()).default([]),
    publishedAt: z.iso.datetime({ offset: true }).optional(),
    urgent: z.boolean().optional(),
    /** The URL of the other-language version, when the tool knows it. */
    translationUrl: z.string().optional(),
  })
  .strict();
export type ArticleInput = z.infer<typeof articleInputSchema>;

/** A staff article as a feed item (position 1-based); one that fails the schema becomes a rejected item. */
export function articleInputToItem(raw: unknown, position: number): FeedItem {
  const parsed = articleInputSchema.safeParse(raw);
  if (!parsed.success) {
    const candidate = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'item'}: ${issue.message}`,
    );
    return {
      position,
      title: text(candidate.title),
      guid: text(candidate.id),
      link: text(candidate.url),
      categories: [],
      topics: [],
      alternates: [],
      problem: `is not a valid article (${problems.join('; ')})`,
    };
  }
  const input = parsed.data;
  return {
    position,
    guid: input.id,
    title: input.title,
    link: input.url,
    contentHtml: input.bodyHtml,
    excerptHtml: input.summary,
    imageUrl: input.imageUrl,
    author: input.author,
    source: input.source,
    categories: input.categories,
    topics: input.topics,
    publishedAt: input.publishedAt,
    language: input.lang,
    alternates: [],
    translationUrl: input.translationUrl,
    urgent: input.urgent,
  };
}
