import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { applyEnv } from './env.js';
import { type EnvelopeItem, EnvelopeParseError, decodeBody, parseEnvelope } from './envelope.js';

export { type EnvelopeItem, EnvelopeParseError, parseEnvelope };

/** One envelope as the ingest received it. */
export interface ReceivedEnvelope {
  /** The `<project>` of `POST /api/<project>/envelope/`. */
  project: string;
  /** The query string parameters (the SDK puts `sentry_key`, `sentry_version`, `sentry_client` there). */
  query: Record<string, string>;
  requestHeaders: IncomingHttpHeaders;
  header: Record<string, unknown>;
  items: EnvelopeItem[];
  /** What the ingest answered: an HTTP status, or 'hang' when it never answered. */
  answered: number | 'hang';
  receivedAt: number;
  /** The client's port: the same port for two envelopes means one kept-alive connection. */
  remotePort: number | undefined;
}

/** A Sentry event (the payload of an `event` item), with the envelope it came in. */
export type ReceivedEvent = Record<string, unknown> & { event_id?: string };

export type IngestMode = 'ok' | 'refuse' | 'hang' | 'status';

export interface SentryIngestOptions {
  /** The project id in the DSN (default '1'). */
  project?: string;
  /** The public key in the DSN (default 'public'). */
  publicKey?: string;
  /** The initial mode (default 'ok'). */
  mode?: IngestMode;
  /** The status code answered in 'status' mode (default 500). */
  status?: number;
  /** Keep connections open between requests, as Sentry does (default false: every answer says `connection: close`). */
  keepAlive?: boolean;
  /** Also set `SENTRY_DSN` to this ingest's DSN on process.env now, and put the previous value back on close() (default false). */
  setEnv?: boolean;
}

export interface SentryIngest {
  /** `http://<publicKey>@127.0.0.1:<port>/<project>`: pass it as SENTRY_DSN or the `dsn` option. */
  dsn: string;
  port: number;
  /** `{ SENTRY_DSN: dsn }`, for a child process's environment. */
  env: Record<string, string>;
  /** Every envelope received so far, in order (also those answered with an error status or never answered). */
  envelopes: ReceivedEnvelope[];
  /** The payload of every `event` item received so far, in order. */
  events: ReceivedEvent[];
  /**
   * The first received event matching `predicate` (default: any), waiting for it up to `timeoutMs` (default 5000).
   * Rejects with an error saying what was received when none arrives in time.
   */
  waitForEvent(timeoutMs?: number, predicate?: (event: ReceivedEvent) => boolean): Promise<ReceivedEvent>;
  /**
   * 'ok': answer 200 `{"id": ...}`. 'refuse': nothing listens on the port any more (connections are refused).
   * 'hang': accept and read the request, never answer. 'status': answer the status set with setStatus (default 500).
   * Resolves once the listener is in the new state.
   */
  setMode(mode: IngestMode): Promise<void>;
  /** Answer every request with `code` (and `headers`, e.g. `{ 'retry-after': '60' }`) from now on. */
  setStatus(code: number, headers?: Record<string, string>): Promise<void>;
  /** Stops listening and drops every open connection (hanging requests included). */
  close(): Promise<void>;
}

/**
 * The whole-run secret scan (tests/secret-scan/): when its jest setup file installed the hook
 * `globalThis[Symbol.for('lambdaware.secret-scan.envelope')]`, every envelope received (its decompressed bytes, or
 * the raw body when it does not decompress) is handed to it.
 */
const recordForScan = (body: Buffer): void => {
  const hook = (globalThis as Record<symbol, unknown>)[Symbol.for('lambdaware.secret-scan.envelope')];
  if (typeof hook === 'function') hook(body);
};

const ENVELOPE_PATH = /^\/api\/([^/]+)\/envelope\/?$/;

/** The ingest's state, shared by its request handler and its methods. */
interface Ingest {
  mode: IngestMode;
  status: number;
  statusHeaders: Record<string, string>;
  readonly keepAlive: boolean;
  readonly envelopes: ReceivedEnvelope[];
  readonly events: ReceivedEvent[];
  readonly waiters: Set<() => void>;
}

const answer = (ingest: Ingest, res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(code, { 'content-type': 'application/json', ...(ingest.keepAlive ? {} : { connection: 'close' }), ...headers });
  res.end(JSON.stringify(body));
};

/** Records one request's envelope (or answers 400 when it is none) and answers as the mode says. */
const receive = (ingest: Ingest, req: IncomingMessage, res: ServerResponse, url: URL, project: string, body: Buffer): void => {
  let parsed: ReturnType<typeof parseEnvelope>;
  try {
    let decoded: Buffer = body;
    try {
      decoded = decodeBody(body, req.headers['content-encoding']);
    } finally {
      recordForScan(decoded);
    }
    parsed = parseEnvelope(decoded);
  } catch (e) {
    answer(ingest, res, 400, { detail: `bad envelope: ${(e as Error).message}` });
    return;
  }
  const answered: number | 'hang' = ingest.mode === 'hang' ? 'hang' : ingest.mode === 'status' ? ingest.status : 200;
  ingest.envelopes.push({
    project,
    query: Object.fromEntries(url.searchParams),
    requestHeaders: req.headers,
    header: parsed.header,
    items: parsed.items,
    answered,
    receivedAt: Date.now(),
    remotePort: req.socket.remotePort,
  });
  for (const item of parsed.items) {
    if (item.header.type === 'event' && item.payload !== null && typeof item.payload === 'object') {
      ingest.events.push(item.payload as ReceivedEvent);
    }
  }
  for (const wake of [...ingest.waiters]) wake();
  if (answered === 'hang') return; // accepted, read, never answered
  if (answered === 200) answer(ingest, res, 200, { id: parsed.header.event_id ?? randomUUID().replaceAll('-', '') });
  else answer(ingest, res, answered, { detail: `ingest answering ${answered}` }, ingest.statusHeaders);
};

const onRequest =
  (ingest: Ingest) =>
  (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = ENVELOPE_PATH.exec(url.pathname);
    if (req.method !== 'POST' || match === null) {
      answer(ingest, res, 404, { detail: `no route for ${req.method} ${url.pathname}` });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => receive(ingest, req, res, url, match[1], Buffer.concat(chunks)));
  };

/** The first received event matching `predicate`, waiting for it up to `timeoutMs`. */
const waitForEvent = (ingest: Ingest, timeoutMs: number, predicate: (event: ReceivedEvent) => boolean): Promise<ReceivedEvent> =>
  new Promise((resolve, reject) => {
    const check = (): boolean => {
      const found = ingest.events.find(predicate);
      if (found === undefined) return false;
      clearTimeout(timer);
      ingest.waiters.delete(wake);
      resolve(found);
      return true;
    };
    const wake = (): void => void check();
    const timer = setTimeout(() => {
      ingest.waiters.delete(wake);
      reject(
        new Error(`no matching Sentry event within ${timeoutMs} ms (received ${ingest.events.length} event(s) in ${ingest.envelopes.length} envelope(s))`),
      );
    }, timeoutMs);
    if (!check()) ingest.waiters.add(wake);
  });

/** The listening socket of the ingest: on, off ('refuse' mode: connections refused), on again on the same port. */
const listener = (server: Server) => {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as { port: number }).port);
      });
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const s of sockets) s.destroy(); // so close() does not wait for open connections
    });
  return { listen, stop };
};

/**
 * Starts a local Sentry ingest on 127.0.0.1 (an ephemeral port unless told) that accepts
 * `POST /api/<project>/envelope/`, parses each envelope and answers as the mode says.
 */
export const startSentryIngest = async (options: SentryIngestOptions = {}): Promise<SentryIngest> => {
  const project = options.project ?? '1';
  const publicKey = options.publicKey ?? 'public';
  const ingest: Ingest = {
    mode: options.mode ?? 'ok',
    status: options.status ?? 500,
    statusHeaders: {},
    keepAlive: options.keepAlive === true,
    envelopes: [],
    events: [],
    waiters: new Set(),
  };
  const server = createServer(onRequest(ingest));
  const { listen, stop } = listener(server);
  const port = await listen(0);
  if (ingest.mode === 'refuse') await stop();

  const setMode = async (next: IngestMode): Promise<void> => {
    if (next === 'refuse') await stop();
    else if (!server.listening) await listen(port);
    ingest.mode = next;
  };

  const dsn = `http://${publicKey}@127.0.0.1:${port}/${project}`;
  const env = { SENTRY_DSN: dsn };
  const restoreEnv = options.setEnv === true ? applyEnv(env) : () => {};

  return {
    dsn,
    port,
    env,
    envelopes: ingest.envelopes,
    events: ingest.events,
    waitForEvent: (timeoutMs = 5000, predicate = () => true) => waitForEvent(ingest, timeoutMs, predicate),
    setMode,
    async setStatus(code, headers = {}) {
      if (!Number.isInteger(code) || code < 100 || code > 599) throw new RangeError(`setStatus: ${code} is not an HTTP status code`);
      ingest.status = code;
      ingest.statusHeaders = headers;
      await setMode('status');
    },
    async close() {
      await stop();
      restoreEnv();
    },
  };
};
