import type { MiddlewareObj, Request } from '@middy/core';
// The failure path, part 1 of 2 (part 2: packages/sentry/src/index.ts). Whatever writes a failure's error line
// writes it here, with `writeErrorLine`: errorLog()'s onError, sentry() when errorLog() is not in the chain (or its
// `before` had not run), and sentry()'s timeout warning. The failure's state on the Middy request (`failureOf`) is
// the one carrier of the Sentry event id and says who writes the line; nothing else decides it.
import {
  KEYS,
  type LogSink,
  type OptionRule,
  OptionsError,
  type SinkLevel,
  getLogSink,
  is,
  nameErrorClass,
  optionsChecker,
  redactThrown,
  stderrSink,
} from '@lambdaware/shared';
import { MAX_ERROR_FIELDS_BYTES, MAX_MESSAGE_CHARS, cutString, fitJson } from './bound.js';
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
 * The failure's state, one object on the Middy request under `KEYS.failure`:
 * - `sentryEventId`: the id of the Sentry event sent for this failure (set by @lambdaware/sentry through
 *   `setSentryEventId`); the line's `error.sentryEventID`.
 * - `line`: who writes the failure's error line. `'unclaimed'` (the start), `'errorLog'` (errorLog()'s `before` ran:
 *   its `onError` writes it, after sentry() has set the id), `'written'` (written: no second line for this failure).
 */
export interface FailureState {
  sentryEventId: string | undefined;
  line: 'unclaimed' | 'errorLog' | 'written';
}

/** The failure's state of this request (created on first use). */
export const failureOf = (request: object): FailureState => {
  const r = request as Record<symbol, FailureState | undefined>;
  let state = r[KEYS.failure];
  if (state === undefined || state === null || typeof state !== 'object') {
    state = { sentryEventId: undefined, line: 'unclaimed' };
    r[KEYS.failure] = state;
  }
  return state;
};

/** Records the id of the Sentry event sent for this failure: the line written for it carries it. */
export const setSentryEventId = (request: object, eventId: string | undefined): void => {
  failureOf(request).sentryEventId = eventId;
};

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
  sentryEventId?: string;
  /** `serializeError(error, serialize)` when the caller has it already. */
  serialized?: SerializedError;
}

/**
 * Writes an error line through the installed sink (the logger's, else one JSON line on stderr with the request
 * id): `{ message, error: serializeError(error) with sentryEventID, ...fields }`, the `error` and `fields` kept
 * under MAX_ERROR_FIELDS_BYTES together (see bound.ts). Returns false when the failure's line was already written.
 */
export const writeErrorLine = (request: AnyRequest | object, error: unknown, options: WriteErrorLineOptions = {}): boolean => {
  const state = failureOf(request);
  const failureLine = options.failureLine !== false;
  if (failureLine) {
    if (state.line === 'written') return false;
    state.line = 'written';
  }
  const serialized = withEventId(options.serialized ?? serializeError(error, options.serialize), options.sentryEventId ?? (failureLine ? state.sentryEventId : undefined));
  const fitted = fitJson({ error: serialized, ...options.fields }, MAX_ERROR_FIELDS_BYTES, (bytes) => ({
    error: { type: serialized.type, message: cutString(serialized.message, 1024), sentryEventID: serialized.sentryEventID, stacktrace: serialized.stacktrace.slice(0, 20), truncated: true, originalBytes: bytes } as SerializedError,
  })).value as Record<string, unknown> & { error: SerializedError };
  const fields: Record<string, unknown> = { ...fitted };
  const sink = getLogSink();
  if (sink === stderrSink) {
    const requestId = ((request as { context?: { awsRequestId?: unknown } }).context)?.awsRequestId;
    if (typeof requestId === 'string' && requestId.length > 0) fields[REQUEST_ID_KEY] = requestId;
  }
  const fallback = serialized.message.length > 0 ? serialized.message : serialized.type;
  writeLine(sink, options.level ?? 'error', cutString(options.message ?? fallback, MAX_MESSAGE_CHARS), fields);
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

  const errorLogBefore = (request: AnyRequest): void => {
    const state = failureOf(request);
    if (state.line === 'unclaimed') state.line = 'errorLog';
  };

  const errorLogOnError = (request: AnyRequest): void => {
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

    // one line per failure: not again for a second errorLog() in the chain, nor after sentry() wrote it (when a
    // middleware placed before errorLog() failed in its `before`, so errorLog() had not claimed the line)
    if (failureOf(request).line !== 'written') {
      const serialized = serializeError(error, serializeOptions);
      writeErrorLine(request, error, {
        level: response === undefined ? 'error' : 'warn',
        message: lineMessage(opts.message, error, request, serialized),
        serialize: serializeOptions,
        serialized,
        fields: respondFailure !== undefined ? { respondError: serializeError(respondFailure, serializeOptions) } : undefined,
      });
    }

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
