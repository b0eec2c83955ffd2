// `@lambdaware/preset/app`: lambdaware() for an app that has its own Sentry client (Sentry.init of @sentry/node or
// @sentry/aws-serverless, 10.x/11.x): the same chain as `@lambdaware/preset`, with the sentry() of
// `@lambdaware/sentry/app`, which reports through that client only: the built-in reporter (and the @sentry/core parts
// it uses) is not in the bundle.
import type { MiddlewareObj } from '@middy/core';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { records, type PayloadFormat, type Source } from '@lambdaware/records';
import { sentry } from '@lambdaware/sentry/app';
import type { FetchSpec, SecretsOptions } from '@lambdaware/secrets';
import { type LambdawareContext, type LambdawareOptions, chainOf } from './chain.js';

export { CONCERNS, LambdawareOptionError, type Concern, type DefaultSecretsFetch, type LambdawareContext, type LambdawareOptions } from './chain.js';

/** lambdaware() (see `@lambdaware/preset`) reporting failures through the app's own Sentry client only. */
export function lambdaware<
  S extends StandardSchemaV1 | undefined = undefined,
  P extends PayloadFormat = 'json',
  Src extends Source | 'auto' = 'auto',
  R extends boolean = true,
  const K extends SecretsOptions<Record<string, FetchSpec>> | boolean = false,
>(options: LambdawareOptions<S, P, Src, R, K> = {}): MiddlewareObj<unknown, any, Error, LambdawareContext<S, P, Src, R, K>>[] {
  return chainOf(options, records, sentry) as MiddlewareObj<unknown, any, Error, LambdawareContext<S, P, Src, R, K>>[];
}
