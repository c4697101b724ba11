import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Imports a synthesised function bundle in a fresh `node` (no Node options, as the functions run),
 * calls its handler with `event` and no context, and returns the handler's response: what Lambda would
 * answer on a cold start with the given environment.
 */
export async function invokeBundle(
  bundle: string,
  event: unknown,
  env: Record<string, string | undefined>,
): Promise<{ statusCode: number; body: string; cookies?: string[] }> {
  const script = `const { handler } = await import(${JSON.stringify(bundle)});
    console.log(JSON.stringify(await handler(${JSON.stringify(event)}, {})));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...env },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}
