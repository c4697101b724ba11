import { createServer, type IncomingHttpHeaders } from 'node:http';
import { closeServer, type RunningService, serverUrl } from './emulators';

export interface TappedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** Sees every request, forwards it when it chooses, and may act on what came back. */
export type Tap = (
  request: TappedRequest,
  forward: () => Promise<UpstreamResponse>,
) => Promise<UpstreamResponse>;

const hopByHop = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'content-encoding',
]);

/**
 * A loopback proxy in front of an AWS-speaking endpoint. Local mode puts one in front of DynamoDB (to
 * stand in for DynamoDB Streams) and one in front of SES (to keep every raw message in the outbox),
 * so these stand-ins work whichever process wrote or sent, and whichever endpoint is behind them.
 * A dropped upstream connection is passed on as a dropped connection.
 */
export async function startServiceTap(options: {
  port: number;
  upstream: string;
  tap: Tap;
}): Promise<RunningService> {
  const upstream = options.upstream.replace(/\/$/, '');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: TappedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      const forward = async (): Promise<UpstreamResponse> => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(request.headers)) {
          if (value === undefined || hopByHop.has(name)) continue;
          headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const response = await fetch(`${upstream}${request.path}`, {
          method: request.method,
          headers,
          ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: request.body }),
        });
        return {
          status: response.status,
          headers: response.headers,
          body: Buffer.from(await response.arrayBuffer()),
        };
      };
      options.tap(request, forward).then(
        (response) => {
          const headers: Record<string, string> = {};
          response.headers.forEach((value, name) => {
            if (!hopByHop.has(name)) headers[name] = value;
          });
          res.writeHead(response.status, headers).end(response.body);
        },
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return { url: serverUrl(server), close: () => closeServer(server) };
}
