import type { MiddlewareObj } from '@middy/core';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Context } from 'aws-lambda';
import { MAX_MESSAGE_CHARS, cutString, getLogSink, is, optionsChecker, type OptionRule } from '@lambdaware/shared';
import { type ClientErrorBody, type RequestIssue, answerFor, clientErrorBody } from './answer.js';
import { readBody } from './body.js';
import { type HttpSource, type QueryValues, type RawRequest, readRequest, sourceOf } from './events.js';
import { HttpEventError, HttpOptionError, HttpRequestError } from './errors.js';
import { PARTS, type Part, type Parts, validateParts } from './validate.js';

/** What a bad request (4xx) leaves besides its answer. */
export type ClientErrorMode = 'warn' | 'report' | 'quiet';

/** Options of `http()`. */
export interface HttpOptions<
  B extends StandardSchemaV1 | undefined = undefined,
  Q extends StandardSchemaV1 | undefined = undefined,
  P extends StandardSchemaV1 | undefined = undefined,
  H extends StandardSchemaV1 | undefined = undefined,
> {
  /** Standard Schema of the parsed body. With it, a content type `http()` cannot parse is answered 415. */
  body?: B;
  /** Standard Schema of the query string: `{ key: string }`, or `string[]` for a key given more than once. */
  query?: Q;
  /** Standard Schema of the route's path parameters (API Gateway `{id}`). */
  path?: P;
  /** Standard Schema of the headers, names lower-cased. */
  headers?: H;
  /** A larger body (decoded size) is answered 413. Default 1 MiB (1048576). */
  maxBodyBytes?: number;
  /** How a body without a content-type header is parsed; `false`: answered 415. Default `'application/json'`. */
  defaultContentType?: string | false;
  /**
   * A bad request: `'warn'` (default) answers it and writes one WARN line; `'quiet'` only answers; `'report'` throws
   * an HttpRequestError that the error line and Sentry report, then answers it.
   */
  clientErrors?: ClientErrorMode;
  /** Headers added to each 4xx answer (e.g. `access-control-allow-origin` for a REST API behind CORS). */
  responseHeaders?: Record<string, string>;
}

type Out<S, D> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : D;

/** The request on `context.request`: each part typed by its schema's output. */
export interface HttpRequest<B = unknown, Q = QueryValues, P = Record<string, string>, H = Record<string, string>> {
  /** The parsed body: JSON, a form (as the query), text; undefined without a body. */
  body: B;
  query: Q;
  /** Path parameters. */
  path: P;
  /** Lower-cased names; repeated headers joined with `, `. */
  headers: H;
  method: string;
  /** The request path, without the query string. */
  rawPath: string;
  /** Which service sent it: `apigw-v1`, `apigw-v2`, `function-url`, `alb`, `lattice-v1`, `lattice-v2`. */
  source: HttpSource;
}

/** The context the handler gets. */
export type HttpContext<R> = Context & { request: R };

export type RequestOf<B, Q, P, H> = HttpRequest<Out<B, unknown>, Out<Q, QueryValues>, Out<P, Record<string, string>>, Out<H, Record<string, string>>>;

const isStandardSchema = (v: unknown): boolean => typeof (v as { '~standard'?: { validate?: unknown } } | null)?.['~standard']?.validate === 'function';
const SCHEMA = is.custom('a Standard Schema (zod, valibot, arktype...: an object with ~standard.validate)', isStandardSchema);

const RULES: Record<keyof HttpOptions, OptionRule> = {
  body: SCHEMA,
  query: SCHEMA,
  path: SCHEMA,
  headers: SCHEMA,
  maxBodyBytes: is.integer(0),
  defaultContentType: is.custom(
    'a content type (e.g. "application/json") or false',
    (v) => v === false || (typeof v === 'string' && /^[\w.+-]+\/[\w.+-]+/.test(v)),
  ),
  clientErrors: is.oneOf(['warn', 'report', 'quiet']),
  responseHeaders: is.custom(
    'an object of header names to strings',
    (v) => is.object.test(v) && Object.values(v as object).every((x) => typeof x === 'string'),
  ),
};

const checker = optionsChecker('@lambdaware/http', 'http', (init) => new HttpOptionError(init));

interface Resolved {
  schemas: (readonly [Part, StandardSchemaV1])[];
  validates: Record<Part, boolean>;
  maxBodyBytes: number;
  defaultContentType: string | false;
  clientErrors: ClientErrorMode;
  responseHeaders: Record<string, string> | undefined;
}

const resolve = (options: unknown): Resolved => {
  const o = checker.options(options, RULES) as HttpOptions;
  return {
    schemas: PARTS.filter((p) => o[p] !== undefined).map((p) => [p, o[p] as unknown as StandardSchemaV1] as const),
    validates: { path: o.path !== undefined, query: o.query !== undefined, headers: o.headers !== undefined, body: o.body !== undefined },
    maxBodyBytes: o.maxBodyBytes ?? 1024 * 1024,
    defaultContentType: o.defaultContentType ?? 'application/json',
    clientErrors: o.clientErrors ?? 'warn',
    responseHeaders: o.responseHeaders === undefined ? undefined : Object.fromEntries(Object.entries(o.responseHeaders).map(([k, v]) => [k.toLowerCase(), v])),
  };
};

/** What the event is, for the error naming an event that is not an HTTP request (its keys, never its values). */
const describeEvent = (event: unknown): string => {
  if (typeof event !== 'object' || event === null) return `${event === null ? 'null' : typeof event}`;
  const keys = Object.keys(event);
  return `an object with keys ${keys.slice(0, 12).join(', ')}${keys.length > 12 ? ', ...' : ''}`;
};

/**
 * The request on the context. The query and headers without a schema are read on first access (prototype getters:
 * a v1 event's multi-value maps are not walked for a handler that never reads them); `toJSON` includes them.
 */
class RequestValue implements HttpRequest {
  body: unknown;
  path: Record<string, string>;
  method: string;
  rawPath: string;
  source: HttpSource;
  #raw: RawRequest;
  #query: QueryValues | undefined;
  #headers: Record<string, string> | undefined;

  constructor(raw: RawRequest, parts: Parts) {
    this.body = parts.body;
    this.path = parts.path as Record<string, string>;
    this.method = raw.method;
    this.rawPath = raw.rawPath;
    this.source = raw.source;
    this.#raw = raw;
    this.#query = parts.query as QueryValues | undefined;
    this.#headers = parts.headers as Record<string, string> | undefined;
  }

  get query(): QueryValues {
    return (this.#query ??= this.#raw.readQuery());
  }
  set query(value: QueryValues) {
    this.#query = value;
  }
  get headers(): Record<string, string> {
    return (this.#headers ??= this.#raw.readHeaders());
  }
  set headers(value: Record<string, string>) {
    this.#headers = value;
  }

  toJSON(): HttpRequest {
    const { body, query, path, headers, method, rawPath, source } = this;
    return { body, query, path, headers, method, rawPath, source };
  }
}

type Request = { event: unknown; context: Context & { request?: unknown }; response: unknown; error: unknown };

/**
 * Middy middleware for HTTP events (API Gateway REST and HTTP API, ALB, Function URLs, VPC Lattice): decodes and
 * parses the body by its content type, validates body, query, path parameters and headers with the schemas given,
 * and puts the typed request on `context.request`. A bad request is answered (400 naming every bad field, 413 over
 * `maxBodyBytes`, 415 for a content type it cannot parse) in the event's own response format, before the handler:
 * no 500, no stack, no error line, no Sentry event (unless `clientErrors: 'report'`).
 */
export const http = <
  B extends StandardSchemaV1 | undefined = undefined,
  Q extends StandardSchemaV1 | undefined = undefined,
  P extends StandardSchemaV1 | undefined = undefined,
  H extends StandardSchemaV1 | undefined = undefined,
>(
  options?: HttpOptions<B, Q, P, H>,
): MiddlewareObj<unknown, any, Error, HttpContext<RequestOf<B, Q, P, H>>> => {
  const o = resolve(options);
  const bodyOptions = { maxBodyBytes: o.maxBodyBytes, defaultContentType: o.defaultContentType, strict: o.validates.body };
  const answers = new WeakMap<object, Record<string, unknown>>();

  /** The answer of a bad request (or, in report mode, the error that carries it). */
  const refuse = (raw: RawRequest, status: number, body: ClientErrorBody): Record<string, unknown> => {
    const answer = answerFor(raw.source, raw.multiValue, status, body, o.responseHeaders);
    if (o.clientErrors === 'report') {
      const error = new HttpRequestError(status, body);
      answers.set(error, answer);
      throw error;
    }
    if (o.clientErrors === 'warn') {
      getLogSink().log('warn', cutString(`HTTP ${status} ${raw.method} ${raw.rawPath}: ${body.message}`, MAX_MESSAGE_CHARS), {
        http: { statusCode: status, method: raw.method, path: raw.rawPath, source: raw.source },
        ...(body.issues === undefined ? {} : { issues: body.issues }),
      });
    }
    return answer;
  };

  const finish = (request: Request, raw: RawRequest, parts: Parts, issues: RequestIssue[]): Record<string, unknown> | undefined => {
    if (issues.length > 0) return refuse(raw, 400, clientErrorBody('Invalid request', issues));
    const value = new RequestValue(raw, parts);
    // Not enumerable, as context.secrets: a context printed whole does not print the request's headers.
    Object.defineProperty(request.context, 'request', { value, enumerable: false, writable: true, configurable: true });
    return undefined;
  };

  const httpBefore = (request: Request): Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined> => {
    const source = sourceOf(request.event);
    if (source === undefined) {
      throw new HttpEventError(
        `http(): the event is not an HTTP request of API Gateway (REST or HTTP API), ALB, a Function URL or VPC Lattice: got ${describeEvent(request.event)}`,
      );
    }
    const raw = readRequest(request.event as Record<string, unknown>, source);
    const read = readBody(raw.body, raw.isBase64Encoded, raw.contentType, bodyOptions);
    if (!read.ok) {
      const { status, message } = read.refusal;
      const body = status === 400 ? clientErrorBody('Invalid request', [{ part: 'body', path: 'body', message }]) : { message };
      return refuse(raw, status, body);
    }
    const parts: Parts = {
      path: raw.path,
      query: o.validates.query ? raw.readQuery() : undefined,
      headers: o.validates.headers ? raw.readHeaders() : undefined,
      body: read.body,
    };
    if (o.schemas.length === 0) return finish(request, raw, parts, []);
    const issues = validateParts(parts, o.schemas);
    return issues instanceof Promise ? issues.then((list) => finish(request, raw, parts, list)) : finish(request, raw, parts, issues);
  };

  // Only in report mode: the thrown HttpRequestError answered in the event's format, after the reporting
  // middlewares' onError hooks (which run after this one) have seen it; Middy then returns the answer.
  const httpOnError = (request: Request): void => {
    const answer = typeof request.error === 'object' && request.error !== null ? answers.get(request.error) : undefined;
    if (answer !== undefined) request.response = answer;
  };

  const middleware: MiddlewareObj<any, any, Error, any> = { name: 'http', before: httpBefore };
  if (o.clientErrors === 'report') middleware.onError = httpOnError;
  return middleware;
};
