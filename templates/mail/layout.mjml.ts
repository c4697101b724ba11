import { directionOf } from '../language';
import { mailHead, palette } from './partials/head.mjml';
import { preheader } from './partials/preheader.mjml';
import type { MailDocumentView } from './view';

/** The whole MJML document every mail shares: `<mjml lang dir>` of the reader's first language. */
export function mailDocument(view: MailDocumentView): string {
  return `<mjml lang="${view.lang}" dir="${directionOf(view.lang)}">
${mailHead(view.title)}
<mj-body width="600px" background-color="${palette.page}">
${preheader(view.preheader)}
${view.sections.join('\n')}
</mj-body>
</mjml>`;
}
