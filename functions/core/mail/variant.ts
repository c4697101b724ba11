import * as z from 'zod';
import type { Language } from '../article';

/**
 * The four reader variants of every mail: one language, or both with the reader's first language
 * first. The first language is the mail's `<html lang>` and its first half.
 */
export const mailVariantSchema = z.enum(['ar', 'en', 'ar+en', 'en+ar']);
export type MailVariant = z.infer<typeof mailVariantSchema>;
export const mailVariants: readonly MailVariant[] = mailVariantSchema.options;

/** The variant's languages in reading order: `ar+en` → `['ar', 'en']`. */
export function languagesOf(variant: MailVariant): Language[] {
  return variant.split('+') as Language[];
}

/** The variant a reader with these languages (in their order) receives. */
export function variantFor(languages: readonly Language[]): MailVariant {
  return mailVariantSchema.parse(languages.join('+'));
}
