import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build as esbuild } from 'esbuild';
import { bundleMinification } from '../infra/bundle-options';
import { median, round } from './stats';

export interface BundleResult {
  handler: string;
  bytes: number;
  /** Median time for a fresh `node` to import the bundle (no handler call), in milliseconds. */
  importMs: number;
  /** Whether the handler renders mail with MJML (the size and import goals apply to those that do not). */
  renders: boolean;
  /** Whether mjml's code is in the bundle. */
  containsMjml: boolean;
}

const root = join(import.meta.dirname, '..');
const handlersDir = join(root, 'functions', 'handlers');

/**
 * Handlers whose use cases compile MJML: digests, alerts (new and held), and the staff console (its
 * previews and test sends). The readers' function serves its system mails precompiled.
 */
const rendering = new Set(['alert-sweep', 'article-stream', 'console', 'digest-run']);

/**
 * Bundles one handler as NashraFunction (infra/constructs/nashra-function.ts) does: the lambda-entry
 * wrapper with the handler aliased as `nashra-handler`, ESM, minified as infra/bundle-options.ts says,
 * Node 22, the AWS SDK bundled, the createRequire banner.
 */
async function bundle(handler: string, outDir: string): Promise<{ file: string; containsMjml: boolean }> {
  return bundleFile(join(root, 'infra', 'runtime', 'lambda-entry.ts'), join(outDir, handler, 'index.mjs'), {
    'nashra-handler': join(handlersDir, `${handler}.ts`),
  });
}

/** Bundles `entry` into `outfile` with the functions' esbuild options. */
async function bundleFile(
  entry: string,
  outfile: string,
  alias: Record<string, string>,
): Promise<{ file: string; containsMjml: boolean }> {
  const result = await esbuild({
    entryPoints: [entry],
    bundle: true,
    outfile,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    ...bundleMinification,
    external: [],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    alias,
    logLevel: 'error',
    metafile: true,
  });
  const containsMjml = Object.keys(result.metafile.inputs).some((input) =>
    input.includes('node_modules/mjml'),
  );
  return { file: outfile, containsMjml };
}

/** Time for a fresh node process to import the module, measured inside it (process start excluded). */
function importMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(resolve(file)).href)}); process.stdout.write(String(performance.now() - t));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-1',
      NASHRA_MODE: 'aws',
      NASHRA_LINK_SIGNING_KEY: 'bench-signing-key-0123456789abcdef0123456789',
      NASHRA_SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/nashra-send',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
    encoding: 'utf8',
  });
  return Number(output);
}

/** The median of `runs` fresh imports of the bundle, after one untimed import (the disk cache warmed). */
function medianImportMs(file: string, runs: number): number {
  importMs(file);
  return round(median(Array.from({ length: runs }, () => importMs(file))));
}

/** Every handler in functions/handlers, bundled for Lambda: its size and its import time here. */
export async function measureBundles(options: { runs: number; outDir: string }): Promise<BundleResult[]> {
  mkdirSync(options.outDir, { recursive: true });
  const handlers = readdirSync(handlersDir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.replace(/\.ts$/, ''))
    .sort();
  const results: BundleResult[] = [];
  for (const handler of handlers) {
    const { file, containsMjml } = await bundle(handler, options.outDir);
    results.push({
      handler,
      bytes: statSync(file).size,
      importMs: medianImportMs(file, options.runs),
      renders: rendering.has(handler),
      containsMjml,
    });
  }
  return results;
}

/**
 * The libraries the readers' function cannot do without (bench/readers-libraries.ts), bundled as its
 * bundle is and imported alone: the floor under the `http-api` import time, whatever nashra's own code.
 */
export interface LibrariesFloor {
  handler: 'http-api';
  bytes: number;
  importMs: number;
}

export async function measureReadersLibraries(options: {
  runs: number;
  outDir: string;
}): Promise<LibrariesFloor> {
  const { file } = await bundleFile(
    join(root, 'bench', 'readers-libraries.ts'),
    join(options.outDir, 'readers-libraries', 'index.mjs'),
    {},
  );
  return { handler: 'http-api', bytes: statSync(file).size, importMs: medianImportMs(file, options.runs) };
}
