import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { applyEnv } from './env.js';

/** One item of an envelope: its header line and its payload (parsed JSON when it is JSON, else the raw bytes). */
export interface EnvelopeItem {
  header: Record<string, unknown> & { type?: string; length?: number };
  payload: unknown;
}

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

/** Thrown when a request body is not a well-formed envelope. */
export class EnvelopeParseError extends Error {
  override name = 'EnvelopeParseError';
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

/** Decodes the body per `content-encoding` (gzip, deflate, br, or none). */
const decodeBody = (body: Buffer, encoding: string | undefined): Buffer => {
  switch ((encoding ?? 'identity').trim().toLowerCase()) {
    case 'identity':
    case '':
      return body;
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      throw new EnvelopeParseError(`unsupported content-encoding "${encoding}"`);
  }
};

const parseJsonLine = (bytes: Buffer, what: string): Record<string, unknown> => {
  const text = bytes.toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (e) {
    throw new EnvelopeParseError(`${what} is not a JSON object (${(e as Error).message}): ${text.slice(0, 200)}`);
  }
};

/**
 * Parses a Sentry envelope: a header line, then items, each a header line and a payload that is either `length`
 * bytes (when the item header has `length`) or the rest of the line.
 */
export const parseEnvelope = (body: Buffer): { header: Record<string, unknown>; items: EnvelopeItem[] } => {
  let pos = 0;
  const readLine = (): Buffer => {
    const nl = body.indexOf(0x0a, pos);
    const end = nl === -1 ? body.length : nl;
    const line = body.subarray(pos, end);
    pos = nl === -1 ? body.length : nl + 1;
    return line;
  };
  const header = parseJsonLine(readLine(), 'envelope header');
  const items: EnvelopeItem[] = [];
  while (pos < body.length) {
    const headerLine = readLine();
    if (headerLine.length === 0) continue; // a trailing newline
    const itemHeader = parseJsonLine(headerLine, `item ${items.length} header`) as EnvelopeItem['header'];
    let raw: Buffer;
    if (typeof itemHeader.length === 'number') {
      if (pos + itemHeader.length > body.length) {
        throw new EnvelopeParseError(`item ${items.length} declares length ${itemHeader.length} but only ${body.length - pos} bytes follow`);
      }
      raw = body.subarray(pos, pos + itemHeader.length);
      pos += itemHeader.length;
      if (body[pos] === 0x0a) pos++;
    } else {
      raw = readLine();
    }
    let payload: unknown = raw;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      payload = Buffer.from(raw); // an attachment or other binary payload
    }
    items.push({ header: itemHeader, payload });
  }
  return { header, items };
};

/**
 * Starts a local Sentry ingest on 127.0.0.1 (an ephemeral port unless told) that accepts
 * `POST /api/<project>/envelope/`, parses each envelope and answers as the mode says.
 */
export const startSentryIngest = async (options: SentryIngestOptions = {}): Promise<SentryIngest> => {
  const project = options.project ?? '1';
  const publicKey = options.publicKey ?? 'public';
  let mode: IngestMode = options.mode ?? 'ok';
  let status = options.status ?? 500;
  let statusHeaders: Record<string, string> = {};
  const envelopes: ReceivedEnvelope[] = [];
  const events: ReceivedEvent[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();

  const answer = (res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(code, { 'content-type': 'application/json', ...(options.keepAlive ? {} : { connection: 'close' }), ...headers });
    res.end(JSON.stringify(body));
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = ENVELOPE_PATH.exec(url.pathname);
    if (req.method !== 'POST' || match === null) {
      answer(res, 404, { detail: `no route for ${req.method} ${url.pathname}` });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let parsed: ReturnType<typeof parseEnvelope>;
      const body = Buffer.concat(chunks);
      try {
        let decoded: Buffer = body;
        try {
          decoded = decodeBody(body, req.headers['content-encoding']);
        } finally {
          recordForScan(decoded);
        }
        parsed = parseEnvelope(decoded);
      } catch (e) {
        answer(res, 400, { detail: `bad envelope: ${(e as Error).message}` });
        return;
      }
      const answered: number | 'hang' = mode === 'hang' ? 'hang' : mode === 'status' ? status : 200;
      envelopes.push({
        project: match[1],
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
          events.push(item.payload as ReceivedEvent);
        }
      }
      for (const wake of [...waiters]) wake();
      if (answered === 'hang') return; // accepted, read, never answered
      if (answered === 200) answer(res, 200, { id: parsed.header.event_id ?? randomUUID().replaceAll('-', '') });
      else answer(res, answered, { detail: `ingest answering ${answered}` }, statusHeaders);
    });
  };

  const server = createServer(onRequest);
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
  const stopListening = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const s of sockets) s.destroy(); // so close() does not wait for open connections
    });

  const port = await listen(0);
  if (mode === 'refuse') await stopListening();

  const setMode = async (next: IngestMode): Promise<void> => {
    if (next === 'refuse') await stopListening();
    else if (!server.listening) await listen(port);
    mode = next;
  };

  const dsn = `http://${publicKey}@127.0.0.1:${port}/${project}`;
  const env = { SENTRY_DSN: dsn };
  const restoreEnv = options.setEnv === true ? applyEnv(env) : () => {};

  return {
    dsn,
    port,
    env,
    envelopes,
    events,
    waitForEvent(timeoutMs = 5000, predicate = () => true) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = events.find(predicate);
          if (found === undefined) return false;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(found);
          return true;
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`no matching Sentry event within ${timeoutMs} ms (received ${events.length} event(s) in ${envelopes.length} envelope(s))`));
        }, timeoutMs);
        if (!check()) waiters.add(wake);
      });
    },
    setMode,
    async setStatus(code, headers = {}) {
      if (!Number.isInteger(code) || code < 100 || code > 599) throw new RangeError(`setStatus: ${code} is not an HTTP status code`);
      status = code;
      statusHeaders = headers;
      await setMode('status');
    },
    async close() {
      await stopListening();
      restoreEnv();
    },
  };
};
