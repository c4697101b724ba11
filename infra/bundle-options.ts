/**
 * How every function's bundle is minified: whitespace and syntax, names kept, and no source maps. A
 * stack trace in the logs then names the functions it passed through, and a cold start neither parses
 * a source map (`--enable-source-maps` reads and parses the whole map as the bundle loads) nor pays for
 * renamed identifiers, which made the bundles slower to import here, not faster. bench/bundles.ts
 * builds with these too; docs/performance.md has the figures.
 */
export const bundleMinification = { minifyWhitespace: true, minifySyntax: true, minifyIdentifiers: false };

/**
 * `bundleMinification` as esbuild's command-line flags (`minifySyntax` → `--minify-syntax`), for
 * NodejsFunction's `esbuildArgs`: the options that are on; off is esbuild's default.
 */
export const bundleMinificationArgs: Record<string, boolean> = Object.fromEntries(
  Object.entries(bundleMinification)
    .filter(([, on]) => on)
    .map(([option]) => [`--${option.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`, true]),
);
