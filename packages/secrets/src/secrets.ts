import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { MiddlewareObj, Request } from '@middy/core';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { type OptionRule, is } from '@lambdaware/shared';
import { type ParseMode } from './parse.js';
import {
  COMMON_RULES,
  DEFAULT_CACHE_TTL_MS,
  DEFAULT_FETCH_MARGIN_MS,
  DEFAULT_PREFETCH_TIMEOUT_MS,
  ID,
  PARSE,
  PATHS,
  SCHEMA,
  TRANSPORT,
  checkOneClient,
  lazyParameterStore,
  lazyStore,
  ms,
  secretsChecker,
} from './options.js';
import { requestKey } from './store.js';
import { type ParameterRequest, parameterKey } from './ssm.js';
import type { ParameterParse } from './ssm-value.js';
import type { Transport } from './extension.js';
import { type Binding, SecretsLoader } from './loader.js';

export { DEFAULT_CACHE_TTL_MS };

declare const valueType: unique symbol;

/** One secret to fetch: where it is, how to read it, and what it must look like. */
export interface SecretSpec<S extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined> {
  /** The secret's name or ARN (full or partial). */
  id?: string | undefined;
  /** Or: the environment variable holding its name or ARN (read when the middleware is created). */
  env?: string;
  /** A Standard Schema (zod, valibot, arktype...) the parsed value must match; its output is the typed value. */
  schema?: S;
  /** How the value is read (see ParseMode); default: JSON (SecretBinary: JSON if it parses, else bytes). */
  parse?: ParseMode;
  versionId?: string;
  versionStage?: string;
  /**
   * Only the values at these dotted paths of the value (after the schema) are secret, e.g. `['password']`.
   * Default: every value the spec keeps. `[]`: none (the raw SecretString is still masked as a whole).
   */
  redact?: readonly string[];
  /** The values at these dotted paths are not secret (e.g. `['host', 'dbname']`): never masked. */
  notSecret?: readonly string[];
  /** Type-only: the value's type, set by `secret<T>()`. */
  readonly [valueType]?: unknown;
}

/**
 * An SSM Parameter Store parameter (`ssm`) or every parameter under a path (`ssmPath`), in the same model: typed,
 * validated, cached, batched (10 names per GetParameters call), bounded, masked. A SecureString is decrypted and
 * masked like a secret; a String or StringList is not masked unless `secret: true`.
 */
export interface ParameterSpec<S extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined> {
  /** The parameter's name (`/app/db/url`) or ARN. */
  ssm?: string;
  /** Or: every parameter under this path, as an object of name (relative to the path: `db/url`) to value. */
  ssmPath?: string;
  /** With `ssmPath`: every level below it (default true), or only the next one. */
  recursive?: boolean;
  /** A Standard Schema the value (after `parse`) must match; its output is the typed value. */
  schema?: S;
  /** How the value is read: as stored (default), `'list'` (split on commas: a StringList), `'json'`. */
  parse?: ParameterParse;
  /** Mask a String or StringList's value too (a SecureString's always is). Default false. */
  secret?: boolean;
  /** As for a secret: only these dotted paths of the value are masked. */
  redact?: readonly string[];
  /** As for a secret: these dotted paths are never masked. */
  notSecret?: readonly string[];
}

/** A secret: its id (a string), or a spec; or an SSM parameter spec. */
export type FetchSpec = string | SecretSpec | ParameterSpec;

/** The type of one parameter's value read as its spec's `parse` says. */
type ParameterValue<F> = F extends { parse: 'list' } ? string[] : F extends { parse: 'json' } ? any : string; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The type a spec puts on the context. */
export type SecretValue<F> = F extends { schema: infer S extends StandardSchemaV1 }
  ? StandardSchemaV1.InferOutput<S>
  : F extends { ssm: string }
    ? ParameterValue<F>
    : F extends { ssmPath: string }
      ? Record<string, ParameterValue<F>>
  : F extends { parse: 'text' }
    ? string
    : F extends { parse: 'binary' }
      ? Uint8Array
      : F extends { readonly [valueType]?: infer T }
        ? unknown extends T
          ? any // eslint-disable-line @typescript-eslint/no-explicit-any -- unvalidated JSON: the user's to narrow
          : T
        : any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `context.secrets` for a `fetch` option. */
export type SecretValues<F extends Record<string, FetchSpec>> = { [K in keyof F]: SecretValue<F[K]> };

/**
 * Types a secret without a schema (no runtime check): `fetch: { api: secret<{ token: string }>('my/api') }`.
 */
export const secret = <T>(
  id: string,
  spec: Pick<SecretSpec<undefined>, 'parse' | 'versionId' | 'versionStage' | 'redact' | 'notSecret'> = {},
): SecretSpec<undefined> & { readonly [valueType]?: T } => ({ ...spec, id }) as SecretSpec<undefined> & { readonly [valueType]?: T };

export interface SecretsOptions<F extends Record<string, FetchSpec>> {
  /** Context key to secret. Default: `{ secret: { env: 'SECRET_ARN' } }`. */
  fetch?: F;
  /** The client to use. Default: one created on first use with the SDK's default config (or `clientConfig`). */
  client?: SecretsManagerClient;
  /** Config for the client created when `client` is not given (e.g. `{ maxAttempts: 5 }`, `{ endpoint }`). */
  clientConfig?: SecretsManagerClientConfig;
  /**
   * The SSM client for `ssm` / `ssmPath` specs. Default: one created on first use with the SDK's default
   * configuration (`AWS_ENDPOINT_URL_SSM` when set); `@aws-sdk/client-ssm` is imported only then.
   */
  ssmClient?: SSMClient;
  /**
   * How values are fetched: `'auto'` (default) through the Parameters and Secrets Lambda Extension when it is
   * present, else the SDK; `'sdk'`; `'extension'` (fails when it is not running). See "Transport" in the README.
   */
  transport?: Transport;
  /** How long a fetched value is used before it is fetched again (ms). 0: every invocation; Infinity: forever. */
  cacheTtlMs?: number;
  /** Start the fetches when the middleware is created (cold start), overlapping the rest of init. */
  prefetch?: boolean;
  /** Fetch 2+ secrets due at once with one BatchGetSecretValue. */
  batch?: boolean;
  /**
   * A fetch in `before` gives up this many ms before the invocation's deadline (a `Timeout` SecretsError), so that
   * the failure is logged and reported instead of a Lambda timeout.
   */
  fetchMargin?: number;
  /** The prefetch at creation (no invocation yet) gives up after this many ms. */
  prefetchTimeout?: number;
}

/** Lambda's context type as Middy sees it. */
type LambdaContext = Request['context'];

const defaults = {
  cacheTtlMs: DEFAULT_CACHE_TTL_MS,
  prefetch: true,
  batch: true,
  fetchMargin: DEFAULT_FETCH_MARGIN_MS,
  prefetchTimeout: DEFAULT_PREFETCH_TIMEOUT_MS,
};

const SECRETS_RULES: Record<keyof SecretsOptions<Record<string, FetchSpec>>, OptionRule | null> = {
  fetch: is.custom(
    'an object of context key to secret name/ARN or spec, with at least one key',
    (f) => is.object.test(f) && Object.keys(f as object).length > 0,
  ),
  ...COMMON_RULES,
  ssmClient: is.custom('an SSMClient (an object with send())', (c) => typeof (c as { send?: unknown } | null)?.send === 'function'),
  transport: TRANSPORT,
  prefetch: is.boolean,
  batch: is.boolean,
  fetchMargin: ms(0),
  prefetchTimeout: ms(1),
};
const SPEC_RULES: Record<Exclude<keyof SecretSpec, typeof valueType>, OptionRule | null> = {
  id: null,
  env: null,
  schema: SCHEMA,
  parse: PARSE,
  versionId: is.string(),
  versionStage: is.string(),
  redact: PATHS,
  notSecret: PATHS,
};
const PARAMETER_RULES: Record<keyof ParameterSpec, OptionRule | null> = {
  ssm: null,
  ssmPath: null,
  recursive: is.boolean,
  schema: SCHEMA,
  parse: is.oneOf(['text', 'json', 'list']),
  secret: is.boolean,
  redact: PATHS,
  notSecret: PATHS,
};
const SPEC: OptionRule = is.custom('a secret name or ARN, or { id | env, schema?, parse? }, or { ssm | ssmPath, ... }', (v) => ID.test(v) || is.object.test(v));

/** `{ ssm }` / `{ ssmPath }`: a parameter or a path. */
const bindParameter = (key: string, spec: object, checker: ReturnType<typeof secretsChecker>, at: string): Binding => {
  const s = checker.options(spec, PARAMETER_RULES, at) as ParameterSpec;
  if (s.ssm !== undefined && s.ssmPath !== undefined) throw checker.error(`${at}.ssm`, { problem: `and option "${at}.ssmPath" cannot both be given: give one` });
  if (s.ssm !== undefined) {
    checker.check(`${at}.ssm`, s.ssm, is.custom('an SSM parameter name or ARN', (v) => typeof v === 'string' && v !== ''), false);
    if (s.recursive !== undefined) throw checker.error(`${at}.recursive`, { problem: `applies to "${at}.ssmPath" only` });
  } else {
    checker.check(`${at}.ssmPath`, s.ssmPath, is.custom("an SSM parameter path starting with '/'", (v) => typeof v === 'string' && v.startsWith('/')), false);
  }
  const parameter: ParameterRequest = s.ssm !== undefined ? { name: s.ssm } : { path: s.ssmPath!, recursive: s.recursive ?? true };
  return {
    key,
    request: { id: s.ssm ?? s.ssmPath! },
    parameter,
    secret: s.secret,
    cacheKey: parameterKey(parameter),
    parse: s.parse,
    schema: s.schema,
    redact: s.redact,
    notSecret: s.notSecret,
    memo: undefined,
  };
};

const bindSpec = (key: string, spec: unknown): Binding => {
  const at = `fetch.${key}`;
  const checker = secretsChecker('secrets', '', key);
  checker.check(at, spec, SPEC, false);
  if (typeof spec === 'string') {
    const request = { id: spec };
    return { key, request, cacheKey: requestKey(request), parse: undefined, schema: undefined, redact: undefined, notSecret: undefined, memo: undefined };
  }
  if ('ssm' in (spec as object) || 'ssmPath' in (spec as object)) return bindParameter(key, spec as object, checker, at);
  const s = checker.options(spec, SPEC_RULES, at) as SecretSpec;
  let id = s.id;
  if (s.env !== undefined) {
    if (s.id !== undefined) throw checker.error(`${at}.id`, { problem: `and option "${at}.env" cannot both be given: give one` });
    checker.check(`${at}.env`, s.env, is.custom('an environment variable name', (v) => typeof v === 'string' && v !== ''));
    id = process.env[s.env];
    if (id === undefined || id === '') throw checker.error(`${at}.env`, { problem: `names the environment variable ${s.env}, which is not set` });
  } else {
    checker.check(`${at}.id`, id, ID, false);
  }
  const request = { id: id!, versionId: s.versionId, versionStage: s.versionStage };
  return {
    key,
    request,
    cacheKey: requestKey(request),
    parse: s.parse,
    schema: s.schema,
    redact: s.redact,
    notSecret: s.notSecret,
    memo: undefined,
  };
};

/**
 * Middy middleware: fetches secrets from AWS Secrets Manager (at cold start, then when their TTL has passed),
 * parses and validates them, registers every value for redaction, and puts them on `context.secrets`
 * (non-enumerable, so logging the context does not print them).
 *
 * ```ts
 * middy(handler).use(secrets({ fetch: { slack: 'prod/slack', db: { env: 'DB_SECRET_ARN', schema: DbSecret } } }))
 * // handler: context.secrets.slack.token, context.secrets.db.password (typed by the schema)
 * ```
 */
export const secrets = <const F extends Record<string, FetchSpec> = { secret: { env: 'SECRET_ARN' } }>(
  opts: SecretsOptions<F> = {},
): MiddlewareObj<unknown, any, Error, LambdaContext & { secrets: SecretValues<F> }> => {
  const checker = secretsChecker('secrets');
  checker.options(opts, SECRETS_RULES);
  checkOneClient(checker, opts);
  const options = { ...defaults, ...opts };
  const fetch: Record<string, unknown> = options.fetch ?? { secret: { env: 'SECRET_ARN' } };
  const bindings = Object.entries(fetch).map(([key, spec]) => bindSpec(key, spec));

  const source = new SecretsLoader(bindings, lazyStore(options), options, lazyParameterStore(options));

  /** One descriptor, reused: `context.secrets` is non-enumerable (logging the context does not print it). */
  const descriptor: PropertyDescriptor = { value: undefined, enumerable: false, writable: true, configurable: true };
  const put = (context: LambdaContext, values: Record<string, unknown>): void => {
    const existing = (context as { secrets?: object }).secrets;
    descriptor.value = existing !== undefined ? { ...existing, ...values } : values;
    Object.defineProperty(context, 'secrets', descriptor);
    descriptor.value = undefined;
  };

  const fetchAndPut = async (request: Request<unknown, any, Error, LambdaContext & { secrets: SecretValues<F> }>): Promise<void> => {
    put(request.context, await source.load(request.context));
  };

  /**
   * Synchronous when every value is cached (Middy awaits only a returned promise): returns undefined then, and
   * the fetching path's promise otherwise. A failure is always a rejected promise, never a synchronous throw.
   */
  const secretsBefore = (request: Request<unknown, any, Error, LambdaContext & { secrets: SecretValues<F> }>): Promise<void> | undefined => {
    try {
      const cached = source.cached();
      if (cached === undefined) return fetchAndPut(request);
      put(request.context, cached);
      return undefined;
    } catch (e) {
      return Promise.reject(e);
    }
  };

  return { name: 'secrets', before: secretsBefore };
};
