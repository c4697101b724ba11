import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports or re-exports, resolved to a path relative to the repository. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'/g)].map(
    (match) => match[1] as string,
  );
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(root, resolve(file, '..', specifier)));
}

function crossings(from: string, to: string): string[] {
  return sourceFiles(join(root, from)).flatMap((file) =>
    importsOf(file)
      .filter((target) => target.startsWith(`${to}/`))
      .map((target) => `${relative(root, file)} → ${target}`),
  );
}

describe('import boundaries', () => {
  it('keeps the core free of templates: rendering sits behind the MailRenderer port', () => {
    expect(crossings('functions/core', 'templates')).toEqual([]);
  });

  it('keeps templates free of the core: they take view values only', () => {
    expect(crossings('templates', 'functions')).toEqual([]);
  });

  it('keeps the core free of AWS SDKs, adapters and process wiring', () => {
    const offenders = sourceFiles(join(root, 'functions/core')).filter((file) =>
      /from '@aws-sdk\/|from '(\.\.\/)+(adapters|runtime|local|cli|http|handlers)\//.test(
        readFileSync(file, 'utf8'),
      ),
    );
    expect(offenders.map((file) => relative(root, file))).toEqual([]);
  });
});
