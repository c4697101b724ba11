import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, type RunningService, serverUrl } from '../../functions/local/emulators';
import { startServiceTap, type Tap } from '../../functions/local/service-tap';

/**
 * An upstream that answers the first request on each connection and keeps the connection alive, then
 * closes it without answering when a later request arrives on it: what an emulator does when its idle
 * timeout fires just as a request goes out on a kept-alive connection. With `everyRequest`, it closes
 * every connection without answering: an upstream that is down.
 */
async function closingUpstream(options: { everyRequest?: boolean } = {}) {
  const answeredOn = new WeakSet<Socket>();
  const counts = { requests: 0, answered: 0, closed: 0 };
  const server: Server = createServer((req, res) => {
    counts.requests += 1;
    req.resume();
    req.on('end', () => {
      if (options.everyRequest || answeredOn.has(req.socket)) {
        counts.closed += 1;
        req.socket.destroy();
        return;
      }
      answeredOn.add(req.socket);
      counts.answered += 1;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`answer ${counts.answered}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: serverUrl(server), counts, close: () => closeServer(server) };
}

const passThrough: { tap: Tap } = { tap: (_request, forward) => forward() };

describe('the service tap in front of an upstream that closes kept-alive connections', () => {
  const running: Array<Pick<RunningService, 'close'>> = [];
  afterEach(async () => {
    for (const service of running.splice(0).reverse()) await service.close();
  });

  it('sends a request again on a fresh connection when the kept-alive one was closed under it', async () => {
    const upstream = await closingUpstream();
    const tap = await startServiceTap({ port: 0, upstream: upstream.url, ...passThrough });
    running.push(upstream, tap);

    const answers: string[] = [];
    for (let call = 0; call < 3; call += 1) {
      const response = await fetch(`${tap.url}/store`);
      answers.push(await response.text());
    }

    expect(answers).toEqual(['answer 1', 'answer 2', 'answer 3']);
    expect(upstream.counts.closed).toBe(2);
    expect(upstream.counts.requests).toBe(5);
  });

  it('passes a fresh connection the upstream dropped on as a dropped connection, and tries it once', async () => {
    const upstream = await closingUpstream({ everyRequest: true });
    const tap = await startServiceTap({ port: 0, upstream: upstream.url, ...passThrough });
    running.push(upstream, tap);

    await expect(fetch(`${tap.url}/store`)).rejects.toThrow('fetch failed');
    expect(upstream.counts.requests).toBe(1);
  });
});
