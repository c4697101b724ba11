import sanitizeHtml from 'sanitize-html';

const attributesEverywhere = ['dir', 'lang'];

/**
 * What an article body may keep. Everything a reader's mail client or the archive page could run or be
 * tricked by is dropped: scripts and styles with their content, iframes/objects/embeds/forms, every
 * event handler and `style`/`class` attribute (no overlays, no hidden text), `srcdoc`, and any URL that
 * is not http(s) (`javascript:`, `data:`, protocol-relative). Relative links are made absolute against
 * the article's URL so that they still work in a mail.
 */
function policy(baseUrl: string): sanitizeHtml.IOptions {
  const absolute = (value: string | undefined): string | undefined => {
    if (!value) return undefined;
    try {
      const url = new URL(value.trim(), baseUrl);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    allowedTags: [
      'p',
      'br',
      'hr',
      'a',
      'strong',
      'b',
      'em',
      'i',
      'u',
      's',
      'sub',
      'sup',
      'small',
      'mark',
      'q',
      'cite',
      'abbr',
      'span',
      'blockquote',
      'ul',
      'ol',
      'li',
      'h2',
      'h3',
      'h4',
      'h5',
      'h6',
      'figure',
      'figcaption',
      'img',
      'table',
      'thead',
      'tbody',
      'tfoot',
      'tr',
      'th',
      'td',
      'caption',
      'pre',
      'code',
    ],
    allowedAttributes: {
      '*': attributesEverywhere,
      a: ['href', 'title', 'hreflang'],
      img: ['src', 'alt', 'width', 'height'],
      th: ['colspan', 'rowspan', 'scope'],
      td: ['colspan', 'rowspan'],
      ol: ['start'],
    },
    allowedSchemes: ['http', 'https'],
    allowedSchemesByTag: { a: ['http', 'https', 'mailto'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: [
      'script',
      'style',
      'textarea',
      'option',
      'noscript',
      'iframe',
      'object',
      'embed',
      'template',
      'svg',
      'math',
    ],
    transformTags: {
      a: (tagName, attribs) => {
        const href = attribs.href?.trim().toLowerCase().startsWith('mailto:')
          ? attribs.href
          : absolute(attribs.href);
        const { href: _href, ...rest } = attribs;
        return { tagName, attribs: href ? { ...rest, href } : rest };
      },
      img: (tagName, attribs) => {
        const src = absolute(attribs.src);
        const { src: _src, ...rest } = attribs;
        return { tagName, attribs: src ? { ...rest, src } : rest };
      },
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  };
}

/** The body HTML of an article as it may be stored and mailed (see `policy`). */
export function sanitiseBody(html: string, baseUrl: string): string {
  return sanitizeHtml(html, policy(baseUrl)).trim();
}

/** The http(s) links of a sanitised body, in order. */
export function linksIn(sanitisedHtml: string): string[] {
  return [...sanitisedHtml.matchAll(/<a\b[^>]*\shref="([^"]+)"/g)].map((m) => decodeAttribute(m[1] ?? ''));
}

/** The first image of a sanitised body, if any. */
export function firstImageIn(sanitisedHtml: string): string | undefined {
  const match = /<img\b[^>]*\ssrc="([^"]+)"/.exec(sanitisedHtml);
  return match?.[1] ? decodeAttribute(match[1]) : undefined;
}

function decodeAttribute(value: string): string {
  return value
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}
