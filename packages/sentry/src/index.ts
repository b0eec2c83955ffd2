import type { MiddlewareObj, Request } from '@middy/core';
import { KEYS, collectErrorValues, getLogSink, stderrSink } from '@lambdaware/shared';
import { invocationData, remainingTime, type LambdaContextLike } from './context.js';
import type { Capture, Reporter, ReporterConfig } from './reporter.js';

export { cloudWatchLogsUrl, invocationData, type InvocationData, type LambdaContextLike } from './context.js';

/** The event and hint types of @sentry/core, for `beforeSend` (type-only: importing them loads nothing). */
export type { ErrorEvent as SentryErrorEvent, EventHint as SentryEventHint } from '@sentry/core';

export interface SentryOptions {
  /** The Sentry DSN. Default: `SENTRY_DSN`. Without a DSN the middleware is off and the SDK is never imported. */
  dsn?: string;
  /** Force off (false) even with a DSN. Default: on when a DSN is set. */
  enabled?: boolean;
  /** Default: `SENTRY_ENVIRONMENT`, else `SENTRY_ENV`. */
  environment?: string;
  /** Default: `SENTRY_RELEASE`. */
  release?: string;
  /** The longest the invocation waits for Sentry to accept an event, in ms. Default 2000. */
  flushTimeout?: number;
  /** Time kept free before the function's deadline: the wait is also bounded by remaining time minus this. Default 300 ms. */
  flushMargin?: number;
  /**
   * Report a "possible timeout" event shortly before the deadline: `true` (500 ms before) or the ms before the
   * deadline. Default false. The only option that adds work (one unref'd timer) to successful invocations.
   */
  timeoutWarning?: boolean | number;
  /** Tags added to every event. */
  tags?: Record<string, string>;
  /** Which errors to report. Default: all. */
  shouldReport?: (error: unknown, request: Request) => boolean;
  /** Runs before the built-in redaction; return null to drop the event. */
  beforeSend?: ReporterConfig['beforeSend'];
}

/** Thrown by `sentry()` at creation time when an option is invalid. */
export class SentryOptionsError extends Error {
  override name = 'SentryOptionsError';
}

export const defaults = {
  flushTimeout: 2000,
  flushMargin: 300,
  timeoutWarning: false as boolean | number,
  /** What `timeoutWarning: true` means, in ms before the deadline (as @sentry/aws-serverless). */
  timeoutWarningDefault: 500,
};

const env = (name: string): string | undefined => {
  const v = process.env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
};

/** Checks a DSN the way the SDK parses it (`<protocol>://<publicKey>@<host>[:port]/<path/><projectId>`). */
const checkDsn = (dsn: string, source: string): void => {
  const fail = (why: string): never => {
    // The public key is not a secret, but a malformed value could be anything: show its shape only.
    throw new SentryOptionsError(`${source} is not a valid Sentry DSN (${why}); expected https://<publicKey>@<host>/<projectId>`);
  };
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    return fail('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`protocol "${url.protocol}" is not http: or https:`);
  if (!url.username) fail('no public key before "@"');
  if (!url.hostname) fail('no host');
  const projectId = url.pathname.split('/').filter(Boolean).at(-1);
  if (projectId === undefined) fail('no project id at the end of the path');
  else if (!/^\d+$/.test(projectId)) fail(`project id "${projectId}" is not a number`);
};

const checkMs = (value: unknown, name: string, min: number): number => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new SentryOptionsError(`option "${name}" must be a finite number of milliseconds >= ${min}, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
};

interface Config {
  dsn: string | undefined;
  dsnSource: string;
  enabled: boolean;
  environment: string | undefined;
  release: string | undefined;
  flushTimeout: number;
  flushMargin: number;
  /** ms before the deadline, or 0 when off. */
  timeoutWarningMs: number;
  tags: Record<string, string>;
  shouldReport: SentryOptions['shouldReport'];
  beforeSend: SentryOptions['beforeSend'];
}

const resolveOptions = (options: SentryOptions): Config => {
  if (options === null || typeof options !== 'object') throw new SentryOptionsError(`sentry(options): options must be an object, got ${typeof options}`);
  const o = { ...defaults, ...options };
  const dsn = o.dsn ?? env('SENTRY_DSN');
  const dsnSource = o.dsn !== undefined ? 'option "dsn"' : 'SENTRY_DSN';
  if (o.dsn !== undefined && typeof o.dsn !== 'string') throw new SentryOptionsError(`option "dsn" must be a string, got ${typeof o.dsn}`);
  if (o.enabled !== undefined && typeof o.enabled !== 'boolean') throw new SentryOptionsError(`option "enabled" must be a boolean, got ${typeof o.enabled}`);
  const enabled = o.enabled ?? dsn !== undefined;
  if (enabled && (dsn === undefined || dsn.trim() === '')) throw new SentryOptionsError('option "enabled" is true but no DSN is set (option "dsn" or SENTRY_DSN)');
  if (enabled) checkDsn(dsn!.trim(), dsnSource);
  for (const name of ['environment', 'release'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'string') throw new SentryOptionsError(`option "${name}" must be a string, got ${typeof o[name]}`);
  }
  let timeoutWarningMs = 0;
  if (o.timeoutWarning === true) timeoutWarningMs = defaults.timeoutWarningDefault;
  else if (o.timeoutWarning !== false && o.timeoutWarning !== undefined) timeoutWarningMs = checkMs(o.timeoutWarning, 'timeoutWarning', 1);
  if (o.tags !== undefined && (o.tags === null || typeof o.tags !== 'object' || Object.values(o.tags).some((v) => typeof v !== 'string'))) {
    throw new SentryOptionsError('option "tags" must be an object of string values');
  }
  for (const name of ['shouldReport', 'beforeSend'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'function') throw new SentryOptionsError(`option "${name}" must be a function, got ${typeof o[name]}`);
  }
  return {
    dsn: dsn?.trim(),
    dsnSource,
    enabled,
    environment: o.environment ?? env('SENTRY_ENVIRONMENT') ?? env('SENTRY_ENV'),
    release: o.release ?? env('SENTRY_RELEASE'),
    flushTimeout: checkMs(o.flushTimeout, 'flushTimeout', 0),
    flushMargin: checkMs(o.flushMargin, 'flushMargin', 0),
    timeoutWarningMs,
    tags: o.tags ?? {},
    shouldReport: o.shouldReport,
    beforeSend: o.beforeSend,
  };
};

const errorName = (error: unknown): string =>
  error instanceof Error ? error.name : error !== null && typeof error === 'object' ? 'Object' : typeof error;
const errorMessage = (error: unknown): string => {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return '[unprintable]';
  }
};

const off = (): void => {};

/** The `error.type` of the line written when the timeout warning fires. */
export const TIMEOUT_WARNING_TYPE = 'TimeoutWarning';

/** Private per-request state (the timeout warning timer); a symbol on the request, so nothing is shared. */
const TIMER = Symbol('lambdaware.sentry.timeoutTimer');
type RequestWithTimer = Request & { [TIMER]?: NodeJS.Timeout };

/**
 * Reports failures to Sentry. Place it after `errorLog()` (its onError runs first and records the event id that
 * errorLog's line carries): `logContext()`, `errorLog()`, `sentry()`, `secrets()`, `records()`.
 */
export const sentry = (options: SentryOptions = {}): MiddlewareObj<unknown, any, Error> => {
  const config = resolveOptions(options);
  // Off: no import, and only an empty onError (Middy refuses a middleware without hooks), so success costs nothing.
  if (!config.enabled) return { onError: off };

  // The SDK is loaded on the first report, not at init: module loading runs on the main thread, so loading it at
  // init lands on the first invocation (about 100 ms from node_modules) although most invocations never fail. With
  // the timeout warning on, it is loaded at init instead, so that the warning is not delayed by the import close
  // to the deadline. A failed import is kept as a value (never an unhandled rejection) and reported as a warning.
  let reporterPromise: Promise<Reporter | Error> | undefined;
  const reporterOnce = (): Promise<Reporter | Error> =>
    (reporterPromise ??= import('./reporter.js').then(
      (m) =>
        m.createReporter({ dsn: config.dsn!, environment: config.environment, release: config.release, beforeSend: config.beforeSend }),
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    ));
  if (config.timeoutWarningMs > 0) void reporterOnce();

  const warn = (message: string, fields: Record<string, unknown>): void => {
    try {
      getLogSink().log('warn', message, fields);
    } catch {
      // a broken sink must not change the invocation's outcome
    }
  };

  /** The wait for Sentry: flushTimeout, and never closer to the deadline than flushMargin. */
  const boundFor = (context: LambdaContextLike | undefined): number => {
    const remaining = context ? remainingTime(context) : undefined;
    return Math.max(0, Math.min(config.flushTimeout, remaining === undefined ? Infinity : remaining - config.flushMargin));
  };

  /** Waits for the capture's outcome up to `bound` ms; gives up on it after that. */
  const settle = async (capture: Capture, bound: number): Promise<{ delivered: boolean; dropped?: boolean; reason?: string }> => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, bound, undefined)));
    const outcome = await Promise.race([capture.outcome, timedOut]);
    clearTimeout(timer);
    if (outcome !== undefined) return outcome;
    capture.abandon();
    return { delivered: false, reason: `no answer within ${bound} ms` };
  };

  const loadReporter = async (): Promise<Reporter | undefined> => {
    const reporter = await reporterOnce();
    if (reporter instanceof Error) {
      warn('Sentry SDK could not be loaded: failures are not reported to Sentry', { reason: reporter.message });
      return undefined;
    }
    return reporter;
  };

  /**
   * The error line of a possible timeout, in the shape errorLog() gives its line's `error` (Lambda kills the
   * environment at the deadline, so no onError, and no errorLog line, would say anything). Written when the warning
   * fires, before the Sentry event is flushed, so that a kill during the flush cannot lose it.
   */
  const writeTimeoutLine = (request: Request, left: number, eventId: string | undefined): void => {
    const context = request.context as LambdaContextLike;
    const message = `possible timeout: ${left} ms left`;
    const error: Record<string, unknown> = { type: TIMEOUT_WARNING_TYPE, message };
    if (eventId !== undefined) error.sentryEventID = eventId;
    error.stacktrace = [];
    error.values = { remainingTimeInMillis: left, timeoutWarningMs: config.timeoutWarningMs, functionName: context.functionName };
    const fields: Record<string, unknown> = { error };
    try {
      const sink = getLogSink();
      // as errorLog() does with the stderr fallback: the request id on the line (a logger sink adds its own keys)
      if (sink === stderrSink && typeof context.awsRequestId === 'string') fields.function_request_id = context.awsRequestId;
      sink.log('error', message, fields);
    } catch {
      // a broken sink must not change the invocation's outcome
    }
  };

  const reportTimeout = async (request: Request, msBefore: number): Promise<void> => {
    const reporter = await loadReporter();
    const context = request.context as LambdaContextLike;
    const left = remainingTime(context) ?? msBefore;
    if (reporter === undefined) {
      writeTimeoutLine(request, left, undefined);
      return;
    }
    const data = invocationData(context, config.tags);
    const capture = reporter.captureMessage(`Possible timeout: ${context.functionName ?? 'function'} has ${left} ms left`, 'warning', data, {
      tags: { timeout_warning: 'true' },
      fingerprint: ['lambdaware.sentry.timeout', context.functionName ?? ''],
    });
    writeTimeoutLine(request, left, capture.eventId);
    const outcome = await settle(capture, boundFor(context));
    if (outcome.delivered) warn('Possible timeout reported to Sentry', { sentryEventID: capture.eventId, remainingTimeInMillis: left });
    else if (!outcome.dropped) warn('Possible timeout: the Sentry event was not delivered', { sentryEventID: capture.eventId, reason: outcome.reason });
  };

  const clearTimeoutWarning = (request: RequestWithTimer): void => {
    const timer = request[TIMER];
    if (timer !== undefined) {
      clearTimeout(timer);
      request[TIMER] = undefined;
    }
  };

  const startTimeoutWarning = (request: RequestWithTimer): void => {
    const left = remainingTime(request.context as LambdaContextLike);
    if (left === undefined) return;
    const timer = setTimeout(() => {
      request[TIMER] = undefined;
      reportTimeout(request, config.timeoutWarningMs).catch((e: unknown) => warn('Sentry timeout warning failed', { reason: errorMessage(e) }));
    }, Math.max(0, left - config.timeoutWarningMs));
    timer.unref();
    request[TIMER] = timer;
  };

  const reportError = async (request: Request): Promise<void> => {
    const error: unknown = request.error;
    if (error === undefined || error === null) return;
    if (config.shouldReport !== undefined && !config.shouldReport(error, request)) return;
    const reporter = await loadReporter();
    if (reporter === undefined) return;
    const context = request.context as LambdaContextLike | undefined;
    const capture = reporter.captureError(error, invocationData(context, config.tags), collectErrorValues(error), context?.awsRequestId);
    const eventId = capture.eventId;
    if (eventId === undefined) return; // already captured by a Sentry SDK (its own de-duplication)
    (request as unknown as Record<symbol, unknown>)[KEYS.sentryEventId] = eventId;
    if (typeof error === 'object' || typeof error === 'function') {
      try {
        Object.defineProperty(error, KEYS.sentryEventId, { value: eventId, enumerable: false, configurable: true, writable: true });
      } catch {
        // a frozen error: the id is still on the request
      }
    }
    const bound = boundFor(context);
    const outcome = await settle(capture, bound);
    if (!outcome.delivered && !outcome.dropped) {
      warn('Sentry event not delivered', { sentryEventID: eventId, reason: outcome.reason, flushTimeout: config.flushTimeout, waitedMs: bound });
    }
    const req = request as unknown as Record<symbol, unknown>;
    if (req[KEYS.errorLogActive] !== true && req[KEYS.errorLineWritten] !== true) {
      req[KEYS.errorLineWritten] = true;
      getLogSink().log('error', errorMessage(error), { error: { type: errorName(error), message: errorMessage(error), sentryEventID: eventId } });
    }
  };

  const onError = async (request: RequestWithTimer): Promise<void> => {
    clearTimeoutWarning(request);
    try {
      await reportError(request);
    } catch (e) {
      // Whatever happens here, the handler's error stays what it was.
      warn('Sentry reporting failed', { reason: errorMessage(e) });
    }
  };

  if (config.timeoutWarningMs === 0) return { onError };
  return {
    before: (request: RequestWithTimer) => {
      startTimeoutWarning(request);
    },
    after: (request: RequestWithTimer) => {
      clearTimeoutWarning(request);
    },
    onError,
  };
};

export default sentry;
