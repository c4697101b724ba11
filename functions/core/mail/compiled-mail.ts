import * as z from 'zod';
import { languageSchema } from '../article';

/**
 * The per-recipient parts of a mail. The compiled HTML and text hold them as `{{name}}`; `personalise`
 * fills them in. Every other brace in a mail is written as a character reference, so article text can
 * never pose as a placeholder.
 */
export const placeholderSchema = z.enum(['unsubscribeUrl', 'preferencesUrl', 'confirmUrl', 'resubscribeUrl']);
export type Placeholder = z.infer<typeof placeholderSchema>;

/**
 * One variant of one mail, compiled once and shared by all its recipients. Plain JSON, so the digest
 * builder can store it with the issue and a sender in another process can personalise it: the
 * placeholders a mail needs are read from its HTML, so nothing else has to travel with it.
 */
export const compiledMailSchema = z.object({
  /** One line, no CR/LF; both languages joined by ` | ` in a bilingual variant. */
  subject: z.string().min(1),
  preheader: z.string(),
  html: z.string().min(1),
  text: z.string().min(1),
  /** The reader's first language: the `<html lang>`. */
  lang: languageSchema,
  /** The Content-Language header: `ar`, `en`, `ar, en` or `en, ar`. */
  contentLanguage: z.string(),
});
export type CompiledMail = z.infer<typeof compiledMailSchema>;
