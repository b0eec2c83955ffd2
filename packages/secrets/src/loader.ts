import type { Request } from '@middy/core';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { boundedWait, deadlineIn, giveUpSecretLoad, safeString, trackSecretLoad } from '@lambdaware/shared';
import { SecretsError } from './errors.js';
import { decode, registerValue, validate, type ParseMode } from './parse.js';
import { type Bound, boundOf, invocationBoundOf, timeoutError } from './bound.js';
import type { RawSecret, SecretRequest, SecretStore } from './store.js';
import { type ParameterRequest, type ParameterStore, type RawParam, SSM } from './ssm.js';
import { type ParameterParse, decodeParameter, registerParameter } from './ssm-value.js';
import { APPCONFIG, type AppConfigStore, type ConfigParse, type ConfigRequest, type RawConfig, decodeConfig, registerConfig } from './appconfig.js';
import type { SecretKind } from './errors.js';
import { type Rotatable, markRotation } from './rotation.js';

type Raw = RawSecret | RawParam | RawConfig;

/** The stores a loader reads, each created (and its SDK client imported) on first use. */
export interface Stores {
  secret: () => SecretStore;
  parameter: () => ParameterStore;
  configuration: () => AppConfigStore;
}

/** Lambda's context type as Middy sees it. */
type LambdaContext = Request['context'];

/** A spec resolved at creation: its request, reader, and the last value it produced. */
export interface Binding {
  key: string;
  /** Where the value is: Secrets Manager, SSM Parameter Store, AppConfig. */
  kind: SecretKind;
  /** For a parameter or configuration: `{ id }`, its name, path or `app/env/profile` (what errors name). */
  request: SecretRequest;
  /** An SSM parameter or path (the spec had `ssm` / `ssmPath`). */
  parameter?: ParameterRequest | undefined;
  /** An AppConfig profile (the spec had `appConfig`). */
  config?: ConfigRequest | undefined;
  /** `secret: true`: a parameter's or configuration's value is masked whatever its type. */
  secret?: boolean | undefined;
  /** requestKey(request), parameterKey(parameter) or configId(config), computed once. */
  cacheKey: string;
  parse: ParseMode | ParameterParse | ConfigParse | undefined;
  schema: StandardSchemaV1 | undefined;
  redact: readonly string[] | undefined;
  notSecret: readonly string[] | undefined;
  memo: { raw: Raw; value: unknown } | undefined;
}

export interface SecretValuesOptions {
  cacheTtlMs: number;
  batch: boolean;
  fetchMargin: number;
  prefetch: boolean;
  prefetchTimeout: number;
}

type Values = Record<string, unknown>;

/**
 * The values of one secrets() middleware: fetched through the store, parsed, validated and registered, memoized per
 * raw value; the prefetch starts at creation when `prefetch` is on.
 */
export class SecretsLoader implements Rotatable {
  readonly #bindings: Binding[];
  readonly #requests: SecretRequest[];
  readonly #parameters: ParameterRequest[];
  readonly #configs: ConfigRequest[];
  readonly #stores: Stores;
  readonly #options: SecretValuesOptions;
  /** options.cacheTtlMs, read on every warm invocation. */
  readonly #ttl: number;
  /**
   * The values object built from the bindings' memos, shared by the warm invocations while every memo stays the
   * same; dropped when one changes (a new raw value was parsed), and built again on the next warm invocation.
   */
  #current: Values | undefined;
  /** The prefetch started at creation, until the first invocation takes it. */
  #prefetched: Promise<Values> | undefined;
  /** Date.now() when the prefetch started. */
  #prefetchedAt = 0;
  /**
   * Ends the prefetch's tracking (pendingSecrets()) when an invocation gives up on it: a hung prefetch goes on until
   * its own bound, but no later line waits for it (issue 20: it made the next invocations' event lines take their
   * time, and their own fetches, which would have succeeded, fail).
   */
  #untrackPrefetch: (() => void) | undefined;

  constructor(bindings: Binding[], stores: Stores, options: SecretValuesOptions) {
    this.#bindings = bindings;
    this.#requests = bindings.filter((b) => b.kind === 'secret').map((b) => b.request);
    this.#parameters = bindings.flatMap((b) => (b.parameter !== undefined ? [b.parameter] : []));
    this.#configs = bindings.flatMap((b) => (b.config !== undefined ? [b.config] : []));
    this.#stores = stores;
    this.#options = options;
    this.#ttl = options.cacheTtlMs;
    // Cold start: the fetches start now and overlap the rest of init. A failure is kept (not an unhandled
    // rejection) and thrown by the first `before`.
    // Bounded by prefetchTimeout (init has no invocation deadline yet); the first invocation waits for it no longer
    // than its own bound. Tracked, so that a line written before it settles (the cold-start event line) can wait.
    if (options.prefetch) {
      const { prefetchTimeout } = options;
      this.#prefetchedAt = Date.now();
      const prefetched = this.#loadValues(boundOf(deadlineIn(prefetchTimeout, `the prefetch's bound (prefetchTimeout ${prefetchTimeout} ms)`), 0));
      prefetched.catch(() => undefined);
      trackSecretLoad(
        new Promise<void>((resolve) => {
          this.#untrackPrefetch = resolve;
          prefetched.then(
            () => resolve(),
            () => resolve(),
          );
        }),
      );
      this.#prefetched = prefetched;
    }
  }

  /**
   * Warm path: every value cached, fresh and already parsed, or undefined (also while the prefetch is not taken yet);
   * no promise, no allocation while nothing changed.
   */
  cached(): Values | undefined {
    if (this.#prefetched !== undefined) return undefined;
    const ttl = this.#ttl;
    // with Infinity nothing expires: any `now` gives the same answer, so the clock is not read (an AppConfig
    // profile follows its poll interval whatever the TTL: then it is)
    const now = ttl === Infinity && this.#configs.length === 0 ? 0 : Date.now();
    for (const b of this.#bindings) {
      const raw = this.#stores[b.kind]().fresh(b.cacheKey, ttl, now);
      if (raw === undefined || b.memo?.raw !== raw) return undefined;
    }
    if (this.#current === undefined) {
      const values: Values = {};
      for (const b of this.#bindings) values[b.key] = b.memo!.value;
      // frozen: shared by invocations, so a key a handler adds must not reach the next one (it throws instead)
      this.#current = Object.freeze(markRotation(values, this));
    }
    return this.#current;
  }

  /** The values for this invocation: the prefetch's, the cached ones, or fetched, within the invocation's bound. */
  async load(context: LambdaContext): Promise<Values> {
    const first = this.#prefetched;
    if (first !== undefined) {
      this.#prefetched = undefined;
      const prefetchedValues = await this.#awaitPrefetch(first, context);
      // with a TTL of 0 the prefetch is this (first) invocation's fetch; otherwise the cache decides, which
      // matters when init ran long before the first invocation (provisioned concurrency)
      if (this.#options.cacheTtlMs === 0) return prefetchedValues;
    }
    return this.cached() ?? (await this.#loadInInvocation(context));
  }

  /** The value of one binding for a raw secret: memoized per raw value, so a cached secret is parsed once. */
  async #valueOf(b: Binding, raw: Raw): Promise<unknown> {
    if (b.memo?.raw === raw) return b.memo.value;
    const id = b.request.id;
    let value: unknown;
    if (b.kind === 'parameter') {
      value = await validate(id, decodeParameter(id, raw as RawParam, b.parse as ParameterParse | undefined), b.schema, 'parameter');
      registerParameter(id, b.key, value, raw as RawParam, b as { secret?: boolean; parse?: ParameterParse });
    } else if (b.kind === 'configuration') {
      value = await validate(id, decodeConfig(id, raw as RawConfig, b.parse as ConfigParse | undefined), b.schema, 'configuration');
      registerConfig(id, b.key, value, b as { secret?: boolean });
    } else {
      value = await validate(id, decode(id, raw as RawSecret, b.parse as ParseMode | undefined), b.schema);
      registerValue(id, b.key, value, b);
    }
    b.memo = { raw, value };
    this.#current = undefined;
    return value;
  }

  async #loadValues(bound: Bound): Promise<Values> {
    const bindings = this.#bindings;
    const { cacheTtlMs, batch } = this.#options;
    const stores = this.#stores;
    const byKind: Record<SecretKind, Promise<Raw>[]> = {
      secret: this.#requests.length > 0 ? stores.secret().load(this.#requests, cacheTtlMs, batch, bound) : [],
      parameter: this.#parameters.length > 0 ? stores.parameter().load(this.#parameters, cacheTtlMs, bound) : [],
      configuration: this.#configs.length > 0 ? stores.configuration().load(this.#configs, cacheTtlMs, bound) : [],
    };
    const next: Record<SecretKind, number> = { secret: 0, parameter: 0, configuration: 0 };
    const pending = bindings.map((b) => byKind[b.kind][next[b.kind]++]!);
    const settled = await Promise.allSettled(pending.map((p, i) => p.then((raw) => this.#valueOf(bindings[i]!, raw))));
    const values: Values = markRotation({}, this);
    for (const [i, r] of settled.entries()) {
      const key = bindings[i]!.key;
      if (r.status === 'rejected') {
        const e = r.reason;
        throw e instanceof SecretsError
          ? e.withKey(key)
          : new SecretsError(bindings[i]!.request.id, 'Unknown', safeString(e), { key, cause: e, kind: bindings[i]!.kind });
      }
      values[key] = r.value;
    }
    return values;
  }

  /**
   * withRotation(): fetches this loader's Secrets Manager secrets again at `stage` (AWSCURRENT: through the SDK,
   * cached for everyone; AWSPENDING: for this invocation only; a secret with no pending version is skipped), and
   * returns the keys whose value changed, with the new value. Bounded by the invocation's deadline less `margin`.
   */
  async rotate(context: unknown, stage: 'AWSCURRENT' | 'AWSPENDING', keys: readonly string[] | undefined, margin: number): Promise<Values> {
    const bound = invocationBoundOf(context, margin);
    const chosen = this.#bindings.filter((b) => b.kind === 'secret' && (keys === undefined || keys.includes(b.key)) && b.memo !== undefined);
    const store = this.#stores.secret();
    const changed: Values = {};
    await Promise.all(
      chosen.map(async (b) => {
        const used = b.memo!.raw as RawSecret;
        let raw: RawSecret;
        try {
          raw = await store.refetch(stage === 'AWSCURRENT' ? b.request : { id: b.request.id, versionStage: 'AWSPENDING' }, bound);
        } catch (e) {
          if (stage === 'AWSPENDING' && e instanceof SecretsError && e.code === 'NotFound') return;
          throw e instanceof SecretsError ? e.withKey(b.key) : e;
        }
        if (raw.string === used.string && Buffer.compare(Buffer.from(raw.binary ?? []), Buffer.from(used.binary ?? [])) === 0) return;
        if (stage === 'AWSCURRENT') changed[b.key] = await this.#valueOf(b, raw);
        else {
          const value = await validate(b.request.id, decode(b.request.id, raw, b.parse as ParseMode | undefined), b.schema);
          registerValue(b.request.id, b.key, value, b);
          changed[b.key] = value;
        }
      }),
    );
    return changed;
  }

  /** A load in `before`, bounded by the invocation and tracked. */
  #loadInInvocation(context: LambdaContext): Promise<Values> {
    const load = this.#loadValues(invocationBoundOf(context, this.#options.fetchMargin));
    trackSecretLoad(load);
    return load;
  }

  /** The prefetch, waited for no longer than this invocation's bound (it goes on, and is shared, until its own). */
  async #awaitPrefetch(first: Promise<Values>, context: LambdaContext): Promise<Values> {
    const bound = invocationBoundOf(context, this.#options.fetchMargin);
    const now = Date.now();
    if (bound.deadline === Infinity) return first;
    const outcome = await boundedWait(first, Math.max(0, bound.deadline - now));
    if (outcome.settled) {
      if (outcome.ok) return outcome.value;
      const e = outcome.error;
      // the prefetch gave up at its own bound (init hung): this invocation fetches again, within its bound
      if (e instanceof SecretsError && e.code === 'Timeout') return this.#loadValues(bound);
      throw e;
    }
    const bindings = this.#bindings;
    // the next invocation makes new calls rather than waiting on the prefetch's again, and no line waits for it; but
    // until it settles (at prefetchTimeout) its late answer may register a secret: the event line withholds the event
    if (this.#requests.length > 0) this.#stores.secret().abandon(this.#requests);
    if (this.#parameters.length > 0) this.#stores.parameter().abandon(this.#parameters);
    if (this.#configs.length > 0) this.#stores.configuration().abandon(this.#configs);
    giveUpSecretLoad(first);
    this.#untrackPrefetch?.();
    const ids = bindings.map((b) => b.request.id).join(', ');
    // the time the request went unanswered (since init) and the time this invocation waited, both as measured
    const error = timeoutError(
      ids,
      bound,
      this.#prefetchedAt,
      undefined,
      false,
      now,
      this.#requests.length > 0 ? undefined : this.#parameters.length > 0 ? SSM : APPCONFIG,
    );
    throw bindings.length === 1 ? error.withKey(bindings[0]!.key) : error;
  }
}
