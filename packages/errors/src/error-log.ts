import type { MiddlewareObj, Request } from '@middy/core';
import { KEYS, type LogSink, type SinkLevel, describeValue as describe, getLogSink, redactErrorInPlace, stderrSink } from '@lambdaware/shared';
import { DEFAULT_SERIALIZE_OPTIONS, type SerializeOptions, type SerializedError, serializeError } from './serialize.js';

type AnyRequest = Request<any, any, any, any>;

export interface ErrorLogOptions extends SerializeOptions {
  /**
   * The line's `message`: a string, or a function of the error and the request. Default: the error's message
   * (for a non-Error throw, the value as text), or its type when the message is empty.
   */
  message?: string | ((error: unknown, request: AnyRequest) => string);
  /**
   * Turns chosen errors into a response: return the response (it becomes `request.response`, the invocation
   * succeeds with it, and the line is written at level `warn`), or `undefined` to let the error propagate.
   */
  respond?: (error: unknown, request: AnyRequest) => unknown;
}

/** Thrown by `errorLog()` at creation time for an invalid option; `option` names it. */
export class ErrorLogOptionError extends Error {
  readonly option: string;
  constructor(option: string, problem: string) {
    super(`errorLog(): option "${option}" ${problem}`);
    this.option = option;
    Object.defineProperty(this, 'name', { value: 'ErrorLogOptionError', enumerable: false, writable: true, configurable: true });
  }
}

/**
 * With the stderr fallback (no @lambdaware/logger sink installed), the request id is added under this key, the
 * one Powertools Logger uses. With a logger sink installed, the logger adds the invocation's keys itself.
 */
export const REQUEST_ID_KEY = 'function_request_id';

const DEFAULTS = { ...DEFAULT_SERIALIZE_OPTIONS, message: undefined, respond: undefined };


/**
 * A Middy middleware that writes one JSON error line when the handler or any middleware fails, then lets the
 * error propagate unchanged (the same object, `request.error` untouched). Place it right after `logContext()`
 * and before `sentry()`: `onError` hooks run in reverse, so sentry records its event id first and logContext's
 * keys are still on the line.
 */
export const errorLog = (options: ErrorLogOptions = {}): MiddlewareObj<unknown, any, Error> => {
  const opts = { ...DEFAULTS, ...validate(options) };
  const serializeOptions: SerializeOptions = {
    trimNodeInternals: opts.trimNodeInternals,
    trimNodeModules: opts.trimNodeModules,
    maxDepth: opts.maxDepth,
    maxErrors: opts.maxErrors,
  };

  const errorLogBefore = (request: AnyRequest): void => {
    (request as unknown as Record<symbol, unknown>)[KEYS.errorLogActive] = true;
  };

  const errorLogOnError = (request: AnyRequest): void => {
    const req = request as unknown as Record<symbol, unknown>;
    // one line per failure: not again for a second errorLog() in the chain, nor after sentry() wrote its own
    // (when a middleware placed before errorLog() failed in its `before`, so sentry could not know errorLog was there)
    if (req[KEYS.errorLineWritten] === true) return;
    req[KEYS.errorLineWritten] = true;
    const { error } = request;

    let response: unknown;
    let respondFailure: unknown;
    if (opts.respond !== undefined) {
      try {
        response = opts.respond(error, request);
      } catch (e) {
        respondFailure = e;
        response = undefined;
      }
    }

    const fields: Record<string, unknown> = { error: withEventId(serializeError(error, serializeOptions), req[KEYS.sentryEventId]) };
    if (respondFailure !== undefined) fields.respondError = serializeError(respondFailure, serializeOptions);
    const sink = getLogSink();
    if (sink === stderrSink) {
      const requestId = (request.context as { awsRequestId?: unknown } | undefined)?.awsRequestId;
      if (typeof requestId === 'string' && requestId.length > 0) fields[REQUEST_ID_KEY] = requestId;
    }
    const serialized = fields.error as SerializedError;
    writeLine(sink, response === undefined ? 'error' : 'warn', lineMessage(opts.message, error, request, serialized), fields);

    // Setting request.response (not returning it) lets the later onError hooks (logContext) run; Middy then
    // returns the response instead of rethrowing.
    if (response !== undefined) request.response = response;
    // The runtime prints the error it receives (errorMessage, trace) itself: mask registered secrets on the error.
    else redactErrorInPlace(error);
  };

  return { before: errorLogBefore, onError: errorLogOnError };
};

/** The request's event id (sentry() ran in this chain) wins over one found on the error. */
const withEventId = (serialized: SerializedError, fromRequest: unknown): SerializedError => {
  const id = typeof fromRequest === 'string' && fromRequest.length > 0 ? fromRequest : serialized.sentryEventID;
  if (id === undefined) return serialized;
  const { type, message, sentryEventID: _, ...rest } = serialized;
  return { type, message, sentryEventID: id, ...rest };
};

const lineMessage = (
  message: ErrorLogOptions['message'],
  error: unknown,
  request: AnyRequest,
  serialized: SerializedError,
): string => {
  const fallback = serialized.message.length > 0 ? serialized.message : serialized.type;
  if (typeof message === 'string') return message;
  if (typeof message !== 'function') return fallback;
  try {
    const m = message(error, request);
    return typeof m === 'string' ? m : fallback;
  } catch {
    return fallback;
  }
};

/** Through the installed sink; if that sink throws, through the stderr fallback: the line is never lost. */
const writeLine = (sink: LogSink, level: SinkLevel, message: string, fields: Record<string, unknown>): void => {
  try {
    sink.log(level, message, fields);
  } catch (e) {
    if (sink === stderrSink) return;
    try {
      stderrSink.log(level, message, { ...fields, sinkError: serializeError(e) });
    } catch {
      // stderr itself is gone: nothing left to write to.
    }
  }
};

const KNOWN = new Set(Object.keys(DEFAULTS));

const validate = (options: unknown): ErrorLogOptions => {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ErrorLogOptionError('options', `must be an object, got ${describe(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new ErrorLogOptionError(key, `is not an option (known: ${[...KNOWN].join(', ')})`);
  }
  for (const key of ['trimNodeInternals', 'trimNodeModules'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new ErrorLogOptionError(key, `must be a boolean, got ${describe(o[key])}`);
  }
  for (const key of ['maxDepth', 'maxErrors'] as const) {
    const v = o[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 0)) {
      throw new ErrorLogOptionError(key, `must be an integer >= 0, got ${describe(v)}`);
    }
  }
  if (o.message !== undefined && typeof o.message !== 'string' && typeof o.message !== 'function') {
    throw new ErrorLogOptionError('message', `must be a string or a function (error, request) => string, got ${describe(o.message)}`);
  }
  if (o.respond !== undefined && typeof o.respond !== 'function') {
    throw new ErrorLogOptionError('respond', `must be a function (error, request) => response | undefined, got ${describe(o.respond)}`);
  }
  // Drop keys explicitly set to undefined so that they do not override the defaults.
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as ErrorLogOptions;
};
