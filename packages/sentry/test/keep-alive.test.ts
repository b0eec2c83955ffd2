// The transport keeps its connection to Sentry open between events, only while it is fresh, and never lets it
// hold a process open or lose an event. Through the real SDK and real sockets on 127.0.0.1.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import middy from '@middy/core';
import { lambdaContext } from '@lambdaware/events';
import { parseEnvelope, startSentryIngest, type SentryIngest } from '@lambdaware/testkit';
import { sentry } from '@lambdaware/sentry';
import { KEEP_ALIVE_IDLE_MS } from '../src/reporter.js';
import { collectLines, invoke, sleep } from './helpers.js';

let ingest: SentryIngest;
let sink: ReturnType<typeof collectLines>;

beforeAll(async () => {
  ingest = await startSentryIngest({ keepAlive: true });
});
afterAll(async () => {
  await ingest.close();
});
beforeEach(() => {
  ingest.envelopes.length = 0;
  ingest.events.length = 0;
  sink = collectLines();
});
afterEach(() => sink.restore());

const failing = (dsn: string) =>
  middy(async (event: { n: number }) => {
    throw new Error(`failure ${event.n}`);
  }).use(sentry({ dsn, flushTimeout: 1500 }));

describe('a kept-alive connection', () => {
  test('is reused for events close together, and not after KEEP_ALIVE_IDLE_MS in the pool', async () => {
    const handler = failing(ingest.dsn);
    for (const n of [1, 2, 3]) await invoke(() => handler({ n }, lambdaContext()));
    await sleep(KEEP_ALIVE_IDLE_MS + 100);
    await invoke(() => handler({ n: 4 }, lambdaContext()));
    expect(ingest.events).toHaveLength(4);
    const ports = ingest.envelopes.map((e) => e.remotePort);
    expect(ports[1]).toBe(ports[0]);
    expect(ports[2]).toBe(ports[0]);
    expect(ports[3]).not.toBe(ports[0]); // a new connection after the idle limit
    expect(sink.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  test('closed by the server while pooled (the write meets a reset): sent again on a new connection, delivered, no warning', async () => {
    // A Sentry stand-in that answers one request per connection with keep-alive, then resets the connection when
    // a second request arrives on it, as a server that dropped an idle connection the client still holds does.
    const bodies: Buffer[] = [];
    const served = new WeakMap<Socket, number>();
    const server: Server = createServer((req, res) => {
      const count = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, count);
      if (count > 1) {
        req.socket.resetAndDestroy();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const dsn = `http://public@127.0.0.1:${(server.address() as { port: number }).port}/1`;
      const handler = failing(dsn);
      await invoke(() => handler({ n: 1 }, lambdaContext()));
      const { ms } = await invoke(() => handler({ n: 2 }, lambdaContext()));
      expect(ms).toBeLessThan(1000);
      const messages = bodies.map((b) => (parseEnvelope(b).items[0].payload as { exception: { values: { value: string }[] } }).exception.values[0].value);
      expect(messages).toEqual(['failure 1', 'failure 2']);
      expect(sink.lines.filter((l) => l.level === 'warn')).toEqual([]);
      expect(sink.lines.filter((l) => l.level === 'error')).toHaveLength(2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a pooled connection does not keep a process alive: it exits at once while the server would keep it open 5 s', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const script = `
      const { default: middy } = await import('@middy/core');
      const { sentry } = await import('@lambdaware/sentry');
      const handler = middy(async () => { throw new Error('last failure'); }).use(sentry({ dsn: process.env.DSN }));
      await handler({}, { awsRequestId: 'r', getRemainingTimeInMillis: () => 5000 }).catch(() => {});
      console.log(JSON.stringify({ done: performance.now() }));
    `;
    const start = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', DSN: ingest.dsn },
      timeout: 8000,
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!).done).toBeGreaterThan(0);
    expect(ingest.events).toHaveLength(1);
    // the server side of the connection is still open (Node's keepAliveTimeout, 5 s): the client let go of it
    expect(ingest.envelopes[0].requestHeaders.connection).toBe('keep-alive');
    expect(Date.now() - start).toBeLessThan(4000);
  });
});
