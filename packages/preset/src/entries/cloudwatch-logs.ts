// `@lambdaware/preset/cloudwatch-logs`: lambdaware() with the records() of `@lambdaware/records/cloudwatch-logs`, for a function of CloudWatch Logs
// events: its bundle holds the CloudWatch Logs source and nothing of the other sources; `context.records` is typed as its records.
import type { MiddlewareObj } from '@middy/core';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { PayloadFormat } from '@lambdaware/records';
import { records } from '@lambdaware/records/cloudwatch-logs';
import { sentry } from '@lambdaware/sentry';
import type { FetchSpec, SecretsOptions } from '@lambdaware/secrets';
import { type LambdawareContext, type LambdawareOptions, chainOf } from '../chain.js';

export { CONCERNS, LambdawareOptionError, type Concern, type DefaultSecretsFetch, type LambdawareContext, type LambdawareOptions } from '../chain.js';

/** lambdaware() (see `@lambdaware/preset`) for CloudWatch Logs events alone. */
export function lambdaware<
  S extends StandardSchemaV1 | undefined = undefined,
  P extends PayloadFormat = 'json',
  R extends boolean = true,
  const K extends SecretsOptions<Record<string, FetchSpec>> | boolean = false,
>(options: LambdawareOptions<S, P, 'cloudwatch-logs', R, K> = {}): MiddlewareObj<unknown, any, Error, LambdawareContext<S, P, 'cloudwatch-logs', R, K>>[] {
  return chainOf(options, records, sentry) as MiddlewareObj<unknown, any, Error, LambdawareContext<S, P, 'cloudwatch-logs', R, K>>[];
}
