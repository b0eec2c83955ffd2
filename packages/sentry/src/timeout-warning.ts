// sentry()'s timeout warning (option `timeoutWarning`): shortly before the deadline, one "possible timeout" event
// and one error line, since Lambda kills the environment at the deadline and no onError would say anything.
import type { Request } from '@middy/core';
import { newError, writeErrorLine } from '@lambdaware/errors';
import { thrownMessage } from '@lambdaware/shared';
import { invocationData, remainingTime, type LambdaContextLike } from './context.js';
import { deadlineOf } from '@lambdaware/shared';
import { type Report, type SentryState, allowFor, fromCapture, loadReporter, ownAppEvent, settle, warn, watchApp } from './failure-report.js';
import { captureMessageWithApp, newEventId } from './sentry-adapter.js';

/** The `error.type` of the line written when the timeout warning fires. */
export const TIMEOUT_WARNING_TYPE = 'TimeoutWarning';

/** Private per-request state (the timeout warning timer); a symbol on the request, so nothing is shared. */
const TIMER = Symbol('lambdaware.sentry.timeoutTimer');
type RequestWithTimer = Request & { [TIMER]?: NodeJS.Timeout };

/**
 * The error line of a possible timeout, through the same writer as every error line. Written when the warning
 * fires, before the Sentry event is flushed, so that a kill during the flush cannot lose it.
 */
const writeTimeoutLine = (state: SentryState, request: Request, left: number, eventId: string | undefined): void => {
  const context = request.context as LambdaContextLike;
  const message = `possible timeout: ${left} ms left`;
  const warning = newError(message)
    .with('remainingTimeInMillis', left)
    .with('timeoutWarningMs', state.config.timeoutWarningMs)
    .with('functionName', context.functionName);
  Object.defineProperty(warning, 'name', { value: TIMEOUT_WARNING_TYPE, enumerable: false, configurable: true, writable: true });
  Object.defineProperty(warning, 'stack', { value: undefined, enumerable: false, configurable: true, writable: true });
  try {
    writeErrorLine(request, warning, { failureLine: false, eventId, message });
  } catch {
    // a broken sink must not change the invocation's outcome
  }
};

/** The "possible timeout" event under `eventId`, through the app's client or the built-in reporter; undefined when off. */
const captureTimeout = async (state: SentryState, context: LambdaContextLike, left: number, eventId: string): Promise<Report | undefined> => {
  const message = `Possible timeout: ${context.functionName ?? 'function'} has ${left} ms left`;
  const data = invocationData(context, state.config.tags);
  const extras = { tags: { timeout_warning: 'true' }, fingerprint: ['lambdaware.sentry.timeout', context.functionName ?? ''] };
  const app = watchApp();
  if (app !== undefined) {
    const scope = { tags: { ...data.tags, ...extras.tags }, contexts: data.contexts };
    return ownAppEvent(app.watch, eventId, () => captureMessageWithApp(app.app, message, scope, extras.fingerprint, eventId));
  }
  if (!state.config.enabled) return undefined;
  const reporter = await loadReporter(state, allowFor(state.config, deadlineOf(context), Infinity));
  return typeof reporter === 'string' ? undefined : fromCapture(reporter.captureMessage(eventId, message, 'warning', data, extras));
};

/** The line first (with the id of the event about to be sent: Lambda may end the environment any moment), then the event. */
const reportTimeout = async (state: SentryState, request: Request, msBefore: number): Promise<void> => {
  const context = request.context as LambdaContextLike;
  const left = remainingTime(context) ?? msBefore;
  const on = watchApp() !== undefined || state.config.enabled;
  const eventId = on ? newEventId() : undefined;
  writeTimeoutLine(state, request, left, eventId);
  if (eventId === undefined) return;
  const r = await captureTimeout(state, context, left, eventId);
  if (r?.eventId === undefined) return;
  const outcome = await settle(r, allowFor(state.config, deadlineOf(context)));
  if (outcome.delivered) warn('Possible timeout reported to Sentry', { sentryEventID: r.eventId, remainingTimeInMillis: left });
  else if (!outcome.dropped)
    warn('Possible timeout: the Sentry event was not delivered', { sentryEventID: r.eventId, reason: outcome.reason, waitedMs: outcome.waitedMs });
};

/**
 * Whether Middy already answered the invocation without our `after`/`onError`: an early return (a `before`, an
 * `after` or an `onError` returning a response, e.g. `@lambdaware/http` answering a 400) sets `request.earlyResponse`
 * (Middy >= 6) and skips the hooks that follow, ours among them. Its timer must then never report.
 */
const answeredEarly = (request: Request): boolean => 'earlyResponse' in request;

/** The requests whose timer is set (more than one at a time under Lambda Managed Instances), per sentry(). */
const armed = new WeakMap<SentryState, Set<RequestWithTimer>>();

/** Starts the invocation's timer (in `before`), after clearing the timers of invocations answered early. */
export const startTimeoutWarning = (state: SentryState, request: RequestWithTimer): void => {
  let live = armed.get(state);
  if (live === undefined) armed.set(state, (live = new Set()));
  for (const earlier of live) if (answeredEarly(earlier)) clearTimeoutWarning(state, earlier);
  const left = remainingTime(request.context as LambdaContextLike);
  if (left === undefined) return;
  const timer = setTimeout(
    () => {
      request[TIMER] = undefined;
      live.delete(request);
      // the invocation was answered early (its `after` skipped): it is over, no timeout to warn of
      if (answeredEarly(request)) return;
      reportTimeout(state, request, state.config.timeoutWarningMs).catch((e: unknown) => warn('Sentry timeout warning failed', { reason: thrownMessage(e) }));
    },
    Math.max(0, left - state.config.timeoutWarningMs),
  );
  timer.unref();
  request[TIMER] = timer;
  live.add(request);
};

/** Clears the invocation's timer (in `after` and `onError`, and in a later `before` after an early return). */
export const clearTimeoutWarning = (state: SentryState, request: RequestWithTimer): void => {
  const timer = request[TIMER];
  if (timer !== undefined) {
    clearTimeout(timer);
    request[TIMER] = undefined;
  }
  armed.get(state)?.delete(request);
};
