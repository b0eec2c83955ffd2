import type { MiddlewareObj, Request } from '@middy/core';
// The failure path, part 1 of 2 (part 2: packages/sentry/src/index.ts). Whatever writes a failure's error line
// writes it here, with `writeErrorLine`: errorLog()'s line (from its onError, or earlier from sentry()'s onError when
// the line must not wait for Sentry: errorLog()'s `before` leaves its writer on the failure state), sentry()'s when
// errorLog() is not in the chain (or its `before` had not run), and sentry()'s timeout warning. The failure's state
// on the Middy request (`failureOf` of @lambdaware/shared) is the one carrier of the Sentry event id and says who
// writes the line; nothing else decides it.
import {
  type LogSink,
  type OptionRule,
  OptionsError,
  type SinkLevel,
  MAX_MESSAGE_CHARS,
  cutString,
  failureOf,
  fitJson,
  getLogSink,
  is,
  nameErrorClass,
  optionsChecker,
  redactThrown,
  stderrSink,
} from '@lambdaware/shared';
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

/**
 * Thrown by `errorLog()` at creation time for an invalid option; `option` names it. The shared OptionsError of
 * @lambdaware/shared (`option`, `expected`, `given`; `instanceof OptionsError` holds).
 */
export class ErrorLogOptionError extends OptionsError {}
nameErrorClass(ErrorLogOptionError, 'ErrorLogOptionError');

/**
 * With the stderr fallback (no @lambdaware/logger sink installed), the request id is added under this key, the
 * one Powertools Logger uses. With a logger sink installed, the logger adds the invocation's keys itself.
 */
export const REQUEST_ID_KEY = 'function_request_id';

const DEFAULTS = { ...DEFAULT_SERIALIZE_OPTIONS, message: undefined, respond: undefined };

/**
 * The budget of a line's `error` and other fields together: under MAX_LINE_BYTES (255 KB, shared), with room for
 * the message (MAX_MESSAGE_CHARS) and the logger's own keys. A larger `error` keeps its first inner errors and the
 * start of its long strings (shared `fitJson`, the one truncation marker).
 */
const MAX_ERROR_FIELDS_BYTES = 200 * 1024;

export interface WriteErrorLineOptions {
  level?: SinkLevel;
  /** The line's `message` (default: the error's message, else its type). Cut at MAX_MESSAGE_CHARS. */
  message?: string;
  serialize?: SerializeOptions;
  /** More fields on the line (errorLog()'s `respondError`), bounded with `error`. */
  fields?: Record<string, unknown>;
  /**
   * `true` (default): this is the failure's line, written once per failure (a second call writes nothing).
   * `false`: another line about the invocation (sentry()'s timeout warning), which neither counts as nor blocks it.
   */
  failureLine?: boolean;
  /** The event id on this line, instead of the failure's (the timeout warning's own event). */
  eventId?: string;
  /** `serializeError(error, serialize)` when the caller has it already. */
  serialized?: SerializedError;
}

/**
 * Writes an error line through the installed sink (the logger's, else one JSON line on stderr with the request
 * id): `{ message, error: serializeError(error) with sentryEventID, ...fields }`, the `error` and `fields` kept
 * under MAX_ERROR_FIELDS_BYTES together (shared fitJson). Returns false when the failure's line was already written.
 */
export const writeErrorLine = (request: AnyRequest | object, error: unknown, options: WriteErrorLineOptions = {}): boolean => {
  const state = failureOf(request);
  const failureLine = options.failureLine !== false;
  if (failureLine) {
    if (state.line === 'written') return false;
    state.line = 'written';
  }
  const serialized = withEventId(options.serialized ?? serializeError(error, options.serialize), options.eventId ?? (failureLine ? state.eventId : undefined));
  const fitted = fitJson({ error: serialized, ...options.fields }, MAX_ERROR_FIELDS_BYTES, (bytes) => ({
    error: {
      type: serialized.type,
      message: cutString(serialized.message, 1024),
      sentryEventID: serialized.sentryEventID,
      stacktrace: serialized.stacktrace.slice(0, 20),
      truncated: true,
      originalBytes: bytes,
    } as SerializedError,
  })).value as Record<string, unknown> & { error: SerializedError };
  const fields: Record<string, unknown> = { ...fitted };
  const sink = getLogSink();
  if (sink === stderrSink) {
    const requestId = (request as { context?: { awsRequestId?: unknown } }).context?.awsRequestId;
    if (typeof requestId === 'string' && requestId.length > 0) fields[REQUEST_ID_KEY] = requestId;
  }
  const fallback = serialized.message.length > 0 ? serialized.message : serialized.type;
  writeLine(sink, options.level ?? 'error', cutString(options.message ?? fallback, MAX_MESSAGE_CHARS), fields, error);
  return true;
};

/**
 * A Middy middleware that writes one JSON error line when the handler or any middleware fails, then lets the
 * error propagate (the same object, with registered secrets masked in what the runtime prints; a thrown string is
 * replaced by its masked copy). Place it right after `logContext()` and before `sentry()`: `onError` hooks run in
 * reverse, so sentry records its event id first and logContext's keys are still on the line.
 */
export const errorLog = (options: ErrorLogOptions = {}): MiddlewareObj<unknown, any, Error> => {
  const opts = { ...DEFAULTS, ...validate(options) };
  const serializeOptions: SerializeOptions = {
    trimNodeInternals: opts.trimNodeInternals,
    trimNodeModules: opts.trimNodeModules,
    maxDepth: opts.maxDepth,
    maxErrors: opts.maxErrors,
  };

  /** The `respond` option's answer for a request (run once: the line may be written before errorLog()'s onError). */
  const responses = new WeakMap<object, { response: unknown; failure: unknown }>();
  const respondTo = (request: AnyRequest): { response: unknown; failure: unknown } => {
    let r = responses.get(request);
    if (r !== undefined) return r;
    r = { response: undefined, failure: undefined };
    if (opts.respond !== undefined) {
      try {
        r.response = opts.respond(request.error, request);
      } catch (e) {
        r.failure = e;
      }
    }
    responses.set(request, r);
    return r;
  };

  /** errorLog()'s line for the failure (once): called by its onError, or earlier by sentry() through the failure state. */
  const writeOwnLine = (request: AnyRequest): void => {
    if (failureOf(request).line === 'written') return;
    const { error } = request;
    const { response, failure } = respondTo(request);
    const serialized = serializeError(error, serializeOptions);
    writeErrorLine(request, error, {
      level: response === undefined ? 'error' : 'warn',
      message: lineMessage(opts.message, error, request, serialized),
      serialize: serializeOptions,
      serialized,
      fields: failure !== undefined ? { respondError: serializeError(failure, serializeOptions) } : undefined,
    });
  };

  const errorLogBefore = (request: AnyRequest): void => {
    const state = failureOf(request);
    if (state.line === 'unclaimed') {
      state.line = 'errorLog';
      state.writeLine = writeOwnLine as (request: object) => void;
    }
  };

  const errorLogOnError = (request: AnyRequest): void => {
    const { error } = request;
    // one line per failure: not again for a second errorLog() in the chain, nor after sentry() wrote it (when a
    // middleware placed before errorLog() failed in its `before`, so errorLog() had not claimed the line, or when
    // the line had to be written before the Sentry event was sent)
    writeOwnLine(request);
    const { response } = respondTo(request);
    responses.delete(request);
    // Setting request.response (not returning it) lets the later onError hooks (logContext) run; Middy then
    // returns the response instead of rethrowing.
    if (response !== undefined) request.response = response;
    // The runtime prints the value it receives (every enumerable property of an error, a thrown string as is) and
    // returns it to the caller: mask registered secrets in it before it gets there.
    else request.error = redactThrown(error) as Error;
  };

  return { name: 'errorLog', before: errorLogBefore, onError: errorLogOnError };
};

/** The event id on the line: the failure's (one carrier, set by sentry()), placed after type and message. */
const withEventId = (serialized: SerializedError, eventId: string | undefined): SerializedError => {
  if (eventId === undefined || eventId.length === 0) return serialized;
  const { type, message, sentryEventID: _, ...rest } = serialized;
  return { type, message, sentryEventID: eventId, ...rest };
};

const lineMessage = (message: ErrorLogOptions['message'], error: unknown, request: AnyRequest, serialized: SerializedError): string => {
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
const writeLine = (sink: LogSink, level: SinkLevel, message: string, fields: Record<string, unknown>, error: unknown): void => {
  try {
    sink.log(level, message, fields, { error });
  } catch (e) {
    if (sink === stderrSink) return;
    try {
      stderrSink.log(level, message, { ...fields, sinkError: serializeError(e) });
    } catch {
      // stderr itself is gone: nothing left to write to.
    }
  }
};

const checker = optionsChecker('@lambdaware/errors', 'errorLog', (init) => new ErrorLogOptionError(init));

/** The rule of each option (every key of the defaults). */
const RULES: Record<keyof typeof DEFAULTS, OptionRule> = {
  trimNodeInternals: is.boolean,
  trimNodeModules: is.boolean,
  maxDepth: is.integer(0),
  maxErrors: is.integer(0),
  message: is.custom('a string or a function (error, request) => string', (v) => typeof v === 'string' || typeof v === 'function'),
  respond: is.function('(error, request) => response | undefined'),
};

const validate = (options: unknown): ErrorLogOptions => {
  const o = checker.options(options, RULES);
  // Drop keys explicitly set to undefined so that they do not override the defaults.
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as ErrorLogOptions;
};
