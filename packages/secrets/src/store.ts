import type { SecretsManagerClient, SecretValueEntry } from '@aws-sdk/client-secrets-manager';
import { classifySecret, getLogSink, registerSecret } from '@lambdaware/shared';
import { SecretsError, toSecretsError } from './errors.js';
import { type Bound, type Call, UNBOUNDED, startCall, timeoutError, waitFor } from './bound.js';
import { FetchCache, storesBy } from './fetch-cache.js';
import { type Transport, extensionGet, unreachable, usesExtension } from './extension.js';

/** What Secrets Manager returned for one secret, as received (registered for redaction on arrival). */
export interface RawSecret {
  arn: string | undefined;
  name: string | undefined;
  versionId: string | undefined;
  string: string | undefined;
  binary: Uint8Array | undefined;
  /** Date.now() when it arrived. */
  fetchedAt: number;
}

/** One secret to fetch: an id (name or ARN) and optionally a version. */
export interface SecretRequest {
  id: string;
  versionId?: string;
  versionStage?: string;
}

const BATCH_LIMIT = 20;
/** Errors of a whole BatchGetSecretValue call after which one GetSecretValue per secret is worth trying. */
const BATCH_FALLBACK = new Set(['AccessDenied', 'InvalidRequest', 'Unknown']);

export const requestKey = (r: SecretRequest): string => `${r.id}\u0000${r.versionId ?? ''}\u0000${r.versionStage ?? ''}`;

/** Registers the raw value (and its base64 form, which is how lambdaware serializes bytes) for redaction. */
const received = (value: { ARN?: string; Name?: string; VersionId?: string; SecretString?: string; SecretBinary?: Uint8Array }): RawSecret => {
  // the whole raw text, when it is long enough to be masked inside text (a JSON document, a long token); a short
  // one is registered by decode() as what its parse mode makes of it (a plain-text "5432" as a whole value, a
  // JSON "true" not at all)
  if (value.SecretString !== undefined && classifySecret(value.SecretString) === 'text') registerSecret(value.SecretString);
  if (value.SecretBinary !== undefined && value.SecretBinary.length > 0) registerSecret(value.SecretBinary);
  return {
    arn: value.ARN,
    name: value.Name,
    versionId: value.VersionId,
    string: value.SecretString,
    binary: value.SecretBinary,
    fetchedAt: Date.now(),
  };
};

/** Does a BatchGetSecretValue entry answer the id as requested (a name, a full ARN or a partial ARN)? */
const answers = (id: string, entry: { ARN?: string; Name?: string; SecretId?: string }): boolean =>
  entry.SecretId === id ||
  entry.Name === id ||
  entry.ARN === id ||
  (id.startsWith('arn:') && entry.ARN !== undefined && entry.ARN.startsWith(`${id}-`) && entry.ARN.length === id.length + 7);

/**
 * The values fetched through one client: cached with a TTL chosen by each reader, one call in flight per secret
 * shared by everyone asking, failures never kept, and 2+ secrets due at once fetched with BatchGetSecretValue.
 */
export class SecretStore extends FetchCache<SecretRequest, RawSecret> {
  /** Set once BatchGetSecretValue was refused as a whole: then one GetSecretValue per secret. */
  private batchRefused = false;

  #client: SecretsManagerClient | undefined;

  constructor(
    private readonly source: ClientSource,
    readonly transport: Transport = 'sdk',
  ) {
    super({ service: 'Secrets Manager', kind: 'secret' });
  }

  /** The SDK module (imported on first use) and the client (made from it on first use, unless one was given). */
  private async sdk(): Promise<{ m: SmModule; client: SecretsManagerClient }> {
    const m = await loadSecretsManager();
    const source = this.source;
    this.#client ??= typeof source === 'function' ? source(m) : source;
    return { m, client: this.#client };
  }

  protected keyOf(r: SecretRequest): string {
    return requestKey(r);
  }

  protected idOf(r: SecretRequest): string {
    return r.id;
  }

  /**
   * One promise per request (same order): cached, in flight, or fetched now (in one batch when 2+ are due). Each
   * wait ends by `bound.deadline` (a Timeout SecretsError then); a request in flight is aborted at the latest
   * deadline of everyone waiting on it, and from then on shared by no one: the next load makes a new call.
   */
  load(requests: SecretRequest[], ttlMs: number, batch = true, bound: Bound = UNBOUNDED): Promise<RawSecret>[] {
    return this.loadWith(requests, ttlMs, bound, (due, now) => {
      const batchable = due.filter((r) => r.versionId === undefined && r.versionStage === undefined);
      // the extension has no batch: one loopback GET per secret, in parallel
      const useBatch = batch && !this.batchRefused && batchable.length >= 2 && !usesExtension(this.transport);
      const single = useBatch ? due.filter((r) => !batchable.includes(r)) : due;
      for (const r of single) {
        const call = startCall(bound, now);
        this.track(r, this.getOne(r, call), call);
      }
      if (useBatch) {
        for (let i = 0; i < batchable.length; i += BATCH_LIMIT) {
          const chunk = batchable.slice(i, i + BATCH_LIMIT);
          const call = startCall(bound, now);
          const results = this.getBatch(chunk, call);
          chunk.forEach((r, j) => this.track(r, results[j]!, call));
        }
      }
    });
  }

  /**
   * Fetches a secret again now, through the SDK whatever the transport (the extension would answer from its own
   * cache): the rotation path. The new value is cached for everyone; the wait ends by `bound`.
   */
  refetch(r: SecretRequest, bound: Bound): Promise<RawSecret> {
    const now = Date.now();
    const call = startCall(bound, now);
    const promise = this.getOne(r, call, true);
    this.track(r, promise, call);
    return waitFor(promise, r.id, bound, now, () => this.abandon([r]));
  }

  private async getOne(r: SecretRequest, call: Call, sdkOnly = false): Promise<RawSecret> {
    try {
      if (call.gaveUp) throw new Error('given up');
      if (!sdkOnly && usesExtension(this.transport)) {
        const viaExtension = await this.getThroughExtension(r, call);
        if (viaExtension !== undefined) return viaExtension;
      }
      const { m, client } = await this.sdk();
      const out = await client.send(new m.GetSecretValueCommand({ SecretId: r.id, VersionId: r.versionId, VersionStage: r.versionStage }), {
        abortSignal: call.controller.signal,
      });
      return received(out);
    } catch (e) {
      if (call.gaveUp) throw timeoutError(r.id, call.bound, call.startedAt, e);
      throw toSecretsError(r.id, e);
    }
  }

  /** GetSecretValue through the extension; undefined when 'auto' finds it unreachable (then the SDK is used). */
  private async getThroughExtension(r: SecretRequest, call: Call): Promise<RawSecret | undefined> {
    const query = new URLSearchParams({ secretId: r.id });
    if (r.versionId !== undefined) query.set('versionId', r.versionId);
    if (r.versionStage !== undefined) query.set('versionStage', r.versionStage);
    try {
      const out = (await extensionGet(`/secretsmanager/get?${query.toString()}`, call.controller.signal)) as {
        ARN?: string;
        Name?: string;
        VersionId?: string;
        SecretString?: string;
        SecretBinary?: string;
      };
      const binary = typeof out.SecretBinary === 'string' ? new Uint8Array(Buffer.from(out.SecretBinary, 'base64')) : undefined;
      return received({ ARN: out.ARN, Name: out.Name, VersionId: out.VersionId, SecretString: out.SecretString, SecretBinary: binary });
    } catch (e) {
      if (this.transport === 'auto' && !call.gaveUp && unreachable(e)) return undefined;
      throw e;
    }
  }

  private getBatch(requests: SecretRequest[], bound: Call): Promise<RawSecret>[] {
    const ids = requests.map((r) => r.id).join(', ');
    const call = this.sdk()
      .then(({ m, client }) =>
        client.send(new m.BatchGetSecretValueCommand({ SecretIdList: requests.map((r) => r.id) }), { abortSignal: bound.controller.signal }),
      )
      .then(
        (out) => {
          // register every value the moment it arrives, before anyone parses or logs anything
          const values: RawSecret[] = (out.SecretValues ?? []).map((v: SecretValueEntry) => received(v));
          return { values, entries: out.SecretValues ?? [], errors: out.Errors ?? [] };
        },
        (e: unknown) => {
          if (bound.gaveUp) return timeoutError(ids, bound.bound, bound.startedAt, e);
          const mapped = toSecretsError(ids, e);
          if (BATCH_FALLBACK.has(mapped.code)) {
            this.batchRefused = true;
            getLogSink().log('warn', 'secrets: BatchGetSecretValue failed, fetching one secret per call from now on', {
              error: mapped.message,
              hint: 'grant secretsmanager:BatchGetSecretValue or set batch: false',
            });
            return undefined;
          }
          return mapped;
        },
      );
    return requests.map(async (r) => {
      const result = await call;
      if (result === undefined) return this.getOne(r, bound);
      if (result instanceof SecretsError) {
        throw result.code === 'Timeout' && bound.gaveUp ? timeoutError(r.id, bound.bound, bound.startedAt, result.cause) : toSecretsError(r.id, result.cause);
      }
      const index = result.entries.findIndex((v) => answers(r.id, v));
      if (index >= 0) return result.values[index]!;
      // in Errors (not found, decryption failure, no permission on this one...) or missing: ask for it alone,
      // which gives that secret's own error with its full detail (within the same bound)
      return this.getOne(r, bound);
    });
  }
}

type SmModule = typeof import('@aws-sdk/client-secrets-manager');
let smModule: Promise<SmModule> | undefined;

/**
 * `@aws-sdk/client-secrets-manager`, imported on first use (started when a secrets() with a Secrets Manager spec is
 * created), so a function reading only SSM parameters or AppConfig does not load it.
 */
export const loadSecretsManager = (): Promise<SmModule> => (smModule ??= import('@aws-sdk/client-secrets-manager'));

/** A client, or how to make one from the SDK module once it is imported. */
export type ClientSource = SecretsManagerClient | ((m: SmModule) => SecretsManagerClient);

const stores = storesBy<SecretStore>();

/**
 * The store of a client (or of `key`, for a client made on first use) and transport, shared by every middleware and
 * getSecretValues call using them.
 */
export const storeFor = (key: object, transport: Transport = 'sdk', source: ClientSource = key as SecretsManagerClient): SecretStore =>
  stores(key, transport, () => new SecretStore(source, transport));

const defaultKeys = new Map<string, object>();

/**
 * The key of the default client: created on first use with the SDK's default configuration (region, credentials,
 * AWS_ENDPOINT_URL_SECRETS_MANAGER from the environment), one per distinct environment.
 */
export const defaultClientKey = (): object => {
  const env = process.env;
  const key = [env.AWS_REGION, env.AWS_DEFAULT_REGION, env.AWS_ENDPOINT_URL_SECRETS_MANAGER, env.AWS_ENDPOINT_URL].join('\u0000');
  let k = defaultKeys.get(key);
  if (k === undefined) {
    k = {};
    defaultKeys.set(key, k);
  }
  return k;
};

/** Makes the default client. */
export const makeDefaultClient = (m: SmModule): SecretsManagerClient => new m.SecretsManagerClient({});
