/**
 * How every function's bundle is minified: whitespace and syntax, names kept, and no source maps. A
 * stack trace in the logs then names the functions it passed through, and a cold start neither parses
 * a source map (`--enable-source-maps` reads and parses the whole map as the bundle loads) nor pays for
 * renamed identifiers, which made the bundles slower to import here, not faster. bench/bundles.ts
 * builds with these too; docs/performance.md has the figures.
 */
export const bundleMinification = { minifyWhitespace: true, minifySyntax: true, minifyIdentifiers: false };

/** `bundleMinification` as esbuild's command-line flags, for NodejsFunction's `esbuildArgs`. */
export const bundleMinificationArgs = { '--minify-whitespace': true, '--minify-syntax': true };
