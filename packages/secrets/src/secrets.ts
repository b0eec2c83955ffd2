import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { MiddlewareObj, Request } from '@middy/core';
import { type OptionRule, is } from '@lambdaware/shared';
import {
  COMMON_RULES,
  DEFAULT_CACHE_TTL_MS,
  DEFAULT_FETCH_MARGIN_MS,
  DEFAULT_PREFETCH_TIMEOUT_MS,
  TRANSPORT,
  checkOneClient,
  lazyStores,
  ms,
  secretsChecker,
} from './options.js';
import type { Transport } from './extension.js';
import { SecretsLoader } from './loader.js';
import { loadSecretsManager } from './store.js';
import { preloadSsmModule } from './ssm.js';
import type { AppConfigDataClientLike, SsmClientLike } from './clients.js';
import { mergeSecrets } from './rotation.js';
import { type FetchSpec, type SecretValues, bindSpec } from './spec.js';

export { DEFAULT_CACHE_TTL_MS };
export { secret, type SecretSpec, type ParameterSpec, type ConfigSpec, type FetchSpec, type SecretValue, type SecretValues } from './spec.js';

export interface SecretsOptions<F extends Record<string, FetchSpec>> {
  /** Context key to secret. Default: `{ secret: { env: 'SECRET_ARN' } }`. */
  fetch?: F;
  /** The client to use. Default: one created on first use with the SDK's default config (or `clientConfig`). */
  client?: SecretsManagerClient;
  /** Config for the client created when `client` is not given (e.g. `{ maxAttempts: 5 }`, `{ endpoint }`). */
  clientConfig?: SecretsManagerClientConfig;
  /**
   * The SSM client for `ssm` / `ssmPath` specs. Default: one created on first use with the SDK's default
   * configuration (`AWS_ENDPOINT_URL_SSM` when set); the SSM SDK client (an optional peer) is imported only then.
   */
  ssmClient?: SsmClientLike;
  /** The AppConfig Data client for `appConfig` specs (default: created on first use, its SDK imported only then). */
  appConfigClient?: AppConfigDataClientLike;
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
  appConfigClient: is.custom('an AppConfigDataClient (an object with send())', (c) => typeof (c as { send?: unknown } | null)?.send === 'function'),
  transport: TRANSPORT,
  prefetch: is.boolean,
  batch: is.boolean,
  fetchMargin: ms(0),
  prefetchTimeout: ms(1),
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
  // the SDK clients its specs need start loading now (at init), whether or not it prefetches; only those
  if (bindings.some((b) => b.kind === 'secret')) void loadSecretsManager().catch(() => undefined);
  if (bindings.some((b) => b.kind === 'parameter')) preloadSsmModule();

  const source = new SecretsLoader(bindings, lazyStores(options), options);

  /** One descriptor, reused: `context.secrets` is non-enumerable (logging the context does not print it). */
  const descriptor: PropertyDescriptor = { value: undefined, enumerable: false, writable: true, configurable: true };
  const put = (context: LambdaContext, values: Record<string, unknown>): void => {
    const existing = (context as { secrets?: object }).secrets;
    descriptor.value = existing !== undefined ? mergeSecrets(existing, values) : values;
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
