import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { closeServer, type RunningService, serverUrl } from './emulators';
import { guardLoopbackServer } from './loopback-guard';

export interface TappedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body as a Query form, once a tap has asked for it (`queryFormOf`). */
  queryForm?: URLSearchParams;
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * The request's body as an AWS Query form (SES v1), parsed once however many taps read it: a digest's
 * SendRawEmail body is some 40 KB of form-encoded base64, and the contract check and the outbox both
 * read it. The form is kept on the request, so it goes when the request goes (a WeakMap beside it kept
 * forms alive until a full collection: 100 MB more at the peak of a 2,000-mail run).
 */
export function queryFormOf(request: TappedRequest): URLSearchParams {
  request.queryForm ??= new URLSearchParams(request.body.toString('utf8'));
  return request.queryForm;
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

function withoutHopByHop(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name)) kept[name] = value;
  }
  return kept;
}

/**
 * A loopback proxy in front of an AWS-speaking endpoint. Local mode puts one in front of DynamoDB (to
 * stand in for DynamoDB Streams) and one in front of SES (to keep every raw message in the outbox),
 * so these stand-ins work whichever process wrote or sent, and whichever endpoint is behind them.
 * A dropped upstream connection is passed on as a dropped connection. Upstream connections are kept
 * alive (the tap sits on every call of the send path); a request that meets one the upstream has just
 * closed as idle is sent again on a fresh one. Behind the loopback guard, like every local service.
 */
export async function startServiceTap(options: {
  port: number;
  upstream: string;
  /** The upstream listens on this Unix socket (its URL then gives only the path). */
  socketPath?: string;
  tap: Tap;
}): Promise<RunningService> {
  const upstream = new URL(options.upstream);
  const basePath = upstream.pathname.replace(/\/$/, '');
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const forwardRequest = (request: TappedRequest): Promise<UpstreamResponse> =>
    new Promise<UpstreamResponse>((resolve, reject) => {
      let answered = false;
      const outgoing = httpRequest(
        {
          ...(options.socketPath
            ? { socketPath: options.socketPath }
            : { host: upstream.hostname, port: upstream.port }),
          method: request.method,
          path: `${basePath}${request.path}`,
          headers: { ...withoutHopByHop(request.headers), 'content-length': String(request.body.length) },
          agent,
        },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the upstream closed as idle just as this request went out: the
        // upstream never read it, so it goes again on a fresh connection (Node's documented remedy).
        if (outgoing.reusedSocket && error.code === 'ECONNRESET' && !answered) {
          forwardRequest(request).then(resolve, reject);
        } else {
          reject(error);
        }
      });
      outgoing.end(request.body);
    });

  const server = guardLoopbackServer(
    createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: TappedRequest = {
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks),
        };
        options
          .tap(request, () => forwardRequest(request))
          .then(
            (response) =>
              res.writeHead(response.status, withoutHopByHop(response.headers)).end(response.body),
            () => res.destroy(),
          );
      });
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return {
    url: serverUrl(server),
    close: async () => {
      agent.destroy();
      await closeServer(server);
    },
  };
}
