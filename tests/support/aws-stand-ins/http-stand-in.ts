import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { closeServer, type RunningService, serverUrl } from '../../../functions/local/emulators';
import type { UpstreamResponse } from '../../../functions/local/service-tap';

export interface StandInRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A small AWS API stand-in on a free loopback port: every request, body read whole, goes to
 * `handle`, whose answer is written back as is. A handler that throws answers 500, as AWS does for
 * its own faults.
 */
export async function serveStandIn(
  handle: (request: StandInRequest) => UpstreamResponse | Promise<UpstreamResponse>,
): Promise<RunningService> {
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      Promise.resolve()
        .then(() =>
          handle({
            method: req.method ?? 'GET',
            url: req.url ?? '/',
            headers: req.headers,
            body: Buffer.concat(chunks),
          }),
        )
        .then(
          (answer) => res.writeHead(answer.status, answer.headers).end(answer.body),
          (error: Error) =>
            res
              .writeHead(500, {
                'content-type': 'application/json',
                'x-amzn-errortype': 'InternalServerException',
              })
              .end(JSON.stringify({ Message: error.message })),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: serverUrl(server), close: () => closeServer(server) };
}

/** A JSON answer with the status given. */
export function jsonAnswer(status: number, body: unknown): UpstreamResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}
