// How sentry() reports one failure: through the app's own Sentry client when the process has one (found and
// hooked by sentry-adapter.ts), else through the light reporter (reporter.ts, loaded on the first report), one
// queue slot per event on its way, every wait bounded by the invocation's remaining time.
import type { Request } from '@middy/core';
import type { ErrorEvent } from '@sentry/core';
import { failureOf, setSentryEventId, writeErrorLine } from '@lambdaware/errors';
import { collectErrorValues, getLogSink, redactDeep, thrownMessage } from '@lambdaware/shared';
import { boundEvent } from './bound-event.js';
import { invocationData, remainingTime, type LambdaContextLike } from './context.js';
import type { Config } from './options.js';
import type { Capture, Reporter } from './reporter.js';
import {
  type AppSentry,
  type ClientWatch,
  type Outcome,
  appClientProblem,
  captureWithApp,
  findAppSentry,
  forgetCaptured,
  isCapturedBySentry,
  newEventId,
  watchClient,
} from './sentry-adapter.js';
import { Slots } from './slots.js';

/** The mechanism of our events (as @sentry/aws-serverless marks a handler's error: unhandled). */
const MECHANISM = { type: 'auto.middleware.lambdaware.sentry', handled: false };

/** When the invocation's `before` ran (performance.now()), for `execution_duration_in_millis`. */
export const STARTED = Symbol('lambdaware.sentry.startedAt');

/** One sentry() middleware's state: its configuration, its light reporter, its queues, the app client it hooked. */
export interface SentryState {
  readonly config: Config;
  reporter: Promise<Reporter | Error> | undefined;
  readonly ownSlots: Slots;
  /** The invocation (request id) each error object was last reported for, through the app's client. */
  readonly reportedFor: WeakMap<object, string | undefined>;
  readonly appSlots: WeakMap<object, Slots>;
  watched: { app: AppSentry; watch: ClientWatch } | undefined;
}

export const newSentryState = (config: Config): SentryState => ({
  config,
  reporter: undefined,
  ownSlots: new Slots(48),
  reportedFor: new WeakMap(),
  appSlots: new WeakMap(),
  watched: undefined,
});

/** One report: the id of its event (undefined: none was made), its outcome, and how to give up on it. */
export interface Report {
  eventId: string | undefined;
  outcome: Promise<Outcome>;
  abandon(): void;
}

export const off = (): void => {};

export const warn = (message: string, fields: Record<string, unknown>): void => {
  try {
    getLogSink().log('warn', message, fields);
  } catch {
    // a broken sink must not change the invocation's outcome
  }
};

/** What every event of ours goes through last: secrets masked, size bounded. */
const finalize = (event: ErrorEvent): ErrorEvent => boundEvent(redactDeep(event));

/**
 * The light reporter, loaded once. The SDK is loaded on the first report, not at init: module loading runs on the
 * main thread, so loading it at init lands on the first invocation (about 100 ms from node_modules) although most
 * invocations never fail (with the timeout warning on, sentry() loads it at init instead, so that the warning is
 * not delayed by the import close to the deadline). A failed import is kept as a value (never an unhandled
 * rejection) and reported as a warning.
 */
export const reporterOnce = (state: SentryState): Promise<Reporter | Error> => {
  const { config } = state;
  return (state.reporter ??= import('./sentry-adapter.js')
    .then((adapter) => adapter.loadCore())
    .then(async (core) => (await import('./reporter.js')).createReporter({ core, dsn: config.dsn!, environment: config.environment, release: config.release, beforeSend: config.beforeSend }))
    .then(
      (reporter) => reporter,
      (e: unknown) => (e instanceof Error ? e : new Error(thrownMessage(e))),
    ));
};

/** The light reporter, or undefined (with a warning) when the SDK could not be loaded. */
export const loadReporter = async (state: SentryState): Promise<Reporter | undefined> => {
  const reporter = await reporterOnce(state);
  if (reporter instanceof Error) {
    warn('Sentry SDK could not be loaded (install the peer @sentry/core, or call Sentry.init of your own Sentry SDK): failures are not reported to Sentry', { reason: reporter.message });
    return undefined;
  }
  return reporter;
};

/** Hooks the app's client once it exists (at creation, in `before` until then, on a failure). */
export const watchApp = (state: SentryState): { app: AppSentry; watch: ClientWatch } | undefined => {
  const app = findAppSentry();
  if (app === undefined) return undefined;
  if (appClientProblem(app) !== undefined) return undefined;
  const watch = watchClient(app.client, { finalize });
  if (state.watched === undefined || state.watched.app.client !== app.client) state.watched = { app, watch };
  return { app, watch };
};

/** The wait for Sentry: flushTimeout, and never closer to the deadline than flushMargin. */
export const boundFor = (config: Config, context: LambdaContextLike | undefined): number => {
  const remaining = context ? remainingTime(context) : undefined;
  return Math.max(0, Math.min(config.flushTimeout, remaining === undefined ? Infinity : remaining - config.flushMargin));
};

/** Waits for the report's outcome up to `bound` ms; gives up on it after that. */
export const settle = async (report: Report, bound: number): Promise<Outcome> => {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, bound, undefined)));
  const outcome = await Promise.race([report.outcome, timedOut]);
  clearTimeout(timer);
  if (outcome !== undefined) return outcome;
  report.abandon();
  return { delivered: false, unanswered: true, reason: `no answer within ${bound} ms` };
};

/** A capture of the light reporter, as a Report. */
export const fromCapture = (capture: Capture): Report => ({ eventId: capture.eventId, outcome: capture.outcome, abandon: capture.abandon });

/** An event of ours through the app's client, with a new id: the Report of it. */
export const ownAppEvent = (watch: ClientWatch, capture: (eventId: string) => void): Report => {
  const eventId = newEventId();
  watch.own(eventId);
  const outcome = watch.outcome(eventId);
  capture(eventId);
  return { eventId, outcome, abandon: () => watch.forget(eventId) };
};

/** Through the app's client: one event, or the app's own event when it captured this error first. */
const reportThroughApp = (
  state: SentryState,
  app: AppSentry,
  watch: ClientWatch,
  error: unknown,
  context: LambdaContextLike | undefined,
  startedAt: number | undefined,
): Report => {
  const invocation = context?.awsRequestId;
  const isObject = error !== null && typeof error === 'object';
  // The same error object thrown again by a later invocation (a cached init failure) is reported again: its
  // capture mark is from the earlier one.
  if (isObject && isCapturedBySentry(error) && state.reportedFor.has(error) && state.reportedFor.get(error) !== invocation) forgetCaptured(error);
  if (isObject) state.reportedFor.set(error, invocation);
  if (isCapturedBySentry(error)) {
    // The app captured it (its own captureException): that event is the one; find its id and its outcome.
    const eventId = watch.eventIdOf(error);
    if (eventId === undefined) {
      return { eventId: undefined, outcome: Promise.resolve({ delivered: false, reason: 'captured by the app before lambdaware could see its Sentry client: its event id is unknown' }), abandon: off };
    }
    return { eventId, outcome: watch.outcome(eventId), abandon: () => watch.forget(eventId) };
  }
  const data = invocationData(context, state.config.tags, startedAt);
  return ownAppEvent(watch, (eventId) => captureWithApp(app, error, data, collectErrorValues(error), MECHANISM, eventId));
};

const notSent = (ahead: number, bound: number): { outcome: Outcome } => ({
  outcome: { delivered: false, reason: `not sent: ${ahead + 1} Sentry events of other invocations were ahead of it until the wait's end (${bound} ms)` },
});

/** Reports one failure, holding a queue slot while its event is on the way; undefined when off for it. */
const sendReport = async (
  state: SentryState,
  error: unknown,
  context: LambdaContextLike | undefined,
  bound: number,
  startedAt: number | undefined,
): Promise<{ eventId?: string; outcome: Outcome } | undefined> => {
  const app = findAppSentry();
  const problem = app === undefined ? undefined : appClientProblem(app);
  if (problem !== undefined) return { outcome: { delivered: false, reason: `${problem}; the error is not reported to Sentry by lambdaware` } };
  if (app === undefined && !state.config.enabled) return undefined; // no app client, no DSN: off
  let slots = state.ownSlots;
  let watch: ClientWatch | undefined;
  if (app !== undefined) {
    watch = watchClient(app.client, { finalize });
    slots = state.appSlots.get(app.client) ?? new Slots(Math.max(1, Math.floor(watch.bufferSize / 2)));
    state.appSlots.set(app.client, slots);
  }
  const queuedAt = Date.now();
  const { ahead, got } = slots.acquire(bound);
  if (!(await got)) return notSent(ahead, bound);
  const queued = ahead > 0 ? Date.now() - queuedAt : 0;
  if (ahead > 0 && boundFor(state.config, context) - queued <= 0) {
    slots.release();
    return notSent(ahead, bound);
  }
  try {
    let r: Report;
    if (app !== undefined) r = reportThroughApp(state, app, watch!, error, context, startedAt);
    else {
      const reporter = await loadReporter(state);
      if (reporter === undefined) return undefined;
      r = fromCapture(reporter.captureError(error, invocationData(context, state.config.tags, startedAt), collectErrorValues(error), context?.awsRequestId));
    }
    if (r.eventId === undefined) return { outcome: await r.outcome };
    // bounded again after the SDK's load (the first failure), as the remaining time is now, less the queue's wait
    const outcome = await settle(r, Math.max(0, boundFor(state.config, context) - queued));
    return { eventId: r.eventId, outcome };
  } finally {
    slots.release();
  }
};

/** Reports the failure; false when sentry() is off for it (no app client, no DSN): then it writes no line either. */
export const reportError = async (state: SentryState, request: Request & { [STARTED]?: number }): Promise<boolean> => {
  const { config } = state;
  const error: unknown = request.error;
  if (error === undefined || error === null) return config.enabled;
  if (config.shouldReport !== undefined && !config.shouldReport(error, request)) return true;
  const context = request.context as LambdaContextLike | undefined;
  const bound = boundFor(config, context);
  const result = await sendReport(state, error, context, bound, request[STARTED]);
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
export const writeLineIfNoErrorLog = (request: Request): void => {
  if (failureOf(request).line !== 'unclaimed') return;
  try {
    writeErrorLine(request, request.error);
  } catch {
    // a broken sink must not change the invocation's outcome
  }
};
