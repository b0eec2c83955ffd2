// A Lambda Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) served on 127.0.0.1,
// the part of the Lambda service that the runtime interface client talks to: it hands out one invocation at a
// time on GET /next (long poll) and receives the function's response, its error, or an init error.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

const PREFIX = '/2018-06-01/runtime';
/** Lambda's limit for a synchronous response payload. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
/**
 * The header limit of this Runtime API. aws-lambda-ric posts a function error with its X-Ray cause (the error's
 * message and stack as JSON) in the `Lambda-Runtime-Function-XRay-Error-Cause` header, so a large error message
 * makes a large header: 1,000 bad records give a message of 150 KB and more. Node's default (16 KB) would refuse it
 * with 431 and the invocation would end as a timeout; Lambda returns the error. 64 MiB is above anything a 6 MB
 * error can produce.
 */
export const MAX_HEADER_BYTES = 64 * 1024 * 1024;

/** The error body a runtime posts and Lambda returns to the caller. */
export interface LambdaErrorBody {
  errorType: string;
  errorMessage: string;
  trace?: string[];
  [key: string]: unknown;
}

/** What the runtime sent back for one invocation. */
export type RuntimeOutcome =
  | { kind: 'response'; requestId: string; body: string; streamed: boolean; at: number }
  | { kind: 'error'; requestId: string; body: string; error: LambdaErrorBody; at: number };

export interface PendingInvocation {
  requestId: string;
  /** The event, already serialized to JSON. */
  body: string;
  headers: Record<string, string>;
}

export interface RuntimeApiEvents {
  /** The runtime called GET /next (it finished init or the previous invocation). */
  onNext?: (at: number) => void;
  /** The runtime posted /init/error. */
  onInitError?: (error: LambdaErrorBody, at: number) => void;
  /** The runtime posted a response or an error for the current invocation. */
  onOutcome?: (outcome: RuntimeOutcome) => void;
}

/**
 * The Runtime API server. By default one invocation is in flight at a time, as in a Lambda execution environment:
 * `dispatch()` answers the held `/next` request (or the next one to come) with the event. With `{ multi: true }`
 * (Lambda Managed Instances: aws-lambda-ric in multi-concurrent mode, one `/next` held per worker thread), every
 * held `/next` is kept and dispatched invocations are answered in order, several in flight; the caller decides how
 * many it dispatches (`AWS_LAMBDA_MAX_CONCURRENCY`).
 */
export class RuntimeApi {
  readonly #server: Server;
  readonly #multi: boolean;
  #held: ServerResponse[] = [];
  #pending: PendingInvocation[] = [];
  #current = new Set<string>();
  listeners: RuntimeApiEvents = {};

  constructor(options: { multi?: boolean } = {}) {
    this.#multi = options.multi === true;
    this.#server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
      this.#route(req, res).catch((error: unknown) => {
        reply(res, 500, { errorType: 'ServiceException', errorMessage: String(error) });
      });
    });
    this.#server.keepAliveTimeout = 0;
  }

  /** Listens on 127.0.0.1 on an ephemeral port; returns `host:port` for AWS_LAMBDA_RUNTIME_API. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.#server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** Queues the invocation: the runtime receives it on its (current or next) GET /next. */
  dispatch(invocation: PendingInvocation): void {
    this.#pending.push(invocation);
    this.#current.add(invocation.requestId);
    this.#flush();
  }

  /** Stops waiting for an invocation's outcome (timed out): a late response or error for it gets 400. */
  abandon(requestId: string): void {
    this.#current.delete(requestId);
    this.#pending = this.#pending.filter((p) => p.requestId !== requestId);
  }

  /** Forgets the held /next of a runtime that is gone (a new execution environment will call again). */
  reset(): void {
    for (const res of this.#held) res.destroy();
    this.#held = [];
    this.#pending = [];
    this.#current.clear();
  }

  async close(): Promise<void> {
    this.reset();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #flush(): void {
    while (this.#held.length > 0 && this.#pending.length > 0) {
      const res = this.#held.shift()!;
      if (res.destroyed || res.writableEnded) continue;
      const { body, headers } = this.#pending.shift()!;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
      res.end(body);
    }
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === `${PREFIX}/invocation/next`) {
      if (!this.#multi) {
        // one runtime, one /next at a time: a new one replaces a connection the runtime gave up
        for (const old of this.#held) old.destroy();
        this.#held = [];
      }
      this.#held.push(res);
      res.on('close', () => {
        const at = this.#held.indexOf(res);
        if (at !== -1) this.#held.splice(at, 1);
      });
      this.listeners.onNext?.(performance.now());
      this.#flush();
      return;
    }
    if (req.method === 'POST' && url === `${PREFIX}/init/error`) {
      const body = await readBody(req);
      const at = performance.now();
      reply(res, 202, { status: 'OK' });
      this.listeners.onInitError?.(parseErrorBody(body, header(req, 'lambda-runtime-function-error-type')), at);
      return;
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (req.method === 'POST' && match) {
      const requestId = decodeURIComponent(match[1]);
      const body = await readBody(req);
      const at = performance.now();
      if (!this.#current.has(requestId)) {
        reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: `Invalid request ID: ${requestId}` });
        return;
      }
      this.#current.delete(requestId);
      const streamed = header(req, 'lambda-runtime-function-response-mode') === 'streaming';
      const trailerType = req.trailers['lambda-runtime-function-error-type'];
      if (match[2] === 'error' || trailerType) {
        const errorBody =
          trailerType && req.trailers['lambda-runtime-function-error-body']
            ? Buffer.from(req.trailers['lambda-runtime-function-error-body'], 'base64').toString('utf8')
            : body;
        reply(res, 202, { status: 'OK' });
        const error = parseErrorBody(errorBody, trailerType ?? header(req, 'lambda-runtime-function-error-type'));
        this.listeners.onOutcome?.({ kind: 'error', requestId, body: JSON.stringify(error), error, at });
        return;
      }
      if (Buffer.byteLength(body) > MAX_RESPONSE_BYTES) {
        // Lambda refuses the response and returns this error to the caller instead.
        const error: LambdaErrorBody = {
          errorType: 'Function.ResponseSizeTooLarge',
          errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        };
        reply(res, 413, error);
        this.listeners.onOutcome?.({ kind: 'error', requestId, body: JSON.stringify(error), error, at });
        return;
      }
      reply(res, 202, { status: 'OK' });
      this.listeners.onOutcome?.({ kind: 'response', requestId, body, streamed, at });
      return;
    }
    reply(res, 404, { errorType: 'NotFound', errorMessage: `${req.method} ${url} is not a Lambda Runtime API route` });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The runtime's error body, kept as posted when it is the usual `{errorType, errorMessage, trace}` JSON. */
function parseErrorBody(body: string, typeHeader: string | undefined): LambdaErrorBody {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const error = parsed as Record<string, unknown>;
      return {
        ...error,
        errorType: typeof error.errorType === 'string' ? error.errorType : (typeHeader ?? 'Unhandled'),
        errorMessage: typeof error.errorMessage === 'string' ? error.errorMessage : '',
      };
    }
  } catch {
    // not JSON: reported below with the raw text as the message
  }
  return { errorType: typeHeader ?? 'Unhandled', errorMessage: body };
}

/** The headers of an invocation's GET /next response, as Lambda sends them. */
export function invocationHeaders(
  requestId: string,
  timeoutSeconds: number,
  options: { functionName?: string; region?: string; clientContext?: Record<string, unknown>; identity?: Record<string, unknown> },
): Record<string, string> {
  const headers: Record<string, string> = {
    'Lambda-Runtime-Aws-Request-Id': requestId,
    'Lambda-Runtime-Deadline-Ms': String(Date.now() + Math.round(timeoutSeconds * 1000)),
    'Lambda-Runtime-Invoked-Function-Arn': `arn:aws:lambda:${options.region ?? 'us-east-1'}:123456789012:function:${options.functionName ?? 'lambdaware-local'}`,
    'Lambda-Runtime-Trace-Id': traceId(),
  };
  if (options.clientContext) headers['Lambda-Runtime-Client-Context'] = JSON.stringify(options.clientContext);
  if (options.identity) headers['Lambda-Runtime-Cognito-Identity'] = JSON.stringify(options.identity);
  return headers;
}

/** X-Ray trace header value as Lambda sends it. */
export function traceId(): string {
  return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}
