import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { type OptionRule, deadlineIn, is, trackSecretLoad } from '@lambdaware/shared';
import {
  COMMON_RULES,
  DEFAULT_CACHE_TTL_MS,
  DEFAULT_FETCH_MARGIN_MS,
  DEFAULT_GET_TIMEOUT_MS,
  ID,
  PARSE,
  PATHS,
  SCHEMA,
  TRANSPORT,
  checkOneClient,
  lazyStore,
  ms,
  secretsChecker,
} from './options.js';
import { decode, registerValue, validate, type ParseMode } from './parse.js';
import { type Bound, boundOf, invocationBoundOf } from './bound.js';
import type { SecretStore } from './store.js';
import type { Transport } from './extension.js';

export interface GetSecretValuesOptions {
  /** The client to use (default: one created on first use with the SDK's default config, shared by calls). */
  client?: SecretsManagerClient;
  /** Config for a dedicated client created for this call when `client` is not given. */
  clientConfig?: SecretsManagerClientConfig;
  /** Reuse a value fetched (through the same client) less than this long ago. Default 5 minutes; 0: always fetch. */
  cacheTtlMs?: number;
  parse?: ParseMode;
  versionId?: string;
  versionStage?: string;
  /** Only the values at these dotted paths (after the schema) are secret (see SecretSpec). */
  redact?: readonly string[];
  /** The values at these dotted paths are not secret. */
  notSecret?: readonly string[];
  /** The Lambda context: the fetch gives up `fetchMargin` ms before the invocation's deadline. */
  context?: { getRemainingTimeInMillis(): number };
  /** Without `context`: the fetch gives up after this many ms. Default 10000. */
  timeoutMs?: number;
  /** With `context`: ms kept before the deadline. Default 500. */
  fetchMargin?: number;
  /** Through the Parameters and Secrets extension when present (`'auto'`, default), `'sdk'` or `'extension'`. */
  transport?: Transport;
}

export { DEFAULT_GET_TIMEOUT_MS };

const GET_RULES: Record<keyof GetSecretValuesOptions, OptionRule> = {
  ...COMMON_RULES,
  parse: PARSE,
  versionId: is.string(),
  versionStage: is.string(),
  redact: PATHS,
  notSecret: PATHS,
  context: is.custom(
    'the Lambda context (with getRemainingTimeInMillis())',
    (c) => typeof (c as { getRemainingTimeInMillis?: unknown } | null)?.getRemainingTimeInMillis === 'function',
  ),
  timeoutMs: ms(1),
  fetchMargin: ms(0),
  transport: TRANSPORT,
};

/** What getSecretValues resolves to: the schema's output, else the parsed JSON (or text/bytes, per `parse`). */
export type SecretValuesOf<S, O> = S extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<S>
  : O extends { parse: 'text' }
    ? string
    : O extends { parse: 'binary' }
      ? Uint8Array
      : any; // eslint-disable-line @typescript-eslint/no-explicit-any

let sharedStore: (() => SecretStore) | undefined;

/**
 * golambda's `GetSecretValues(arn, &v)`: fetches one secret (cached like the middleware's), parses it, validates
 * it with the schema when given, registers it for redaction and returns it. Rejects with a SecretsError.
 *
 * ```ts
 * const db = await getSecretValues(process.env.DB_SECRET_ARN!, z.object({ password: z.string() }));
 * ```
 */
export const getSecretValues = async <S extends StandardSchemaV1 | undefined = undefined, const O extends GetSecretValuesOptions = {}>(
  id: string,
  schema?: S,
  options?: O,
): Promise<SecretValuesOf<S, O>> => {
  secretsChecker('getSecretValues').check('id', id, ID, false);
  const checker = secretsChecker('getSecretValues', id);
  checker.check('schema', schema, SCHEMA);
  // options it does not know are ignored, as they always were (only the known ones are checked)
  const opts: GetSecretValuesOptions = options ?? {};
  for (const [name, rule] of Object.entries(GET_RULES)) checker.check(name, opts[name as keyof GetSecretValuesOptions], rule);
  checkOneClient(checker, opts);
  const cacheTtlMs = opts.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_GET_TIMEOUT_MS;
  const bound: Bound =
    opts.context !== undefined
      ? invocationBoundOf(opts.context, opts.fetchMargin ?? DEFAULT_FETCH_MARGIN_MS)
      : boundOf(deadlineIn(timeoutMs, `getSecretValues' timeoutMs (${timeoutMs} ms)`), 0);
  const store =
    opts.client !== undefined || opts.clientConfig !== undefined || opts.transport !== undefined ? lazyStore(opts)() : (sharedStore ??= lazyStore({}))();
  const [pending] = store.load([{ id, versionId: opts.versionId, versionStage: opts.versionStage }], cacheTtlMs, true, bound);
  const load = (async () => {
    const raw = await pending!;
    const value = await validate(id, decode(id, raw, opts.parse), schema);
    registerValue(id, undefined, value, opts);
    return value as SecretValuesOf<S, O>;
  })();
  // a line written meanwhile (the logger's event line) can wait for the value to be registered
  trackSecretLoad(load);
  return load;
};
