import type { ChildNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';

const arabic = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
const latin = /[A-Za-z\u00C0-\u024F]/;

export interface TextProblem {
  text: string;
  lang: string | undefined;
  dir: string | undefined;
}

function isElement(node: ChildNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

/**
 * Walks a document's body and returns every piece of text that is not marked for its script: Arabic
 * text must sit under the nearest `lang="ar"` and `dir="rtl"`, Latin text under `lang="en"` and
 * `dir="ltr"`, and no single text node may mix the two (that would be an unisolated run).
 */
export function textDirectionProblems(html: string): TextProblem[] {
  const problems: TextProblem[] = [];
  const walk = (node: ChildNode, lang: string | undefined, dir: string | undefined) => {
    if (node.type === 'text') {
      const text = node.data.trim();
      const hasArabic = arabic.test(text);
      const hasLatin = latin.test(text);
      if (hasArabic && hasLatin) problems.push({ text, lang, dir });
      else if (hasArabic && (lang !== 'ar' || dir !== 'rtl')) problems.push({ text, lang, dir });
      else if (hasLatin && (lang !== 'en' || dir !== 'ltr')) problems.push({ text, lang, dir });
      return;
    }
    if (!isElement(node) || node.name === 'head' || node.name === 'style') {
      if (node.type === 'root') for (const child of node.children) walk(child, lang, dir);
      return;
    }
    const ownLang = node.attribs.lang ?? lang;
    const ownDir = node.attribs.dir ?? dir;
    for (const child of node.children) walk(child, ownLang, ownDir);
  };
  for (const child of parseDocument(html).children) walk(child, undefined, undefined);
  return problems;
}

/** Every element of a name, with its attributes. */
export function elements(html: string, name: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  const walk = (nodes: ChildNode[]) => {
    for (const node of nodes) {
      if (!isElement(node)) continue;
      if (node.name === name) found.push(node.attribs);
      walk(node.children);
    }
  };
  walk(parseDocument(html).children);
  return found;
}

/** Every URL in an attribute that loads or links something (href, src, srcset, background, action). */
export function urlsIn(html: string): string[] {
  const urls: string[] = [];
  const walk = (nodes: ChildNode[]) => {
    for (const node of nodes) {
      if (!isElement(node)) continue;
      for (const name of ['href', 'src', 'srcset', 'background', 'action', 'poster']) {
        const value = node.attribs[name];
        if (value !== undefined) urls.push(value);
      }
      walk(node.children);
    }
  };
  walk(parseDocument(html).children);
  const fromCss = [...html.matchAll(/url\(\s*['"]?([^'")]+)/g)].map((match) => match[1] as string);
  return [...urls, ...fromCss];
}
