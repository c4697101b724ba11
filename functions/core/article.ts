import * as z from 'zod';

export const languageSchema = z.enum(['ar', 'en']);
export type Language = z.infer<typeof languageSchema>;

/** An article as stored: already normalised and sanitised by ingestion. */
export const articleSchema = z.object({
  id: z.string().min(1).max(512),
  lang: languageSchema,
  title: z.string().min(1).max(1000),
  summary: z.string().max(5000),
  bodyHtml: z.string(),
  url: z.url({ protocol: /^https?$/ }),
  imageUrl: z.url({ protocol: /^https?$/ }).optional(),
  source: z.string().max(500).optional(),
  author: z.string().max(500).optional(),
  topics: z.array(z.string().min(1)).default([]),
  publishedAt: z.iso.datetime(),
  urgent: z.boolean().default(false),
  translationId: z.string().min(1).optional(),
  /**
   * The other-language versions the item linked to (an alternate link, staff JSON's `translationUrl`,
   * a body link to the other site): kept so that the pairing rule can be applied again later — by the
   * alert, when the pairing is not written yet. Absent when the item linked to none.
   */
  translationUrls: z.array(z.url({ protocol: /^https?$/ })).optional(),
  feed: z.string().optional(),
  /** When nashra first stored this article: the stream's INSERT, and the date of an undated item. */
  firstSeenAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Article = z.infer<typeof articleSchema>;

/** What a save did: only `created` reaches the alert path (the stream filter passes inserts only). */
export type SaveOutcome = 'created' | 'updated' | 'unchanged';
