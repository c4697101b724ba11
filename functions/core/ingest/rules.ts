import type { Language } from '../article';
import { oneLine } from '../text';

/** The configurable rules of ingestion (from configuration; see functions/shared/config.ts). */
export interface IngestRules {
  /** Category (any case) → topic slug. Categories not in the map give no topic. */
  topicMap: Record<string, string>;
  /** Categories that make an item urgent (any case), e.g. `urgent` and `عاجل`. */
  urgentCategories: string[];
  /** Host name of each language's site: a body link from one site to the other pairs the two articles. */
  sites: Partial<Record<Language, string>>;
  /** Largest item accepted from a feed, in bytes of its text fields (before sanitising). */
  maxItemBytes: number;
}

/** Largest stored article, in bytes of JSON: a DynamoDB item holds 400 KB, and the key and index need room. */
export const maxStoredArticleBytes = 350_000;

export const topicSlugPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The key a category is looked up by: one line, case-folded, Unicode-normalised. */
export function categoryKey(category: string): string {
  return oneLine(category).toLocaleLowerCase('en');
}

/** Topic slugs of an item: its mapped categories, then slugs given directly; each once, in order. */
export function topicsFor(categories: string[], givenTopics: string[], rules: IngestRules): string[] {
  const map = new Map(
    Object.entries(rules.topicMap).map(([category, slug]) => [categoryKey(category), slug]),
  );
  const mapped = categories.map((c) => map.get(categoryKey(c))).filter((t): t is string => Boolean(t));
  return [...new Set([...mapped, ...givenTopics])];
}

/** Whether an item is urgent: one of its categories is a configured urgent category, or it was flagged. */
export function isUrgent(categories: string[], flagged: boolean, rules: IngestRules): boolean {
  if (flagged) return true;
  const urgent = new Set(rules.urgentCategories.map(categoryKey));
  return categories.some((c) => urgent.has(categoryKey(c)));
}
