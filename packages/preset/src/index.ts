import type { MiddlewareObj } from '@middy/core';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { records, type PayloadFormat, type Source } from '@lambdaware/records';
import { sentry } from '@lambdaware/sentry';
import type { FetchSpec, SecretsOptions } from '@lambdaware/secrets';
import { type LambdawareContext, type LambdawareOptions, chainOf } from './chain.js';

export {
  CONCERNS,
  LambdawareOptionError,
  type Concern,
  type DefaultSecretsFetch,
  type LambdawareContext,
  type LambdawareOptions,
} from './chain.js';

/**
 * The middlewares of the five lambdaware concerns, in the order they must run, for
 * `middy(handler).use(lambdaware(options))`: logContext(), errorLog(), sentry(), secrets(), records().
 *
 * Middy runs `before` hooks in this order and `onError` hooks in reverse: sentry() captures the error first and
 * records its event id, errorLog() then writes the one error line carrying it (with the invocation's keys still
 * set), and logContext() runs last and clears the invocation's keys. A bad record or a failed secret fetch throws
 * in `before`, after logContext/errorLog/sentry are set up, so it is reported and logged like a handler failure.
 *
 * Each concern takes its own options, `true` (its defaults) or `false` (left out). Defaults: logContext, errorLog,
 * sentry (reports through the app's Sentry client, or with a DSN) and records on; secrets off (`true` binds `context.secrets.secret` from the
 * secret named by SECRET_ARN). The handler's `context.records` and `context.secrets` are typed from the options.
 */
export function lambdaware<
  S extends StandardSchemaV1 | undefined = undefined,
  P extends PayloadFormat = 'json',
  Src extends Source | 'auto' = 'auto',
  R extends boolean = true,
  const K extends SecretsOptions<Record<string, FetchSpec>> | boolean = false,
>(options: LambdawareOptions<S, P, Src, R, K> = {}): MiddlewareObj<unknown, any, Error, LambdawareContext<S, P, Src, R, K>>[] {
  return chainOf(options, records, sentry) as MiddlewareObj<unknown, any, Error, LambdawareContext<S, P, Src, R, K>>[];
}
