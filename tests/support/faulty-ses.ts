import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { closeServer, type RunningService, serverUrl } from '../../functions/local/emulators';

export interface FaultRates {
  /** Share of calls answered 400 Throttling "Maximum sending rate exceeded." */
  throttle?: number;
  /** Share answered 500 InternalFailure. */
  serverError?: number;
  /** Share whose connection is dropped before the call reaches SES (nothing is sent). */
  drop?: number;
  /** After this many accepted sends, every call is refused with "Daily message quota exceeded." */
  dailyQuota?: number;
  /** SES is down: every connection is dropped. */
  down?: boolean;
  /** Hold each answer this long after SES accepted the mail (a window to kill a sender in). */
  answerDelayMs?: number;
  /**
   * After `after` accepted sends (0: from the first call), every call is refused with this SES error:
   * an account-wide refusal such as AccountSendingPausedException.
   */
  refuse?: SesRefusal & { after?: number };
  /** Calls to a recipient this matches are refused with the error: one reader's permanent failure. */
  rejectRecipient?: { matches: (to: string) => boolean; refusal: (to: string) => SesRefusal };
}

/** An SES error as SES's Query API answers it: its code, message and HTTP status (400 unless said). */
export interface SesRefusal {
  code: string;
  message: string;
  status?: number;
}

export interface FaultCounts {
  calls: number;
  forwarded: number;
  throttled: number;
  serverErrors: number;
  dropped: number;
  /** Requests the emulator dropped (a kept-alive connection it closed as the request went out). */
  upstreamDropped: number;
  quotaRefused: number;
  refused: number;
}

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const sesError = (code: string, message: string) =>
  `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlText(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;

/** A deterministic pseudo-random sequence (mulberry32), so a fault run can be repeated exactly. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An SES-speaking endpoint that misbehaves: in front of the SES emulator it throttles, fails and drops
 * a share of calls, refuses everything past a daily quota or with an account-wide error, or refuses
 * one reader's mail, as configured. `rates` may be changed while it runs.
 */
export async function startFaultySes(
  upstream: string,
  rates: FaultRates,
  seed = 7,
): Promise<RunningService & { counts: FaultCounts; rates: FaultRates }> {
  const random = seeded(seed);
  const counts: FaultCounts = {
    calls: 0,
    forwarded: 0,
    throttled: 0,
    serverErrors: 0,
    dropped: 0,
    upstreamDropped: 0,
    quotaRefused: 0,
    refused: 0,
  };
  const current = rates;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      counts.calls += 1;
      const roll = random();
      const xml = (status: number, body: string) =>
        res.writeHead(status, { 'content-type': 'text/xml' }).end(body);
      if (current.down) {
        counts.dropped += 1;
        return req.socket.destroy();
      }
      if (current.refuse && counts.forwarded >= (current.refuse.after ?? 0)) {
        counts.refused += 1;
        return xml(current.refuse.status ?? 400, sesError(current.refuse.code, current.refuse.message));
      }
      const to =
        new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('Destinations.member.1') ?? '';
      if (current.rejectRecipient?.matches(to)) {
        const refusal = current.rejectRecipient.refusal(to);
        counts.refused += 1;
        return xml(refusal.status ?? 400, sesError(refusal.code, refusal.message));
      }
      if (current.dailyQuota !== undefined && counts.forwarded >= current.dailyQuota) {
        counts.quotaRefused += 1;
        return xml(400, sesError('Throttling', 'Daily message quota exceeded.'));
      }
      const throttle = current.throttle ?? 0;
      const serverError = throttle + (current.serverError ?? 0);
      const drop = serverError + (current.drop ?? 0);
      if (roll < throttle) {
        counts.throttled += 1;
        return xml(400, sesError('Throttling', 'Maximum sending rate exceeded.'));
      }
      if (roll < serverError) {
        counts.serverErrors += 1;
        return xml(
          500,
          sesError('InternalFailure', 'The request processing has failed because of an unknown error.'),
        );
      }
      if (roll < drop) {
        counts.dropped += 1;
        return req.socket.destroy();
      }
      counts.forwarded += 1;
      let response: Response;
      try {
        response = await fetch(`${upstream}${req.url}`, {
          method: 'POST',
          headers: Object.fromEntries(
            Object.entries(req.headers).filter(
              ([name, value]) =>
                typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name),
            ),
          ) as Record<string, string>,
          body: Buffer.concat(chunks),
        });
      } catch {
        // The emulator closed a kept-alive connection as the request went out: to the sender this is a
        // connection dropped before any answer, which it retries.
        counts.upstreamDropped += 1;
        return req.socket.destroy();
      }
      const answer = Buffer.from(await response.arrayBuffer());
      if (current.answerDelayMs) await new Promise((resolve) => setTimeout(resolve, current.answerDelayMs));
      res
        .writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/xml' })
        .end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: serverUrl(server), close: () => closeServer(server), counts, rates: current };
}
