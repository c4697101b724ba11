import { html, type SafeHtml } from '../escape';

/**
 * The hidden CSRF field every console form carries, the one place the sections write it (the shell
 * checks it before a handler runs). At the merge with the shell this becomes the shell's `csrfField`.
 */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}
