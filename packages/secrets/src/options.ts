import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { type OptionRule, type OptionsChecker, is, optionsChecker } from '@lambdaware/shared';
import { SecretsError } from './errors.js';
import { type SecretStore, defaultClientKey, makeDefaultClient, storeFor } from './store.js';
import { type ParameterStore, parameterStoreFor } from './ssm.js';
import type { Transport } from './extension.js';
import type { AppConfigDataClientLike, SsmClientLike } from './clients.js';
import { type AppConfigStore, appConfigStoreFor } from './appconfig.js';
import type { Stores } from './loader.js';

/**
 * What secrets() and getSecretValues() share: the defaults, the option checks (the shared checker of
 * @lambdaware/shared, throwing a SecretsError with code `InvalidOptions` marked as an OptionsError), the bound of a
 * fetch and the store behind the client options.
 */

export const DEFAULT_CACHE_TTL_MS = 5 * 60 * 1000;
/** ms kept between a fetch giving up and the invocation's deadline, for the error line and the Sentry event. */
export const DEFAULT_FETCH_MARGIN_MS = 500;
/** The prefetch runs during init, which Lambda bounds to 10 s: it gives up after 9 s unless an invocation waits longer. */
export const DEFAULT_PREFETCH_TIMEOUT_MS = 9000;
/** getSecretValues' bound without a context. */
export const DEFAULT_GET_TIMEOUT_MS = 10_000;
/** The options checker of `fn` (`secrets`, `getSecretValues`); `key` is the context key an error is about. */
export const secretsChecker = (fn: 'secrets' | 'getSecretValues', secretId = '', key?: string): OptionsChecker =>
  optionsChecker('@lambdaware/secrets', fn, (init) => SecretsError.forOption(init, secretId, key));

export const PARSE: OptionRule = is.oneOf(['json', 'text', 'binary']);
export const SCHEMA: OptionRule = is.custom(
  "a Standard Schema (zod, valibot, arktype...: an object with ['~standard'].validate)",
  (s) => typeof (s as { '~standard'?: { validate?: unknown } } | null)?.['~standard']?.validate === 'function',
);
/** A secret's name or ARN. */
export const ID: OptionRule = is.custom('a secret name or ARN', (v) => typeof v === 'string' && v !== '');
/** A number of ms >= min; Infinity allowed (never give up, keep forever). */
export const ms = (min: number): OptionRule => is.custom(`a number of milliseconds >= ${min}`, (v) => typeof v === 'number' && v >= min);
/** `redact` / `notSecret`: an array of dotted paths (`'password'`, `'db.password'`). */
export const PATHS: OptionRule = is.arrayOf(is.string(), "an array of field paths (e.g. ['password', 'db.token'])");

/** The options secrets() and getSecretValues() both take. */
export const COMMON_RULES = {
  client: is.custom('a SecretsManagerClient (an object with send())', (c) => typeof (c as { send?: unknown } | null)?.send === 'function'),
  clientConfig: is.object,
  cacheTtlMs: is.custom('a number of milliseconds >= 0 (Infinity: forever)', (v) => typeof v === 'number' && v >= 0),
} as const;

/** `client` and `clientConfig` exclude each other. */
export const checkOneClient = (checker: OptionsChecker, options: { client?: unknown; clientConfig?: unknown }): void => {
  if (options.client !== undefined && options.clientConfig !== undefined) {
    throw checker.error('client', { problem: 'and option "clientConfig" cannot both be given: give one' });
  }
};

/** The store behind options: the given client's, a dedicated client's, or the default client's (all lazy). */
export const lazyStore = (options: {
  client?: SecretsManagerClient;
  clientConfig?: SecretsManagerClientConfig;
  transport?: Transport;
}): (() => SecretStore) => {
  let store: SecretStore | undefined;
  const transport = options.transport ?? 'auto';
  const { client, clientConfig } = options;
  return () =>
    (store ??=
      client !== undefined
        ? storeFor(client, transport)
        : clientConfig !== undefined
          ? storeFor({}, transport, (m) => new m.SecretsManagerClient(clientConfig))
          : storeFor(defaultClientKey(), transport, makeDefaultClient));
};

/**
 * The stores behind options: Secrets Manager's (lazyStore), SSM's (the given ssmClient's or the default client's)
 * and AppConfig's; each created, and its SDK client imported, on first use.
 */
export const lazyStores = (options: {
  client?: SecretsManagerClient;
  clientConfig?: SecretsManagerClientConfig;
  ssmClient?: SsmClientLike;
  appConfigClient?: AppConfigDataClientLike;
  transport?: Transport;
}): Stores => {
  let parameters: ParameterStore | undefined;
  let configs: AppConfigStore | undefined;
  return {
    secret: lazyStore(options),
    parameter: () => (parameters ??= parameterStoreFor(options.ssmClient, options.transport ?? 'auto')),
    configuration: () => (configs ??= appConfigStoreFor(options.appConfigClient)),
  };
};

/** `transport`: how values are fetched. */
export const TRANSPORT: OptionRule = is.oneOf(['auto', 'sdk', 'extension']);
