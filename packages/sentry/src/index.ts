// The failure path, part 2 of 2 (part 1, the error line: packages/errors/src/error-log.ts). On a failure, sentry()
// reports one event: through the app's own Sentry client when the process has one (sentry-adapter.ts finds it),
// else through its own light reporter (reporter.ts) when a DSN is set; it records the id of the event actually
// sent on the failure's state (`setSentryEventId`), and writes the error line itself (`writeErrorLine`) only when
// errorLog() is not there to write it. The parts: options.ts (options), failure-report.ts (one failure's report),
// timeout-warning.ts (the timeout warning), slots.ts (the queue bound).
import type { MiddlewareObj, Request } from '@middy/core';
import { thrownMessage } from '@lambdaware/shared';
import { type SentryState, STARTED, newSentryState, off, reportError, reporterOnce, warn, watchApp, writeLineIfNoErrorLog } from './failure-report.js';
import { resolveOptions, type SentryOptions } from './options.js';
import { findAppSentry } from './sentry-adapter.js';
import { clearTimeoutWarning, startTimeoutWarning } from './timeout-warning.js';

export { cloudWatchLogsUrl, invocationData, type InvocationData, type LambdaContextLike } from './context.js';
export { SentryOptionsError, defaults, type SentryOptions } from './options.js';
export { TIMEOUT_WARNING_TYPE } from './timeout-warning.js';

/** The event and hint types of @sentry/core, for `beforeSend` (type-only: importing them loads nothing). */
export type { ErrorEvent as SentryErrorEvent, EventHint as SentryEventHint } from '@sentry/core';

type SentryRequest = Request & { [STARTED]?: number };

/**
 * Reports failures to Sentry. Place it after `errorLog()` (its onError runs first and records the event id that
 * errorLog's line carries); the composition order is in docs/design.md.
 *
 * When the process already has a Sentry client (the app called `Sentry.init` of Sentry 10.x/11.x), the event goes
 * through that client and the invocation's scope; else, with a DSN, through a light reporter of its own.
 */
export const sentry = (options: SentryOptions = {}): MiddlewareObj<unknown, any, Error> => {
  const config = resolveOptions(options);
  // Forced off: no import, and only an empty onError (Middy refuses a middleware without hooks).
  if (options.enabled === false) return { name: 'sentry', onError: off };
  const state = newSentryState(config);
  watchApp(state);
  // With the timeout warning on, the SDK is loaded at init, so that the warning is not delayed by the import.
  if (config.enabled && config.timeoutWarningMs > 0 && findAppSentry() === undefined) void reporterOnce(state);

  /** The invocation's start, the app's client hooked (until it is), the timeout warning's timer. */
  const sentryBefore = (request: SentryRequest): void => {
    request[STARTED] = performance.now();
    // Until the app's client is hooked, `before` looks for it (a few property reads), so that an error the app
    // captures itself in the handler is paired with its event id; once hooked, it is one comparison.
    if (state.watched === undefined) watchApp(state);
    if (config.timeoutWarningMs > 0) startTimeoutWarning(state, request);
  };

  /** Only with the timeout warning: its timer cleared. */
  const sentryAfter = (request: SentryRequest): void => {
    clearTimeoutWarning(request);
  };

  /** The failure reported, then its error line when errorLog() is not in the chain. */
  const sentryOnError = async (request: SentryRequest): Promise<void> => {
    clearTimeoutWarning(request);
    let on = true;
    try {
      on = await reportError(state, request);
    } catch (e) {
      // Whatever happens here, the handler's error stays what it was.
      warn('Sentry reporting failed', { reason: thrownMessage(e) });
    }
    if (on) writeLineIfNoErrorLog(request);
  };

  if (config.timeoutWarningMs === 0) return { name: 'sentry', before: sentryBefore, onError: sentryOnError };
  return { name: 'sentry', before: sentryBefore, after: sentryAfter, onError: sentryOnError };
};

/** @deprecated The packages export by name: `import { sentry } from '@lambdaware/sentry'`. Kept for existing imports. */
export default sentry;
