import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { simpleParser } from 'mailparser';
import { inject } from 'vitest';
import type { Clock } from '../../functions/core/ports';
import type { Subscriber } from '../../functions/core/subscriber';
import type { LocalStack } from '../../functions/local/stack';
import { type OpenRuntime, openRuntime } from '../../functions/runtime/open-runtime';
import { mjmlMailRenderer } from '../../functions/runtime/rendering';
import { createRuntime, type Runtime } from '../../functions/runtime/runtime';
import { type SendingParts, sendingParts } from '../../functions/runtime/sending';

export interface TestStack {
  runtime: OpenRuntime;
  stack: LocalStack;
  services: SendingParts;
  db: DynamoDBDocumentClient;
  /**
   * A second runtime on the same stack whose use cases see `clock` (the HTTP app of a suite that
   * moves time), while the stack's own triggers keep real time. Closed with the stack.
   */
  withClock(clock: Clock): Runtime;
  close(): Promise<void>;
}

/**
 * The whole local stack for one suite, built by the same composition root as `nashra dev`, against the
 * run's emulators (or `env` overrides, such as a faulty SES in front of them): taps, the local SQS
 * endpoint, the triggers wired with the real handlers, its own tables and NASHRA_HOME. With `staff`, also
 * the staff's identity service: cognito-local started for the suite, as `nashra dev` starts it.
 */
export async function openTestStack(
  env: NodeJS.ProcessEnv = {},
  options: { clock?: Clock; staff?: boolean } = {},
): Promise<TestStack> {
  const runtime = await openRuntime('local', {
    ...options,
    env: {
      NASHRA_HOME: mkdtempSync(join(tmpdir(), 'nashra-stack-')),
      NASHRA_TABLE_PREFIX: `s${randomBytes(4).toString('hex')}-`,
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbUrl'),
      AWS_ENDPOINT_URL_SES: inject('sesUrl'),
      NASHRA_LINK_SIGNING_KEY: 'test-signing-key-0123456789abcdef0123456789',
      NASHRA_SEND_RATE: '2000',
      // Alerts go at once whatever the hour the suite runs; the quiet-hours suite turns them on.
      NASHRA_QUIET_HOURS: 'off',
      // A short sender timeout: claims lapse, and failed jobs come back, after seconds, not minutes.
      NASHRA_SENDER_TIMEOUT_SECONDS: '3',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      ...env,
    },
  });
  const stack = runtime.local;
  if (!stack) throw new Error('local mode opened without its stack');
  const others: Runtime[] = [];
  return {
    runtime,
    stack,
    services: sendingParts(runtime),
    db: runtime.db,
    withClock: (clock) => {
      const other = createRuntime('local', stack.config, { renderer: mjmlMailRenderer, clock });
      others.push(other);
      return other;
    },
    close: async () => {
      for (const other of others) await other.close();
      await runtime.close();
    },
  };
}

let counter = 0;

/** An active reader, unless changes say otherwise. */
export function reader(changes: Partial<Subscriber> = {}): Subscriber {
  counter += 1;
  const now = '2026-11-01T00:00:00.000Z';
  return {
    id: `r${randomBytes(8).toString('hex')}`,
    email: `reader${counter}-${randomBytes(3).toString('hex')}@example.org`,
    status: 'active',
    languages: ['en'],
    cadence: 'weekly',
    topics: [],
    urgentAlerts: false,
    paused: false,
    consent: { at: now, method: 'test' },
    linkVersion: 1,
    bounceCount: 0,
    createdAt: now,
    updatedAt: now,
    ...changes,
  };
}

export interface OutboxMail {
  file: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Map<string, string>;
}

/** Every message the outbox tap kept, parsed; header names lower-cased, folded lines joined. */
export async function readOutbox(stack: LocalStack): Promise<OutboxMail[]> {
  const files = readdirSync(stack.outbox).filter((file) => file.endsWith('.eml'));
  return Promise.all(
    files.map(async (file) => {
      const parsed = await simpleParser(readFileSync(join(stack.outbox, file)));
      const headers = new Map(
        parsed.headerLines.map((h) => [
          h.key,
          h.line
            .slice(h.line.indexOf(':') + 1)
            .replace(/\r?\n\s+/g, ' ')
            .trim(),
        ]),
      );
      const to = Array.isArray(parsed.to) ? (parsed.to[0]?.text ?? '') : (parsed.to?.text ?? '');
      return {
        file,
        to,
        subject: parsed.subject ?? '',
        html: parsed.html || '',
        text: parsed.text ?? '',
        headers,
      };
    }),
  );
}
