// How sentry() reports one failure: through the app's own Sentry client when the process has one (found and
// hooked by sentry-adapter.ts), else through the built-in reporter (reporter.ts, loaded at init when a DSN is set),
// one queue slot per event on its way. The event id is made first (`eventId`, one value: the line's
// `sentryEventID`, the event's `event_id`, the warning's `sentryEventID`). Every wait (the queue, the SDK's load
// still under way, Sentry's answer) takes its share of the invocation's one deadline (`deadlineOf`), always keeping
// `flushMargin` for the line and the answer to Lambda; when that deadline leaves less than `flushTimeout`, the
// failure's error line is written before any Sentry work starts, with the id of the event about to be sent.
import type { Request } from '@middy/core';
import type { ErrorEvent } from '@sentry/core';
import { writeErrorLine } from '@lambdaware/errors';
import { type Deadline, boundedWait, collectErrorValues, deadlineOf, failureOf, getLogSink, redactDeep, thrownMessage } from '@lambdaware/shared';
import { boundEvent } from './bound-event.js';
import { boundedForSentry } from './bounded-error.js';
import { invocationData, lineBreadcrumbs, type LambdaContextLike } from './context.js';
import type { Config } from './options.js';
import type { Capture, Reporter } from './reporter.js';
import {
  type AppSentry,
  type ClientWatch,
  MECHANISM,
  type Outcome,
  appClientProblem,
  captureWithApp,
  findAppSentry,
  forgetCaptured,
  isCapturedBySentry,
  lastEventIdOf,
  newEventId,
  watchClient,
} from './sentry-adapter.js';
import { Slots } from './slots.js';

/** One sentry() middleware's state: its configuration, its built-in reporter, its queues. */
/** Loads the built-in reporter (index.ts: builtin.ts); undefined in `@lambdaware/sentry/app` (the app's client only). */
export type LoadBuiltIn = ((config: Config) => Promise<Reporter>) | undefined;

export interface SentryState {
  readonly config: Config;
  readonly loadBuiltIn: LoadBuiltIn;
  reporter: Promise<Reporter | Error> | undefined;
  /** The built-in reporter once loaded (known synchronously: with no time left, it can still send). */
  ready: Reporter | undefined;
  readonly ownSlots: Slots;
  /** The invocation (request id) each error object was last reported for, through the app's client. */
  readonly reportedFor: WeakMap<object, string | undefined>;
  readonly appSlots: WeakMap<object, Slots>;
}

export const newSentryState = (config: Config, loadBuiltIn: LoadBuiltIn): SentryState => ({
  config,
  loadBuiltIn,
  reporter: undefined,
  ready: undefined,
  ownSlots: new Slots(48),
  reportedFor: new WeakMap(),
  appSlots: new WeakMap(),
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
export const finalize = (event: ErrorEvent): ErrorEvent => boundEvent(redactDeep(event));

/**
 * The built-in reporter, loaded once per middleware: started at init (sentry() with a DSN and no app client), so
 * the SDK's load counts in the cold start and is never begun on a failure's path. A failed import is kept as a
 * value (never an unhandled rejection) and reported as a warning.
 */
export const reporterOnce = (state: SentryState): Promise<Reporter | Error> => {
  const { config, loadBuiltIn } = state;
  const load =
    loadBuiltIn === undefined
      ? Promise.reject(new Error("@lambdaware/sentry/app reports through the app's own Sentry client only (Sentry.init), and the process has none"))
      : loadBuiltIn(config);
  return (state.reporter ??= load.then(
    (reporter) => (state.ready = reporter),
    (e: unknown) => (e instanceof Error ? e : new Error(thrownMessage(e))),
  ));
};

/** The built-in reporter within `ms`, or why not (the reason for the warning). */
export const loadReporter = async (state: SentryState, ms: number): Promise<Reporter | string> => {
  const r = await boundedWait(reporterOnce(state), ms);
  if (!r.settled) return `not sent: the Sentry SDK (loading since init) was not ready within the ${r.waitedMs} ms the deadline allowed`;
  if (!r.ok || r.value instanceof Error) {
    const why = r.ok ? (r.value as Error).message : thrownMessage(r.error);
    warn('Sentry SDK could not be loaded (install the peer @sentry/core, or call Sentry.init of your own Sentry SDK): failures are not reported to Sentry', {
      reason: why,
    });
    return '';
  }
  return r.value;
};

/** Hooks the app's client (at creation, and on a failure): returns it when it can report. */
export const watchApp = (): { app: AppSentry; watch: ClientWatch } | undefined => {
  const app = findAppSentry();
  if (app === undefined || appClientProblem(app) !== undefined) return undefined;
  return { app, watch: watchClient(app.client, { finalize }) };
};

/** How long one wait for Sentry may take: at most `wantMs`, never into the last `flushMargin` of the deadline. */
export const allowFor = (config: Config, deadline: Deadline, wantMs = config.flushTimeout): number => deadline.allow(wantMs, config.flushMargin);

/**
 * Waits for the report's outcome up to `ms` (the reason names that bound; `waitedMs` the time actually waited);
 * gives up on it after that. An outcome that settled by then is reported as it is, never as "no answer".
 */
export const settle = async (report: Report, ms: number): Promise<Outcome & { waitedMs: number }> => {
  if (ms <= 0) {
    // no time left within flushMargin: sent, not waited for (nor given up: it may still arrive)
    return { delivered: false, unanswered: true, reason: 'sent without waiting for an answer: no time left within flushMargin', waitedMs: 0 };
  }
  const r = await boundedWait(report.outcome, ms);
  if (r.settled && r.ok) return { ...r.value, waitedMs: r.waitedMs };
  report.abandon();
  return { delivered: false, unanswered: true, reason: `no answer within ${ms} ms`, waitedMs: r.waitedMs };
};

/** The warning of an event sent whose answer did not come within its wait (it may still be delivered). */
export const UNANSWERED = 'Sentry event sent, no answer within its wait';

/** A capture of the built-in reporter, as a Report. */
export const fromCapture = (capture: Capture): Report => ({ eventId: capture.eventId, outcome: capture.outcome, abandon: capture.abandon });

/** An event of ours through the app's client, under `eventId`: the Report of it. */
export const ownAppEvent = (watch: ClientWatch, eventId: string, capture: () => void): Report => {
  watch.own(eventId);
  const outcome = watch.outcome(eventId);
  capture();
  return { eventId, outcome, abandon: () => watch.forget(eventId) };
};

/** The failure's error line now: errorLog()'s (its writer, left on the failure state), else the one writer's. */
export const writeFailureLine = (request: Request): void => {
  const failure = failureOf(request);
  if (failure.line === 'written') return;
  try {
    if (failure.writeLine !== undefined) failure.writeLine(request);
    else writeErrorLine(request, request.error);
  } catch {
    // a broken sink must not change the invocation's outcome
  }
};

/** The failure's error line, when errorLog() is not in the chain to write it (same writer, same shape). */
export const writeLineIfNoErrorLog = (request: Request): void => {
  if (failureOf(request).line === 'unclaimed') writeFailureLine(request);
};

/** How one failure is to be reported, decided before anything is sent (so its id is known for the line). */
type Plan =
  | { kind: 'none'; outcome?: Outcome }
  | { kind: 'app-captured'; eventId: string; report: Report }
  | { kind: 'app'; eventId: string; app: AppSentry; watch: ClientWatch }
  | { kind: 'own'; eventId: string };

const planReport = (state: SentryState, error: unknown, invocation: string | undefined): Plan => {
  const app = findAppSentry();
  const problem = app === undefined ? undefined : appClientProblem(app);
  if (problem !== undefined) return { kind: 'none', outcome: { delivered: false, reason: `${problem}; the error is not reported to Sentry by lambdaware` } };
  if (app === undefined && state.config.enabled && state.loadBuiltIn === undefined) {
    return {
      kind: 'none',
      outcome: {
        delivered: false,
        reason: "not sent: @lambdaware/sentry/app reports through the app's own Sentry client only (Sentry.init), and the process has none",
      },
    };
  }
  if (app === undefined) return state.config.enabled ? { kind: 'own', eventId: newEventId() } : { kind: 'none' };
  const watch = watchClient(app.client, { finalize });
  const isObject = error !== null && typeof error === 'object';
  // The same error object thrown again by a later invocation (a cached init failure) is reported again: its
  // capture mark is from the earlier one.
  if (isObject && isCapturedBySentry(error) && state.reportedFor.has(error) && state.reportedFor.get(error) !== invocation) forgetCaptured(error);
  if (isObject) state.reportedFor.set(error, invocation);
  if (isCapturedBySentry(error)) {
    // The app captured it (its own captureException): that event is the one; its id and its outcome.
    // (an app that called Sentry.init after sentry() was created, and captured before any failure: its last event)
    const eventId = watch.eventIdOf(error) ?? lastEventIdOf(app);
    if (eventId === undefined) {
      return {
        kind: 'none',
        outcome: { delivered: false, reason: 'captured by the app before lambdaware could see its Sentry client: its event id is unknown' },
      };
    }
    return { kind: 'app-captured', eventId, report: { eventId, outcome: watch.outcome(eventId), abandon: () => watch.forget(eventId) } };
  }
  return { kind: 'app', eventId: newEventId(), app, watch };
};

const notSent = (ahead: number, waitedMs: number): Outcome => ({
  delivered: false,
  reason: `not sent: ${ahead + 1} Sentry events of other invocations were ahead of it until the wait's end (${waitedMs} ms)`,
});

/** Sends the planned event, holding a queue slot while it is on its way; every wait within the deadline's share. */
const send = async (
  state: SentryState,
  plan: Plan & { kind: 'app' | 'own' },
  error: unknown,
  context: LambdaContextLike | undefined,
  deadline: Deadline,
  startedAt: number | undefined,
  request: Request,
): Promise<Outcome & { waitedMs?: number }> => {
  const { config } = state;
  const breadcrumbs = config.breadcrumbs ? lineBreadcrumbs(request) : [];
  const start = Date.now();
  let slots = state.ownSlots;
  if (plan.kind === 'app') {
    slots = state.appSlots.get(plan.app.client) ?? new Slots(Math.max(1, Math.floor(plan.watch.bufferSize / 2)));
    state.appSlots.set(plan.app.client, slots);
  }
  const { ahead, got } = slots.acquire(allowFor(config, deadline));
  if (!(await got)) return notSent(ahead, Date.now() - start);
  const queued = Date.now() - start;
  if (ahead > 0 && allowFor(config, deadline, config.flushTimeout - queued) <= 0) {
    // its turn came at the wait's end: not sent (the line does not name it)
    slots.release();
    return notSent(ahead, queued);
  }
  try {
    let report: Report;
    const data = (): ReturnType<typeof invocationData> => invocationData(context, config.tags, startedAt);
    if (plan.kind === 'app') {
      report = ownAppEvent(plan.watch, plan.eventId, () =>
        captureWithApp(plan.app, boundedForSentry(error), data(), collectErrorValues(error), MECHANISM, plan.eventId, breadcrumbs),
      );
    } else {
      // the SDK is loaded since init; a load still under way is waited for within the deadline, never begun here
      const reporter = await loadReporter(state, allowFor(config, deadline, Infinity));
      if (typeof reporter === 'string')
        return reporter === '' ? { delivered: false, dropped: true } : { delivered: false, reason: reporter, waitedMs: Date.now() - start };
      report = fromCapture(reporter.captureError(plan.eventId, error, data(), collectErrorValues(error), context?.awsRequestId, breadcrumbs));
      if (report.eventId === undefined) return await report.outcome;
    }
    // flushTimeout bounds the wait in the queue and for the answer together, within the deadline less flushMargin
    const outcome = await settle(report, allowFor(config, deadline, config.flushTimeout - queued));
    return { ...outcome, waitedMs: Date.now() - start };
  } finally {
    slots.release();
  }
};

/**
 * Reports the failure and has its error line written (when errorLog() is not in the chain). False when sentry()
 * is off for it (no app client, no DSN): then it writes no line either. The line is written after Sentry's answer
 * (so it names only an event Sentry has or may have), or first when the deadline leaves less than flushTimeout.
 */
export const reportError = async (state: SentryState, request: Request): Promise<boolean> => {
  const { config } = state;
  const error: unknown = request.error;
  const context = request.context as LambdaContextLike | undefined;
  if (config.shouldReport !== undefined) {
    let report = true;
    try {
      report = config.shouldReport(error, request) !== false;
    } catch (e) {
      warn('Sentry shouldReport threw: the failure is reported', { reason: thrownMessage(e) });
    }
    if (!report) return true;
  }
  const plan = planReport(state, error, context?.awsRequestId);
  if (plan.kind === 'none') {
    if (plan.outcome === undefined) return config.enabled;
    warn('Sentry event not delivered', { reason: plan.outcome.reason });
    return true;
  }
  const deadline = deadlineOf(context);
  const failure = failureOf(request);
  const budget = allowFor(config, deadline, Infinity);
  if (budget === 0 && plan.kind === 'own' && state.ready === undefined) {
    // no time left, and the SDK (loading since init) not ready: the line now, without an id (no event is sent)
    writeFailureLine(request);
    warn('Sentry event not delivered', {
      reason: `not sent: the Sentry SDK was not ready and ${deadline.remaining()} ms were left before ${deadline.source}, within flushMargin (${config.flushMargin} ms)`,
      flushTimeout: config.flushTimeout,
      waitedMs: 0,
    });
    return true;
  }
  const lineFirst = budget < config.flushTimeout;
  if (lineFirst) {
    failure.eventId = plan.eventId;
    writeFailureLine(request);
  }
  const started = (request as { [STARTED]?: number })[STARTED];
  const outcome =
    plan.kind === 'app-captured' ? await settle(plan.report, allowFor(config, deadline)) : await send(state, plan, error, context, deadline, started, request);
  // The line names the event Sentry has (delivered), or may have (sent, unanswered at the wait's end); not one
  // known lost (refused, HTTP error, dropped, rate limited), which the warning names instead.
  if (!lineFirst) failure.eventId = outcome.delivered || outcome.unanswered ? plan.eventId : undefined;
  // not delivered: one warning with the reason (not for an event a beforeSend dropped on purpose)
  if (!outcome.delivered && !outcome.dropped) {
    // sent but not answered by the end of its wait: it may well arrive, so it is not called lost
    warn(outcome.unanswered ? UNANSWERED : 'Sentry event not delivered', {
      sentryEventID: plan.eventId,
      reason: outcome.reason,
      flushTimeout: config.flushTimeout,
      waitedMs: outcome.waitedMs ?? 0,
    });
  }
  return true;
};

/** When the invocation's `before` ran (performance.now()), for `execution_duration_in_millis` (timeout warning only). */
export const STARTED = Symbol('lambdaware.sentry.startedAt');
