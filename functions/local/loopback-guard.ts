import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The two names a service on 127.0.0.1 is reached by: the address itself and `localhost`. */
const loopbackNames = ['127.0.0.1', 'localhost'];

/**
 * Why a request must not reach a local service, or undefined when it may. A web page the staff member
 * visits can make their browser call any port on loopback: with an `Origin` of its own (fetch, a
 * form), with no Origin but `Sec-Fetch-Site: cross-site` (an image or script tag), or under its own
 * host name rebound to 127.0.0.1 (DNS rebinding, so the page counts as same-origin). So a request
 * passes only when its `Host` is this service's own loopback name and port, any `Origin` is this
 * service's own origin, and any `Sec-Fetch-Site` is same-origin or none (typed by the user) — but for
 * a top-level GET navigation, which shows the page to the user and nothing to the page that linked it.
 * The AWS SDK sends no Origin and the right Host: it always passes.
 */
export function refusalOf(request: IncomingMessage, port: number): string | undefined {
  const own = loopbackNames.map((name) => `${name}:${port}`);
  const host = request.headers.host?.toLowerCase();
  if (!host || !own.includes(host)) return 'the Host is not this local service';
  const origin = request.headers.origin?.toLowerCase();
  if (origin !== undefined && !own.some((name) => origin === `http://${name}`))
    return 'requests from another origin are refused';
  const site = request.headers['sec-fetch-site'];
  const navigation =
    request.headers['sec-fetch-mode'] === 'navigate' &&
    (request.method === 'GET' || request.method === 'HEAD');
  if (site !== undefined && site !== 'same-origin' && site !== 'none' && !navigation)
    return 'requests from another site are refused';
  return undefined;
}

function refuse(request: IncomingMessage, response: ServerResponse, reason: string): void {
  request.resume();
  response
    .writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
    .end(`Forbidden: ${reason}. This local nashra service answers only its own pages and local tools.\n`);
}

/**
 * Puts a local service — an emulator, a tap, the local SQS endpoint, any `http.Server` on 127.0.0.1,
 * its request listeners attached already (a library's own, dynalite's or express's) — behind
 * `refusalOf`: a refused request gets a 403 that names why and no `Access-Control-Allow-*` header,
 * and never reaches the service. Call it before the server takes requests; returns the server.
 */
export function guardLoopbackServer<S extends Server>(server: S): S {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  // Read once listening: asking the socket its address on every request costs a system call.
  let port: number | undefined;
  server.on('listening', () => {
    port = (server.address() as AddressInfo).port;
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    port ??= (server.address() as AddressInfo).port;
    const reason = refusalOf(request, port);
    if (reason) return refuse(request, response, reason);
    for (const listener of listeners) listener.call(server, request, response);
  });
  return server;
}
