// The failure path, part 2 of 2 (part 1, the error line: packages/errors/src/error-log.ts). On a failure, sentry()
// reports one event: through the app's own Sentry client when the process has one (sentry-adapter.ts finds it),
// else through its built-in reporter (reporter.ts, imported at init only when there is a DSN and no app client);
// it records the event's id on the failure's state (`failureOf` of @lambdaware/shared), and writes the error line
// itself (`writeErrorLine`) only when errorLog() is not there to write it. On success it runs no code (no `before`
// or `after` hook) unless the timeout warning is on. The parts: options.ts (options), failure-report.ts (one
// failure's report), timeout-warning.ts (the timeout warning), slots.ts (the queue bound).
import type { MiddlewareObj } from '@middy/core';
import { createSentry } from './middleware.js';
import type { SentryOptions } from './options.js';

export { cloudWatchLogsUrl, invocationData, type InvocationData, type LambdaContextLike } from './context.js';
export { SentryOptionsError, defaults, type SentryOptions } from './options.js';
export { TIMEOUT_WARNING_TYPE } from './timeout-warning.js';
export { MAX_SENTRY_EVENT_BYTES } from './bound-event.js';

/** The event and hint types of @sentry/core, for `beforeSend` (type-only: importing them loads nothing). */
export type { ErrorEvent as SentryErrorEvent, EventHint as SentryEventHint } from '@sentry/core';

/**
 * Reports failures to Sentry. Place it after `errorLog()` (its onError runs first and records the event id that
 * errorLog's line carries); the composition order is in docs/design.md.
 *
 * When the process already has a Sentry client (the app called `Sentry.init` of Sentry 10.x/11.x), the event goes
 * through that client and the invocation's scope; else, with a DSN, through a built-in reporter of its own (loaded
 * at init). An app that has its own client can import `sentry` from `@lambdaware/sentry/app` instead: the same
 * middleware, without the built-in reporter in its bundle.
 */
export const sentry = (options: SentryOptions = {}): MiddlewareObj<unknown, any, Error> =>
  createSentry(options, (config) => import('./builtin.js').then((m) => m.loadBuiltInReporter(config)));

/** @deprecated The packages export by name: `import { sentry } from '@lambdaware/sentry'`. Kept for existing imports. */
export default sentry;
