import type { ChildNode, Element } from 'domhandler';
import fc from 'fast-check';
import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { sanitiseBody } from '../../functions/core/ingest/sanitise';

const base = 'https://www.iraqicivilsociety.example/2026/11/statement/';

/**
 * What sanitize-html 2.17.6 and 2.17.7 fixed (GHSA-jxwj-j7wr-gfrw: raw text of textarea/xmp; SVG
 * animation retargeting a link). Both reach only tags this policy drops, which is why 2.17.5, the last
 * release that runs on Node 20, is safe here.
 */
const fixedAfterTheNode20Release = [
  '<textarea></textarea/><img src=x onerror=alert(1)></textarea>',
  '<xmp><img src=x onerror=alert(1)></xmp>',
  '<svg><textarea><img src=x onerror=alert(1)></textarea></svg>',
  '<svg><a><animate attributeName="href" values="#ok;javascript:alert(1)"/><text>x</text></a></svg>',
  '<svg><a><set attributeName="xlink:href" to="javascript:alert(1)"/><text>x</text></a></svg>',
];

/** Pieces of hostile HTML, put together in any order with arbitrary text between them. */
const hostileFragment = fc.constantFrom(
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<scr<script>ipt>alert(1)</script>',
  '<style>body{display:none}</style>',
  '<iframe src="https://evil.example/"></iframe>',
  '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;">',
  '<object data="x.swf"></object>',
  '<embed src="x.swf">',
  '<svg onload=alert(1)><script>alert(2)</script></svg>',
  '<math><mtext><img src=x onerror=alert(1)></mtext></math>',
  ...fixedAfterTheNode20Release,
  '<img src="https://www.iraqicivilsociety.example/p.jpg" onerror="alert(1)">',
  '<img src=x onerror=alert(1)//>',
  '<a href="javascript:alert(1)">a</a>',
  '<a href="JaVaScRiPt:alert(1)">a</a>',
  '<a href="jav&#x09;ascript:alert(1)">a</a>',
  '<a href="&#106;&#97;vascript:alert(1)">a</a>',
  '<a href=" javascript:alert(1)">a</a>',
  '<a href="vbscript:msgbox(1)">a</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">a</a>',
  '<img src="data:image/png;base64,iVBORw0KGgo=">',
  '<a href="//evil.example/">a</a>',
  '<p style="position:fixed;top:0">x</p>',
  '<p class="x" id="y" onclick="alert(1)" onmouseover=alert(1)>p</p>',
  '<div onfocus="alert(1)" tabindex=0 autofocus>d</div>',
  '<form action="https://evil.example/"><input name=p></form>',
  '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
  '<base href="https://evil.example/">',
  '<link rel=stylesheet href="https://evil.example/s.css">',
  '<!-- <script>alert(1)</script> -->',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<a href="https://www.iraqicivilsociety.example/ok/">ok</a>',
  '<a href="/relative/path">rel</a>',
  '<p dir="rtl" lang="ar">نص</p>',
  '<table><tr><td colspan=2 style="x">t</td></tr></table>',
  '<',
  '>',
  '"',
  "'",
  '=',
  '</p>',
  '<p',
  ' on',
  'load=',
  'javascript:',
);

const hostileHtml = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: hostileFragment },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    ),
    {
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(''));

function isElement(node: ChildNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

function elementsOf(html: string): Element[] {
  const found: Element[] = [];
  const walk = (nodes: ChildNode[]) => {
    for (const node of nodes) {
      if (!isElement(node)) continue;
      found.push(node);
      walk(node.children);
    }
  };
  walk(parseDocument(html).children);
  return found;
}

const forbiddenElements = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'svg',
  'math',
  'form',
  'input',
  'meta',
  'base',
  'link',
  'textarea',
  'xmp',
  'animate',
  'set',
]);

/** What no sanitised body may hold, as a browser or mail client would read it. */
function expectSafe(output: string) {
  expect(output).not.toMatch(/<(script|iframe|style|object|embed|svg|form)\b/i);
  for (const element of elementsOf(output)) {
    expect(forbiddenElements.has(element.name), element.name).toBe(false);
    for (const [name, value] of Object.entries(element.attribs)) {
      expect(name).not.toMatch(/^on/i);
      expect(['style', 'class', 'srcdoc', 'id']).not.toContain(name.toLowerCase());
      if (name === 'href' || name === 'src') {
        const protocol = new URL(value).protocol;
        expect(name === 'href' ? ['http:', 'https:', 'mailto:'] : ['http:', 'https:']).toContain(protocol);
      }
    }
  }
}

describe('sanitiseBody (properties)', () => {
  it('drops what the sanitize-html releases after 2.17.5 fixed', () => {
    for (const html of fixedAfterTheNode20Release) {
      const output = sanitiseBody(`<p>kept</p>${html}`, base);
      expectSafe(output);
      expect(output).toContain('<p>kept</p>');
      // Their payloads may survive as escaped text (`&lt;img …`), never as markup or a link.
      expect(output).not.toMatch(/<(img|a|svg|textarea|xmp)\b|href=/i);
    }
  });

  it('never lets through a script, a handler, a style, a frame or a non-http(s) URL in hostile HTML', () => {
    fc.assert(
      fc.property(hostileHtml, (html) => expectSafe(sanitiseBody(html, base))),
      { numRuns: 1000 },
    );
  });

  it('never lets them through in arbitrary text either', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (html) => expectSafe(sanitiseBody(html, base))),
      { numRuns: 500 },
    );
  });
});
