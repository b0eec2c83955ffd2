// The sentry() middleware, made by `@lambdaware/sentry` (with its built-in reporter) and `@lambdaware/sentry/app`
// (the app's own Sentry client only: the built-in reporter is neither imported nor bundled).
import type { MiddlewareObj, Request } from '@middy/core';
import { thrownMessage } from '@lambdaware/shared';
import { type LoadBuiltIn, STARTED, newSentryState, off, reportError, reporterOnce, warn, watchApp, writeLineIfNoErrorLog } from './failure-report.js';
import { resolveOptions, type SentryOptions } from './options.js';
import { findAppSentry, forkInvocationScopes } from './sentry-adapter.js';
import { clearTimeoutWarning, startTimeoutWarning } from './timeout-warning.js';

type SentryRequest = Request & { [STARTED]?: number };

/**
 * Reports failures to Sentry. Place it after `errorLog()` (its onError runs first and records the event id that
 * errorLog's line carries); the composition order is in docs/design.md.
 *
 * When the process already has a Sentry client (the app called `Sentry.init` of Sentry 10.x/11.x), the event goes
 * through that client and the invocation's scope; else, with a DSN, through a built-in reporter of its own.
 */
export const createSentry = (options: SentryOptions, loadBuiltIn: LoadBuiltIn): MiddlewareObj<unknown, any, Error> => {
  const config = resolveOptions(options);
  // Forced off: no import, and only an empty onError (Middy refuses a middleware without hooks).
  if (options.enabled === false) return { name: 'sentry', onError: off };
  const state = newSentryState(config, loadBuiltIn);
  // The app's client hooked at init (an error the app captures itself in the handler is then paired with its event
  // id), now or right after the module that created sentry() (Sentry.init may come later in the init code); without
  // one, the built-in reporter's SDK is loaded then, at init (not awaited), never on a failure's path.
  const appAtInit = watchApp() !== undefined;
  const atInit = (): void => {
    if (loadBuiltIn !== undefined && config.enabled && findAppSentry() === undefined) void reporterOnce(state);
  };
  if (!appAtInit) {
    // after the rest of the module's synchronous code, and once more after the rest of the init's modules
    queueMicrotask(() => {
      if (watchApp() === undefined) setImmediate(atInit).unref();
    });
  }

  // With the app's own client (found at creation): each invocation its own Sentry scopes (its tags, extras, user and
  // breadcrumbs on its events only), forked from the app's init scopes. Without one, and without the timeout
  // warning, sentry() has no `before`: no code on success.
  const forkScopes = appAtInit;
  const warnTimeout = config.timeoutWarningMs > 0;

  /** The invocation's own Sentry scopes (app client), and with the timeout warning: its start and its timer. */
  const sentryBefore = (request: SentryRequest): void => {
    if (forkScopes) forkInvocationScopes();
    if (warnTimeout) {
      request[STARTED] = performance.now();
      startTimeoutWarning(state, request);
    }
  };

  /** Only with the timeout warning: its timer cleared. */
  const sentryAfter = (request: SentryRequest): void => {
    clearTimeoutWarning(state, request);
  };

  /** The failure reported, then its error line when errorLog() is not in the chain. */
  const sentryOnError = async (request: SentryRequest): Promise<void> => {
    clearTimeoutWarning(state, request);
    let on = true;
    try {
      on = await reportError(state, request);
    } catch (e) {
      // Whatever happens here, the handler's error stays what it was.
      warn('Sentry reporting failed', { reason: thrownMessage(e) });
    }
    if (on) writeLineIfNoErrorLog(request);
  };

  if (!warnTimeout) return forkScopes ? { name: 'sentry', before: sentryBefore, onError: sentryOnError } : { name: 'sentry', onError: sentryOnError };
  return { name: 'sentry', before: sentryBefore, after: sentryAfter, onError: sentryOnError };
};
