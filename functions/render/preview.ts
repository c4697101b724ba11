import type { PersonalLinks } from '../core/mail/personalise';

/**
 * The links a preview fills in where a reader's own links go: anchors on the preview page that name
 * the placeholder, so a click in a preview never acts on anyone's subscription.
 */
export function previewLinks(baseUrl: string): Required<PersonalLinks> {
  const base = `${baseUrl.replace(/\/$/, '')}/preview`;
  return {
    unsubscribeUrl: `${base}#unsubscribeUrl`,
    preferencesUrl: `${base}#preferencesUrl`,
    confirmUrl: `${base}#confirmUrl`,
    resubscribeUrl: `${base}#resubscribeUrl`,
  };
}
