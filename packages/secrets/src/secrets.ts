import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { MiddlewareObj, Request } from '@middy/core';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { type OptionRule, is, safeString, trackSecretLoad } from '@lambdaware/shared';
import { SecretsError } from './errors.js';
import { decode, registerValue, validate, type ParseMode } from './parse.js';
import {
  COMMON_RULES,
  DEFAULT_CACHE_TTL_MS,
  DEFAULT_FETCH_MARGIN_MS,
  DEFAULT_PREFETCH_TIMEOUT_MS,
  ID,
  PARSE,
  PATHS,
  SCHEMA,
  checkOneClient,
  invocationBound,
  lazyStore,
  ms,
  secretsChecker,
} from './options.js';
import { requestKey, timeoutError, type Bound, type RawSecret, type SecretRequest } from './store.js';

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

/** A secret: its id (a string), or a spec. */
export type FetchSpec = string | SecretSpec;

/** The type a spec puts on the context. */
export type SecretValue<F> = F extends { schema: infer S extends StandardSchemaV1 }
  ? StandardSchemaV1.InferOutput<S>
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
const SPEC: OptionRule = is.custom('a secret name or ARN, or { id | env, schema?, parse? }', (v) => ID.test(v) || is.object.test(v));

/** A spec resolved at creation: its request, reader, and the last value it produced. */
interface Binding {
  key: string;
  request: SecretRequest;
  /** requestKey(request), computed once. */
  cacheKey: string;
  parse: ParseMode | undefined;
  schema: StandardSchemaV1 | undefined;
  redact: readonly string[] | undefined;
  notSecret: readonly string[] | undefined;
  memo: { raw: RawSecret; value: unknown } | undefined;
}

const bindSpec = (key: string, spec: unknown): Binding => {
  const at = `fetch.${key}`;
  const checker = secretsChecker('secrets', '', key);
  checker.check(at, spec, SPEC, false);
  if (typeof spec === 'string') {
    const request = { id: spec };
    return { key, request, cacheKey: requestKey(request), parse: undefined, schema: undefined, redact: undefined, notSecret: undefined, memo: undefined };
  }
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
  const requests = bindings.map((b) => b.request);
  const { cacheTtlMs, batch, fetchMargin, prefetchTimeout } = options;
  const store = lazyStore(options);

  /**
   * The values object built from the bindings' memos, shared by the warm invocations while every memo stays the
   * same; dropped when one changes (a new raw value was parsed), and built again on the next warm invocation.
   */
  let current: Record<string, unknown> | undefined;

  /** The value of one binding for a raw secret: memoized per raw value, so a cached secret is parsed once. */
  const valueOf = async (b: Binding, raw: RawSecret): Promise<unknown> => {
    if (b.memo?.raw === raw) return b.memo.value;
    const value = await validate(b.request.id, decode(b.request.id, raw, b.parse), b.schema);
    registerValue(b.request.id, b.key, value, b);
    b.memo = { raw, value };
    current = undefined;
    return value;
  };

  /** Warm path: every value cached, fresh and already parsed; no promise, and no allocation while nothing changed. */
  const cachedValues = (): Record<string, unknown> | undefined => {
    const s = store();
    // with Infinity nothing expires: any `now` gives the same answer, so the clock is not read
    const now = cacheTtlMs === Infinity ? 0 : Date.now();
    for (const b of bindings) {
      const raw = s.fresh(b.cacheKey, cacheTtlMs, now);
      if (raw === undefined || b.memo?.raw !== raw) return undefined;
    }
    if (current === undefined) {
      const values: Record<string, unknown> = {};
      for (const b of bindings) values[b.key] = b.memo!.value;
      // frozen: shared by invocations, so a key a handler adds must not reach the next one (it throws instead)
      current = Object.freeze(values);
    }
    return current;
  };

  const loadValues = async (bound: Bound): Promise<Record<string, unknown>> => {
    const pending = store().load(requests, cacheTtlMs, batch, bound);
    const settled = await Promise.allSettled(pending.map((p, i) => p.then((raw) => valueOf(bindings[i]!, raw))));
    const values: Record<string, unknown> = {};
    for (const [i, r] of settled.entries()) {
      const key = bindings[i]!.key;
      if (r.status === 'rejected') {
        const e = r.reason;
        throw e instanceof SecretsError ? e.withKey(key) : new SecretsError(bindings[i]!.request.id, 'Unknown', safeString(e), { key, cause: e });
      }
      values[key] = r.value;
    }
    return values;
  };

  // Cold start: the fetches start now and overlap the rest of init. A failure is kept (not an unhandled
  // rejection) and thrown by the first `before`.
  // Bounded by prefetchTimeout (init has no invocation deadline yet); the first invocation waits for it no longer
  // than its own bound. Tracked, so that a line written before it settles (the cold-start event line) can wait.
  let prefetched: Promise<Record<string, unknown>> | undefined;
  if (options.prefetch) {
    prefetched = loadValues({ deadline: Date.now() + prefetchTimeout, margin: 0, source: `the prefetch's bound (prefetchTimeout ${prefetchTimeout} ms)` });
    prefetched.catch(() => undefined);
    trackSecretLoad(prefetched);
  }

  /** A load in `before`, bounded by the invocation and tracked. */
  const loadInInvocation = (context: LambdaContext): Promise<Record<string, unknown>> => {
    const load = loadValues(invocationBound(context, fetchMargin));
    trackSecretLoad(load);
    return load;
  };

  /** The prefetch, waited for no longer than this invocation's bound (it goes on, and is shared, until its own). */
  const awaitPrefetch = (first: Promise<Record<string, unknown>>, context: LambdaContext): Promise<Record<string, unknown>> => {
    const bound = invocationBound(context, fetchMargin);
    const now = Date.now();
    if (bound.deadline === Infinity) return first;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const ids = bindings.map((b) => b.request.id).join(', ');
        // the next invocation makes new calls rather than waiting on the prefetch's again
        store().abandon(requests);
        const error = timeoutError(ids, bound, now);
        reject(bindings.length === 1 ? error.withKey(bindings[0]!.key) : error);
      }, Math.max(0, bound.deadline - now));
      first.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          // the prefetch gave up at its own bound (init hung): this invocation fetches again, within its bound
          if (e instanceof SecretsError && e.code === 'Timeout') loadValues(bound).then(resolve, reject);
          else reject(e);
        },
      );
    });
  };

  /** One descriptor, reused: `context.secrets` is non-enumerable (logging the context does not print it). */
  const descriptor: PropertyDescriptor = { value: undefined, enumerable: false, writable: true, configurable: true };
  const put = (context: LambdaContext, values: Record<string, unknown>): void => {
    const existing = (context as { secrets?: object }).secrets;
    descriptor.value = existing !== undefined ? { ...existing, ...values } : values;
    Object.defineProperty(context, 'secrets', descriptor);
    descriptor.value = undefined;
  };

  const fetchAndPut = async (request: Request<unknown, any, Error, LambdaContext & { secrets: SecretValues<F> }>): Promise<void> => {
    let values: Record<string, unknown> | undefined;
    if (prefetched !== undefined) {
      const first = prefetched;
      prefetched = undefined;
      const prefetchedValues = await awaitPrefetch(first, request.context);
      // with a TTL of 0 the prefetch is this (first) invocation's fetch; otherwise the cache decides, which
      // matters when init ran long before the first invocation (provisioned concurrency)
      if (cacheTtlMs === 0) values = prefetchedValues;
    }
    values ??= cachedValues() ?? (await loadInInvocation(request.context));
    put(request.context, values);
  };

  /**
   * Synchronous when every value is cached (Middy awaits only a returned promise): returns undefined then, and
   * the fetching path's promise otherwise. A failure is always a rejected promise, never a synchronous throw.
   */
  const secretsBefore = (request: Request<unknown, any, Error, LambdaContext & { secrets: SecretValues<F> }>): Promise<void> | undefined => {
    if (prefetched !== undefined) return fetchAndPut(request);
    try {
      const values = cachedValues();
      if (values === undefined) return fetchAndPut(request);
      put(request.context, values);
      return undefined;
    } catch (e) {
      return Promise.reject(e);
    }
  };

  return { name: 'secrets', before: secretsBefore };
};
