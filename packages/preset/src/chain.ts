import type { MiddlewareObj, Request } from '@middy/core';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { type OptionRule, OptionsError, is, nameErrorClass, optionsChecker } from '@lambdaware/shared';
import { logContext, type LogContextOptions } from '@lambdaware/logger';
import { errorLog, type ErrorLogOptions } from '@lambdaware/errors';
import type { SentryOptions } from '@lambdaware/sentry';
import { secrets, type FetchSpec, type SecretsOptions, type SecretValues } from '@lambdaware/secrets';
import type { PayloadFormat, RecordOf, PayloadOf, RecordsOptions, Source } from '@lambdaware/records';

/** Lambda's context as Middy types it. */
type LambdaContext = Request['context'];

/** The default secret binding of secrets(): `context.secrets.secret`, from the secret named by SECRET_ARN. */
export type DefaultSecretsFetch = { secret: { env: 'SECRET_ARN' } };

/** Options of lambdaware(): each concern's own options, `true` for its defaults, or `false` to leave it out. */
export interface LambdawareOptions<
  S extends StandardSchemaV1 | undefined = undefined,
  P extends PayloadFormat = 'json',
  Src extends Source | 'auto' = 'auto',
  R extends boolean = true,
  K extends SecretsOptions<Record<string, FetchSpec>> | boolean = false,
> {
  /** @lambdaware/logger logContext(). Default: on. */
  logContext?: LogContextOptions | boolean;
  /** @lambdaware/errors errorLog(). Default: on. */
  errorLog?: ErrorLogOptions | boolean;
  /**
   * @lambdaware/sentry sentry(). Default: on (it reports through the app's own Sentry client when the app called
   * Sentry.init, else only when a DSN is set: SENTRY_DSN or `dsn`).
   */
  sentry?: SentryOptions | boolean;
  /** @lambdaware/secrets secrets(). Default: off; `true` binds `context.secrets.secret` from SECRET_ARN. */
  secrets?: K;
  /** @lambdaware/records records(). Default: on (source detected); `false` for events without records (HTTP). */
  records?: RecordsOptions<S, P, Src> | R;
}

type RecordsPart<S extends StandardSchemaV1 | undefined, P extends PayloadFormat, Src extends Source | 'auto', R extends boolean> = [R] extends [false]
  ? {}
  : { records: RecordOf<Src, PayloadOf<S, P>>[] };

type SecretsPart<K> = K extends { fetch: infer F extends Record<string, FetchSpec> }
  ? { secrets: SecretValues<F> }
  : K extends false | undefined
    ? {}
    : { secrets: SecretValues<DefaultSecretsFetch> };

/** The context the handler gets: Lambda's, plus `records` and `secrets` when those concerns are on. */
export type LambdawareContext<
  S extends StandardSchemaV1 | undefined = undefined,
  P extends PayloadFormat = 'json',
  Src extends Source | 'auto' = 'auto',
  R extends boolean = true,
  K = false,
> = LambdaContext & RecordsPart<S, P, Src, R> & SecretsPart<K>;

/**
 * Thrown by lambdaware() at creation time for an invalid option; `option` names it. The shared OptionsError of
 * @lambdaware/shared (`instanceof OptionsError` holds).
 */
export class LambdawareOptionError extends OptionsError {}
nameErrorClass(LambdawareOptionError, 'LambdawareOptionError');

const checker = optionsChecker('@lambdaware/preset', 'lambdaware', (init) => new LambdawareOptionError(init));

/** The concerns, in the order their middlewares are returned (docs/design.md, "Composition order", says why). */
export const CONCERNS = ['logContext', 'errorLog', 'sentry', 'secrets', 'records'] as const;
export type Concern = (typeof CONCERNS)[number];

const isConcernOption = (v: unknown): boolean => typeof v === 'boolean' || is.object.test(v);

/** Each concern takes true, false or its own options (checked by its own factory). */
const RULES = Object.fromEntries(CONCERNS.map((c) => [c, is.custom(`true, false or the options of ${c}()`, isConcernOption)])) as Record<Concern, OptionRule>;

/** `on`: whether the concern is in the chain; `value`: the options to create it with (`undefined` = its defaults). */
const optionsOf = (options: Record<string, unknown>, name: Concern, onByDefault: boolean): { on: boolean; value: object | undefined } => {
  const v = options[name];
  if (v === undefined) return { on: onByDefault, value: undefined };
  if (typeof v === 'boolean') return { on: v, value: undefined };
  return { on: true, value: v as object };
};

/** The records() of an entry point of @lambdaware/records (the main one, or a per-source one). */
export type RecordsFactory = (options?: never) => MiddlewareObj<any, any, any, any>;

/** The sentry() of an entry point of @lambdaware/sentry (the main one, or `/app`: the app's own client only). */
export type SentryFactory = (options?: SentryOptions) => MiddlewareObj<unknown, any, Error>;

/**
 * The chain lambdaware() returns, with the records() and sentry() of the entry point that calls it
 * (`@lambdaware/preset` the main ones, `@lambdaware/preset/sqs` the SQS records(): its bundle holds that source
 * alone; `@lambdaware/preset/app` the sentry() of `@lambdaware/sentry/app`: no built-in reporter in its bundle).
 */
export const chainOf = (options: unknown, records: RecordsFactory, sentry: SentryFactory): MiddlewareObj<any, any, any, any>[] => {
  const given = checker.options(options ?? {}, RULES);
  const log = optionsOf(given, 'logContext', true);
  const err = optionsOf(given, 'errorLog', true);
  const sen = optionsOf(given, 'sentry', true);
  const sec = optionsOf(given, 'secrets', false);
  const rec = optionsOf(given, 'records', true);

  const chain: MiddlewareObj<any, any, any, any>[] = [];
  if (log.on) chain.push(logContext(log.value as LogContextOptions | undefined));
  if (err.on) chain.push(errorLog(err.value as ErrorLogOptions | undefined));
  if (sen.on) chain.push(sentry(sen.value as SentryOptions | undefined));
  if (sec.on) chain.push(secrets(sec.value as SecretsOptions<Record<string, FetchSpec>> | undefined));
  if (rec.on) chain.push(records(rec.value as never));
  return chain;
};
