// The failure path, part 2 of 2 (part 1, the error line: packages/errors/src/error-log.ts). On a failure, sentry()
// reports one event: through the app's own Sentry client when the process has one (sentry-adapter.ts finds it),
// else through its own light reporter (reporter.ts) when a DSN is set; it records the id of the event actually
// sent on the failure's state (`setSentryEventId`), and writes the error line itself (`writeErrorLine`) only when
// errorLog() is not there to write it.
import type { MiddlewareObj, Request } from '@middy/core';
import type { ErrorEvent } from '@sentry/core';
import { failureOf, newError, setSentryEventId, writeErrorLine } from '@lambdaware/errors';
import { collectErrorValues, getLogSink, redactDeep } from '@lambdaware/shared';
import { invocationData, remainingTime, type LambdaContextLike } from './context.js';
import type { Capture, Reporter, ReporterConfig } from './reporter.js';
import {
  type AppSentry,
  type ClientWatch,
  type Outcome,
  appClientProblem,
  captureMessageWithApp,
  captureWithApp,
  findAppSentry,
  forgetCaptured,
  isCapturedBySentry,
  newEventId,
  watchClient,
} from './sentry-adapter.js';
import { boundEvent } from './bound-event.js';

export { cloudWatchLogsUrl, invocationData, type InvocationData, type LambdaContextLike } from './context.js';

/** The event and hint types of @sentry/core, for `beforeSend` (type-only: importing them loads nothing). */
export type { ErrorEvent as SentryErrorEvent, EventHint as SentryEventHint } from '@sentry/core';

export interface SentryOptions {
  /**
   * The Sentry DSN of the light reporter, used when the process has no Sentry client of its own. Default:
   * `SENTRY_DSN`. Without a DSN and without an app client nothing is reported and the SDK is never imported.
   */
  dsn?: string;
  /** Force off (false) even with a DSN or an app client. Default: on. */
  enabled?: boolean;
  /** The light reporter's environment (an app client has its own). Default: `SENTRY_ENVIRONMENT`, else `SENTRY_ENV`. */
  environment?: string;
  /** The light reporter's release (an app client has its own). Default: `SENTRY_RELEASE`. */
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
  /** The light reporter's beforeSend (an app client runs its own); runs before the built-in redaction; null drops the event. */
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
/** When the invocation's `before` ran (performance.now()), for `execution_duration_in_millis`. */
const STARTED = Symbol('lambdaware.sentry.startedAt');
type RequestWithTimer = Request & { [TIMER]?: NodeJS.Timeout; [STARTED]?: number };

/** The mechanism of our events (as @sentry/aws-serverless marks a handler's error: unhandled). */
const MECHANISM = { type: 'auto.middleware.lambdaware.sentry', handled: false };

/**
 * At most `limit` of our events in a Sentry queue at once (the SDK's queue holds 64 and drops the rest with no
 * reason given); the others wait their turn, bounded by their invocation's wait. Under Lambda Managed Instances
 * (many invocations in one process) 200 failures at once are all sent, or each warned with the true reason.
 */
class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  /** Resolves true with a slot, or false when `bound` ms passed first; `ahead` is how many were queued before. */
  acquire(bound: number): { ahead: number; got: Promise<boolean> } {
    if (this.used < this.limit) {
      this.used++;
      return { ahead: 0, got: Promise.resolve(true) };
    }
    const ahead = this.waiting.length;
    const got = new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const take = (): void => {
        clearTimeout(timer);
        this.used++;
        resolve(true);
      };
      this.waiting.push(take);
      timer = setTimeout(() => {
        const i = this.waiting.indexOf(take);
        if (i !== -1) this.waiting.splice(i, 1);
        resolve(false);
      }, bound);
    });
    return { ahead, got };
  }
  release(): void {
    this.used--;
    this.waiting.shift()?.();
  }
}

/** One report: the id of its event (undefined: none was made), its outcome, and how to give up on it. */
interface Report {
  eventId: string | undefined;
  outcome: Promise<Outcome>;
  abandon(): void;
}

/**
 * Reports failures to Sentry. Place it after `errorLog()` (its onError runs first and records the event id that
 * errorLog's line carries): `logContext()`, `errorLog()`, `sentry()`, `secrets()`, `records()`.
 *
 * When the process already has a Sentry client (the app called `Sentry.init` of Sentry 10.x/11.x), the event goes
 * through that client and the invocation's scope; else, with a DSN, through a light reporter of its own.
 */
export const sentry = (options: SentryOptions = {}): MiddlewareObj<unknown, any, Error> => {
  const config = resolveOptions(options);
  // Forced off: no import, and only an empty onError (Middy refuses a middleware without hooks).
  if (options.enabled === false) return { onError: off };

  // The SDK is loaded on the first report, not at init: module loading runs on the main thread, so loading it at
  // init lands on the first invocation (about 100 ms from node_modules) although most invocations never fail. With
  // the timeout warning on, it is loaded at init instead, so that the warning is not delayed by the import close
  // to the deadline. A failed import is kept as a value (never an unhandled rejection) and reported as a warning.
  let reporterPromise: Promise<Reporter | Error> | undefined;
  const reporterOnce = (): Promise<Reporter | Error> =>
    (reporterPromise ??= import('./sentry-adapter.js')
      .then((adapter) => adapter.loadCore())
      .then(async (core) => (await import('./reporter.js')).createReporter({ core, dsn: config.dsn!, environment: config.environment, release: config.release, beforeSend: config.beforeSend }))
      .then(
      (reporter) => reporter,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    ));
  const ownSlots = new Slots(48);
  /** The invocation (request id) each error object was last reported for, through the app's client. */
  const reportedFor = new WeakMap<object, string | undefined>();
  const appSlots = new WeakMap<object, Slots>();

  const warn = (message: string, fields: Record<string, unknown>): void => {
    try {
      getLogSink().log('warn', message, fields);
    } catch {
      // a broken sink must not change the invocation's outcome
    }
  };

  /** Hooks the app's client once it exists (at creation, in `before` until then, on a failure). */
  const finalize = (event: ErrorEvent): ErrorEvent => boundEvent(redactDeep(event));
  let watched: { app: AppSentry; watch: ClientWatch } | undefined;
  const watchApp = (): { app: AppSentry; watch: ClientWatch } | undefined => {
    const app = findAppSentry();
    if (app === undefined) return undefined;
    if (appClientProblem(app) !== undefined) return undefined;
    const watch = watchClient(app.client, { finalize });
    if (watched === undefined || watched.app.client !== app.client) watched = { app, watch };
    return { app, watch };
  };
  watchApp();
  if (config.enabled && config.timeoutWarningMs > 0 && findAppSentry() === undefined) void reporterOnce();

  /** The wait for Sentry: flushTimeout, and never closer to the deadline than flushMargin. */
  const boundFor = (context: LambdaContextLike | undefined): number => {
    const remaining = context ? remainingTime(context) : undefined;
    return Math.max(0, Math.min(config.flushTimeout, remaining === undefined ? Infinity : remaining - config.flushMargin));
  };

  /** Waits for the report's outcome up to `bound` ms; gives up on it after that. */
  const settle = async (report: Report, bound: number): Promise<Outcome> => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, bound, undefined)));
    const outcome = await Promise.race([report.outcome, timedOut]);
    clearTimeout(timer);
    if (outcome !== undefined) return outcome;
    report.abandon();
    return { delivered: false, unanswered: true, reason: `no answer within ${bound} ms` };
  };

  const loadReporter = async (): Promise<Reporter | undefined> => {
    const reporter = await reporterOnce();
    if (reporter instanceof Error) {
      warn('Sentry SDK could not be loaded: failures are not reported to Sentry', { reason: reporter.message });
      return undefined;
    }
    return reporter;
  };

  /** A capture of the light reporter, as a Report. */
  const fromCapture = (capture: Capture): Report => ({ eventId: capture.eventId, outcome: capture.outcome, abandon: capture.abandon });

  /** Through the app's client: one event, or the app's own event when it captured this error first. */
  const reportThroughApp = (app: AppSentry, watch: ClientWatch, error: unknown, context: LambdaContextLike | undefined, startedAt: number | undefined): Report => {
    const invocation = context?.awsRequestId;
    const isObject = error !== null && typeof error === 'object';
    // The same error object thrown again by a later invocation (a cached init failure) is reported again: its
    // capture mark is from the earlier one.
    if (isObject && isCapturedBySentry(error) && reportedFor.has(error) && reportedFor.get(error) !== invocation) forgetCaptured(error);
    if (isObject) reportedFor.set(error, invocation);
    if (isCapturedBySentry(error)) {
      // The app captured it (its own captureException): that event is the one; find its id and its outcome.
      const eventId = watch.eventIdOf(error);
      if (eventId === undefined) {
        return { eventId: undefined, outcome: Promise.resolve({ delivered: false, reason: 'captured by the app before lambdaware could see its Sentry client: its event id is unknown' }), abandon: off };
      }
      return { eventId, outcome: watch.outcome(eventId), abandon: () => watch.forget(eventId) };
    }
    const eventId = newEventId();
    watch.own(eventId);
    const outcome = watch.outcome(eventId);
    captureWithApp(app, error, invocationData(context, config.tags, startedAt), collectErrorValues(error), MECHANISM, eventId);
    return { eventId, outcome, abandon: () => watch.forget(eventId) };
  };

  /** Reports one failure, holding a queue slot while its event is on the way. */
  const report = async (error: unknown, context: LambdaContextLike | undefined, bound: number, startedAt: number | undefined): Promise<{ eventId?: string; outcome: Outcome } | undefined> => {
    const app = findAppSentry();
    if (app !== undefined) {
      const problem = appClientProblem(app);
      if (problem !== undefined) return { outcome: { delivered: false, reason: `${problem}; the error is not reported to Sentry by lambdaware` } };
    }
    if (app === undefined && !config.enabled) return undefined; // no app client, no DSN: off
    let slots = ownSlots;
    let watch: ClientWatch | undefined;
    if (app !== undefined) {
      watch = watchClient(app.client, { finalize });
      slots = appSlots.get(app.client) ?? new Slots(Math.max(1, Math.floor(watch.bufferSize / 2)));
      appSlots.set(app.client, slots);
    }
    const queuedAt = Date.now();
    const { ahead, got } = slots.acquire(bound);
    if (!(await got)) {
      return { outcome: { delivered: false, reason: `not sent: ${ahead + 1} Sentry events of other invocations were ahead of it until the wait's end (${bound} ms)` } };
    }
    const queued = ahead > 0 ? Date.now() - queuedAt : 0;
    if (ahead > 0 && boundFor(context) - queued <= 0) {
      slots.release();
      return { outcome: { delivered: false, reason: `not sent: ${ahead + 1} Sentry events of other invocations were ahead of it until the wait's end (${bound} ms)` } };
    }
    try {
      let r: Report;
      if (app !== undefined) r = reportThroughApp(app, watch!, error, context, startedAt);
      else {
        const reporter = await loadReporter();
        if (reporter === undefined) return undefined;
        r = fromCapture(reporter.captureError(error, invocationData(context, config.tags, startedAt), collectErrorValues(error), context?.awsRequestId));
      }
      if (r.eventId === undefined) return { outcome: await r.outcome };
      // bounded again after the SDK's load (the first failure), as the remaining time is now, less the queue's wait
      const outcome = await settle(r, Math.max(0, boundFor(context) - queued));
      return { eventId: r.eventId, outcome };
    } finally {
      slots.release();
    }
  };

  /** Reports the failure; false when sentry() is off for it (no app client, no DSN): then it writes no line either. */
  const reportError = async (request: Request): Promise<boolean> => {
    const error: unknown = request.error;
    if (error === undefined || error === null) return config.enabled;
    if (config.shouldReport !== undefined && !config.shouldReport(error, request)) return true;
    const context = request.context as LambdaContextLike | undefined;
    const bound = boundFor(context);
    const result = await report(error, context, bound, (request as RequestWithTimer)[STARTED]);
    if (result === undefined) return config.enabled;
    const { eventId, outcome } = result;
    // The line names the event Sentry has (delivered), or may have (sent, unanswered at the wait's end); not one
    // known lost (refused, HTTP error, dropped, rate limited), which the warning names instead.
    if (outcome.delivered || outcome.unanswered) setSentryEventId(request, eventId);
    // not delivered: one warning with the reason (not for an event your own `beforeSend` option dropped on purpose)
    if (!outcome.delivered && !outcome.dropped) {
      warn('Sentry event not delivered', { sentryEventID: eventId, reason: outcome.reason, flushTimeout: config.flushTimeout, waitedMs: bound });
    }
    return true;
  };

  /** The failure's error line, when errorLog() is not in the chain to write it (same writer, same shape). */
  const writeLineIfNoErrorLog = (request: Request): void => {
    if (failureOf(request).line !== 'unclaimed') return;
    try {
      writeErrorLine(request, request.error);
    } catch {
      // a broken sink must not change the invocation's outcome
    }
  };

  const reportTimeout = async (request: Request, msBefore: number): Promise<void> => {
    const context = request.context as LambdaContextLike;
    const left = remainingTime(context) ?? msBefore;
    const message = `Possible timeout: ${context.functionName ?? 'function'} has ${left} ms left`;
    const data = invocationData(context, config.tags);
    const extras = { tags: { timeout_warning: 'true' }, fingerprint: ['lambdaware.sentry.timeout', context.functionName ?? ''] };
    let r: Report | undefined;
    const app = watchApp();
    if (app !== undefined) {
      const eventId = newEventId();
      app.watch.own(eventId);
      const outcome = app.watch.outcome(eventId);
      captureMessageWithApp(app.app, message, { tags: { ...data.tags, ...extras.tags }, contexts: data.contexts }, extras.fingerprint, eventId);
      r = { eventId, outcome, abandon: () => app.watch.forget(eventId) };
    } else if (config.enabled) {
      const reporter = await loadReporter();
      if (reporter !== undefined) r = fromCapture(reporter.captureMessage(message, 'warning', data, extras));
    }
    writeTimeoutLine(request, left, r?.eventId);
    if (r?.eventId === undefined) return;
    const outcome = await settle(r, boundFor(context));
    if (outcome.delivered) warn('Possible timeout reported to Sentry', { sentryEventID: r.eventId, remainingTimeInMillis: left });
    else if (!outcome.dropped) warn('Possible timeout: the Sentry event was not delivered', { sentryEventID: r.eventId, reason: outcome.reason });
  };

  /**
   * The error line of a possible timeout (Lambda kills the environment at the deadline, so no onError, and no
   * errorLog line, would say anything), through the same writer as every error line. Written when the warning
   * fires, before the Sentry event is flushed, so that a kill during the flush cannot lose it.
   */
  const writeTimeoutLine = (request: Request, left: number, eventId: string | undefined): void => {
    const context = request.context as LambdaContextLike;
    const message = `possible timeout: ${left} ms left`;
    const warning = newError(message).with('remainingTimeInMillis', left).with('timeoutWarningMs', config.timeoutWarningMs).with('functionName', context.functionName);
    Object.defineProperty(warning, 'name', { value: TIMEOUT_WARNING_TYPE, enumerable: false, configurable: true, writable: true });
    Object.defineProperty(warning, 'stack', { value: undefined, enumerable: false, configurable: true, writable: true });
    try {
      writeErrorLine(request, warning, { failureLine: false, sentryEventId: eventId, message });
    } catch {
      // a broken sink must not change the invocation's outcome
    }
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

  const onError = async (request: RequestWithTimer): Promise<void> => {
    clearTimeoutWarning(request);
    let on = true;
    try {
      on = await reportError(request);
    } catch (e) {
      // Whatever happens here, the handler's error stays what it was.
      warn('Sentry reporting failed', { reason: errorMessage(e) });
    }
    if (on) writeLineIfNoErrorLog(request);
  };

  // Until the app's client is hooked, `before` looks for it (a few property reads), so that an error the app
  // captures itself in the handler is paired with its event id; once hooked, it is one comparison.
  const before = (request: RequestWithTimer): void => {
    request[STARTED] = performance.now();
    if (watched === undefined) watchApp();
    if (config.timeoutWarningMs > 0) startTimeoutWarning(request);
  };
  if (config.timeoutWarningMs === 0) return { before, onError };
  return {
    before,
    after: (request: RequestWithTimer) => {
      clearTimeoutWarning(request);
    },
    onError,
  };
};

export default sentry;
