// `@lambdaware/sentry/app`: sentry() for an app that has its own Sentry client (Sentry.init of @sentry/node or
// @sentry/aws-serverless, 10.x/11.x): the same middleware as `@lambdaware/sentry`, reporting through that client
// only. The built-in reporter (and the @sentry/core parts it uses) is never imported, so a bundle does not hold it.
// Without an app client at the failure, it writes a warning saying so (and the error line as always).
import type { MiddlewareObj } from '@middy/core';
import { createSentry } from './middleware.js';
import type { SentryOptions } from './options.js';

export { SentryOptionsError, defaults, type SentryOptions } from './options.js';
export { TIMEOUT_WARNING_TYPE } from './timeout-warning.js';
export { MAX_SENTRY_EVENT_BYTES } from './bound-event.js';
export type { ErrorEvent as SentryErrorEvent, EventHint as SentryEventHint } from '@sentry/core';

/** sentry() through the app's own Sentry client only (see `@lambdaware/sentry` for the options and the order). */
export const sentry = (options: SentryOptions = {}): MiddlewareObj<unknown, any, Error> => createSentry(options, undefined);
