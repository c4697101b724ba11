import type { MjmlCompiler } from '../core/ports';

type Mjml2Html = typeof import('mjml');
let loaded: Promise<Mjml2Html> | undefined;

/** mjml takes about a second to import: only a process that renders pays for it, once. */
function mjml2html(): Promise<Mjml2Html> {
  loaded ??= import('mjml').then((module) => module.default);
  return loaded;
}

/**
 * mjml 5 behind the MjmlCompiler port. Strict validation, so a template mistake fails the render
 * instead of reaching readers; no font imports (mjml would otherwise link Google Fonts); minified
 * markup (htmlnano; CSS minification would need cssnano, which is not installed) to keep a digest
 * far from Gmail's 102 KB clipping limit. Counts its compiles so tests can prove the render-once rule.
 */
export class MjmlRenderer implements MjmlCompiler {
  #compiles = 0;

  /** How many MJML documents this renderer compiled. */
  get compileCount(): number {
    return this.#compiles;
  }

  async compile(mjml: string): Promise<string> {
    this.#compiles++;
    const compile = await mjml2html();
    const result = await compile(mjml, {
      validationLevel: 'strict',
      fonts: {},
      keepComments: false,
      minify: true,
      // htmlnano's CSS and SVG steps need cssnano and svgo, which are not installed (nor needed); the
      // types of @types/mjml do not know the SVG switch that htmlnano reads.
      minifyOptions: { minifyCss: false, minifySvg: false } as { minifyCss: false },
    });
    return result.html;
  }
}
