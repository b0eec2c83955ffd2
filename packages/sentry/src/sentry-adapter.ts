// The ONE file that knows Sentry's SDK beyond its documented API. Everything else in this package goes through it.
// (Over 300 lines on purpose: the project's rule keeps every use of another library's internals in one adapter file.)
// Its contract test (test/adapter-contract.test.ts) runs it against the lowest and the highest supported
// @sentry/core (10.53.0 and 11.x, npm aliases) and an app on Sentry 9.
//
// What it relies on that Sentry does not document for users:
// 1. The carrier `globalThis.__SENTRY__`: each loaded copy of @sentry/core keeps its scopes under its version
//    (`__SENTRY__['10.75.2']`), with an async context strategy (`acs`, set by @sentry/node) or a scope stack
//    (`stack`, `defaultCurrentScope`). Read to find the app's current scope and client whatever copy of @sentry/core
//    the app loaded, without importing @sentry/core (so an app on another 10.x/11.x copy is found, and one on 9.x
//    is named).
// 2. The mark `__sentry_captured__` that `checkOrSetAlreadyCaught` sets on a captured error object.
// 3. The client's options object is the one the client reads (`getOptions()` returns it, not a copy): its
//    `beforeSend` is wrapped once per client (see `watchClient`).
// 4. The client hooks `preprocessEvent` (event, hint) and `afterSendEvent` (event, transport response).
// 5. Where @sentry/core exports the node stack line parser: the package root up to 10.x, `@sentry/core/server`
//    from 10.53 (only there in 11.x); sentry-core.ts re-exports it from `/server`.
// 6. Where the app's SDK keeps its async context (to fork the scopes per invocation, `forkInvocationScopes`): the
//    OpenTelemetry context manager's Sentry-specific `getAsyncLocalStorageLookup()` (@sentry/node's default: the
//    AsyncLocalStorage and the key of the scopes in a context), or `acs.getTracingChannelBinding().asyncLocalStorage`
//    (node-core's AsyncLocalStorage strategy: the store is `{ scope, isolationScope }`), and the carrier's
//    `defaultCurrentScope`/`defaultIsolationScope` (the scopes outside any context).
// Used as documented: Scope `clone`, `setTags`, `setContext`, `setExtras`, `captureException(error, hint)` (with
// `event_id` and `mechanism` in the hint), Client `getDsn`, `getOptions`, `on`.
import type * as SentryCoreModule from '@sentry/core';
import type * as SentryCoreServerModule from '@sentry/core/server';
import type { ErrorEvent, EventHint } from '@sentry/core';
import { thrownMessage } from '@lambdaware/shared';

// ---------------------------------------------------------------------------------------------------------------
// The light path: @sentry/core's building blocks, loaded on the first failure to report (never without a DSN).

/** The @sentry/core exports the light path's reporter uses. */
export type SentryCore = Pick<
  typeof SentryCoreModule,
  | 'SDK_VERSION'
  | 'addExceptionMechanism'
  | 'applyAggregateErrorsToEvent'
  | 'checkOrSetAlreadyCaught'
  | 'createEventEnvelope'
  | 'createStackParser'
  | 'createTransport'
  | 'dateTimestampInSeconds'
  | 'eventFromMessage'
  | 'eventFromUnknownInput'
  | 'exceptionFromError'
  | 'generateSpanId'
  | 'generateTraceId'
  | 'getDebugImagesForResources'
  | 'getEnvelopeEndpointWithUrlEncodedAuth'
  | 'isRateLimited'
  | 'updateRateLimits'
  | 'makeDsn'
  | 'normalize'
> &
  // 11.x exports the node stack line parser from `@sentry/core/server` only (10.53+ has that entry too)
  Pick<typeof SentryCoreServerModule, 'nodeStackLineParser'>;

const CORE_EXPORTS = [
  'SDK_VERSION',
  'addExceptionMechanism',
  'applyAggregateErrorsToEvent',
  'checkOrSetAlreadyCaught',
  'createEventEnvelope',
  'createStackParser',
  'createTransport',
  'dateTimestampInSeconds',
  'eventFromMessage',
  'eventFromUnknownInput',
  'exceptionFromError',
  'generateSpanId',
  'generateTraceId',
  'getDebugImagesForResources',
  'getEnvelopeEndpointWithUrlEncodedAuth',
  'isRateLimited',
  'makeDsn',
  'normalize',
  'updateRateLimits',
] as const;

/**
 * The reporter's @sentry/core from a copy's root module and its `/server` module (the node stack line parser moved
 * there). Throws naming what is missing when the copy is not a supported version.
 */
export const bindCore = (root: Record<string, unknown>, server: Record<string, unknown> | undefined): SentryCore => {
  const core: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const name of CORE_EXPORTS) {
    if (root[name] === undefined) missing.push(name);
    core[name] = root[name];
  }
  core.nodeStackLineParser = server?.nodeStackLineParser ?? root.nodeStackLineParser;
  if (typeof core.nodeStackLineParser !== 'function') missing.push('nodeStackLineParser');
  if (missing.length > 0) {
    throw new Error(`@sentry/core ${String(root.SDK_VERSION)} lacks ${missing.join(', ')}: @lambdaware/sentry supports @sentry/core ^10.53.0 || ^11.0.0`);
  }
  return core as unknown as SentryCore;
};

/** True when a Sentry SDK already captured this error object (`checkOrSetAlreadyCaught`'s mark). */
export const isCapturedBySentry = (error: unknown): boolean => {
  try {
    return error !== null && typeof error === 'object' && (error as { __sentry_captured__?: unknown }).__sentry_captured__ === true;
  } catch {
    return false;
  }
};

/** Forgets the mark, so that the same error object thrown again by a later invocation is reported again. */
export const forgetCaptured = (error: unknown): void => {
  try {
    delete (error as { __sentry_captured__?: unknown }).__sentry_captured__;
  } catch {
    // a frozen error: Sentry keeps it de-duplicated
  }
};

// ---------------------------------------------------------------------------------------------------------------
// The app's own client.

export interface TransportResponse {
  statusCode?: number;
}

export interface AppClient {
  getDsn(): unknown;
  getOptions(): Record<string, unknown> & {
    enabled?: boolean;
    beforeSend?: (event: ErrorEvent, hint: EventHint) => unknown;
    sampleRate?: number;
    transportOptions?: { bufferSize?: number };
  };
  on(hook: string, callback: (...args: any[]) => void): () => void;
}

export interface AppScope {
  clone(): AppScope;
  getClient(): AppClient | undefined;
  setTags(tags: Record<string, string>): unknown;
  setContext(name: string, context: Record<string, unknown> | null): unknown;
  setExtras(extras: Record<string, unknown>): unknown;
  addBreadcrumb?(breadcrumb: Record<string, unknown>, maxBreadcrumbs?: number): unknown;
  captureException(exception: unknown, hint?: Record<string, unknown>): string;
}

/** The app's Sentry, found in the carrier. */
export interface AppSentry {
  /** The version of the @sentry/core copy that holds the client (the carrier's key). */
  version: string;
  major: number;
  client: AppClient;
  /** The scope current where the lookup ran (the invocation's, inside `wrapHandler` or a `withScope`). */
  scope: AppScope;
  /** The isolation scope current where the lookup ran (Sentry 8+), when the carrier has one. */
  isolationScope: (AppScope & { lastEventId?(): string | undefined }) | undefined;
}

const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object';

const isolationScopeOf = (entry: Record<string, any>): AppSentry['isolationScope'] => {
  try {
    const scope: unknown = entry.acs?.getIsolationScope?.() ?? entry.defaultIsolationScope;
    return isObject(scope) && typeof scope.setTags === 'function' ? (scope as AppSentry['isolationScope']) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The id of the last error event the app's client captured in this isolation scope (public `Scope.lastEventId()`,
 * set when the event is captured): the app's own event for an error it captured before sentry() hooked its client.
 */
export const lastEventIdOf = (app: AppSentry): string | undefined => {
  try {
    const id: unknown = app.isolationScope?.lastEventId?.();
    return typeof id === 'string' && id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
};

const currentScopeOf = (entry: Record<string, any>): AppScope | undefined => {
  try {
    const scope: unknown = entry.acs?.getCurrentScope?.() ?? entry.stack?.getScope?.() ?? entry.defaultCurrentScope;
    return isObject(scope) && typeof scope.getClient === 'function' ? (scope as AppScope) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The app's Sentry client and current scope, or undefined when no copy of Sentry in the process has a client.
 * Cheap (a few property reads): no import. When several copies have one, the newest version wins.
 */
export const findAppSentry = (): AppSentry | undefined => {
  const carrier = (globalThis as { __SENTRY__?: unknown }).__SENTRY__;
  if (!isObject(carrier)) return undefined;
  let found: AppSentry | undefined;
  for (const version of Object.keys(carrier)) {
    const entry = carrier[version];
    if (version === 'version' || !isObject(entry)) continue;
    const scope = currentScopeOf(entry);
    let client: AppClient | undefined;
    try {
      client = scope?.getClient();
    } catch {
      client = undefined;
    }
    if (scope === undefined || !isObject(client)) continue;
    const major = Number.parseInt(version, 10);
    if (found === undefined || major > found.major) found = { version, major, client, scope, isolationScope: isolationScopeOf(entry) };
  }
  return found;
};

interface Als {
  getStore(): unknown;
  run<R>(store: unknown, fn: () => R): R;
  enterWith(store: unknown): void;
}

interface Scopes {
  scope: AppScope & { setPropagationContext?(context: Record<string, unknown>): unknown };
  isolationScope: AppScope;
}

/** Where the app's Sentry keeps each async context's scopes, and how a store holds them (see 6. above). */
interface ScopeStorage {
  als: Als;
  /** The scopes a store holds (undefined: the default scopes). */
  read(store: unknown): Scopes | undefined;
  /** A store holding `scopes`, made from the `base` store. */
  make(base: unknown, scopes: Scopes): unknown;
}

const isAls = (v: unknown): v is Als => isObject(v) && typeof v.enterWith === 'function' && typeof v.run === 'function' && typeof v.getStore === 'function';

const storageCache = new WeakMap<object, ScopeStorage | null>();

/**
 * @sentry/node (OpenTelemetry): the context manager's `getAsyncLocalStorageLookup()` gives the AsyncLocalStorage and
 * the key of the scopes in an OpenTelemetry context; node-core's AsyncLocalStorage strategy: its tracing channel
 * binding gives the AsyncLocalStorage, whose store is `{ scope, isolationScope }`.
 */
const scopeStorage = (acs: Record<string, any>): ScopeStorage | undefined => {
  const cached = storageCache.get(acs);
  if (cached !== undefined) return cached ?? undefined;
  let found: ScopeStorage | null = null;
  try {
    const otel = (globalThis as Record<symbol, any>)[Symbol.for('opentelemetry.js.api.1')];
    const lookup = otel?.context?.getAsyncLocalStorageLookup?.();
    const binding = lookup === undefined ? acs.getTracingChannelBinding?.() : undefined;
    if (lookup !== undefined && isAls(lookup.asyncLocalStorage) && typeof lookup.contextSymbol === 'symbol') {
      const als = lookup.asyncLocalStorage;
      const key: symbol = lookup.contextSymbol;
      const root: unknown = als.run(undefined, () => otel.context.active());
      found = {
        als,
        read: (store) => (isObject(store) && typeof store.getValue === 'function' ? (store.getValue(key) as Scopes | undefined) : undefined),
        make: (base, scopes) =>
          ((isObject(base) && typeof base.setValue === 'function' ? base : root) as { setValue(k: symbol, v: unknown): unknown }).setValue(key, scopes),
      };
    } else if (binding !== undefined && isAls(binding.asyncLocalStorage)) {
      found = {
        als: binding.asyncLocalStorage,
        read: (store) => (isObject(store) && isObject(store.scope) ? (store as unknown as Scopes) : undefined),
        make: (_base, scopes) => scopes,
      };
    }
  } catch {
    found = null;
  }
  storageCache.set(acs, found);
  return found ?? undefined;
};

/** Each store this package entered, and the store it was forked from (the base every invocation forks from). */
const forkedFrom = new WeakMap<object, unknown>();

/**
 * Gives the invocation its own scopes for the rest of the invocation, as `Sentry.withIsolationScope` gives a callback
 * (the handler's `Sentry.setTag`, `setUser`, `addBreadcrumb` land on them, and its events carry only them and what
 * the app set at init): the current and isolation scopes cloned (public `Scope.clone`) with a new trace (public
 * `setPropagationContext`), held by a new store entered with AsyncLocalStorage's `enterWith`. Forked from the base
 * context (the app's init scopes, or the scopes of a `Sentry.wrapHandler` around the handler), never from a previous
 * invocation's. (The SDK's own `withIsolationScope` does the same in about 85 µs under OpenTelemetry; this, 20 µs.)
 * False when the app's SDK keeps no AsyncLocalStorage this can find.
 */
export const forkInvocationScopes = (): boolean => {
  const carrier = (globalThis as { __SENTRY__?: unknown }).__SENTRY__;
  if (!isObject(carrier)) return false;
  const app = findAppSentry();
  const entry = app === undefined ? undefined : (carrier[app.version] as Record<string, any> | undefined);
  const acs = entry?.acs as Record<string, any> | undefined;
  if (acs === undefined) return false;
  const storage = scopeStorage(acs);
  if (storage === undefined) return false;
  try {
    const active = storage.als.getStore();
    const base = isObject(active) && forkedFrom.has(active) ? forkedFrom.get(active) : active;
    const from = storage.read(base) ?? { scope: entry!.defaultCurrentScope as Scopes['scope'], isolationScope: entry!.defaultIsolationScope as AppScope };
    if (!isObject(from.scope) || !isObject(from.isolationScope)) return false;
    const scopes: Scopes = { scope: from.scope.clone(), isolationScope: from.isolationScope.clone() };
    scopes.scope.setPropagationContext?.({ traceId: newEventId(), sampleRand: Math.random() });
    const store = storage.make(base, scopes);
    if (!isObject(store)) return false;
    forkedFrom.set(store, base);
    storage.als.enterWith(store);
    return true;
  } catch {
    return false;
  }
};

/** Why the app's client cannot report, or undefined when it can. */
export const appClientProblem = (app: AppSentry): string | undefined => {
  if (!(app.major >= 10 && app.major <= 11)) {
    return `the app's Sentry client is Sentry ${app.version}; @lambdaware/sentry reports through Sentry 10.x and 11.x only`;
  }
  try {
    const options = app.client.getOptions();
    if (app.client.getDsn() === undefined) return "the app's Sentry client has no DSN (Sentry.init without dsn): it sends nothing";
    if (options.enabled === false) return "the app's Sentry client is disabled (enabled: false, or closed with Sentry.close())";
    if (typeof app.client.on !== 'function') return "the app's Sentry client has no hooks (client.on)";
  } catch (e) {
    return `the app's Sentry client could not be read (${thrownMessage(e)})`;
  }
  return undefined;
};

/** What became of one event (the one definition, for both paths). */
export interface Outcome {
  delivered: boolean;
  /** Sent, but no answer came before the wait's end (Sentry may have it). */
  unanswered?: boolean;
  /** Why it was not delivered: 'HTTP 500', 'ECONNREFUSED', 'dropped by beforeSend', ... */
  reason?: string;
  /** True when a beforeSend dropped it on purpose, or it was already captured (not a delivery failure). */
  dropped?: boolean;
}

/** The mechanism of our events (as @sentry/aws-serverless marks a handler's error: unhandled). */
export const MECHANISM = { type: 'auto.middleware.lambdaware.sentry', handled: false };

export interface ClientWatch {
  /** The event id of an error object captured through this client (by anyone), from `preprocessEvent`. */
  eventIdOf(error: unknown): string | undefined;
  /** Marks an event id as ours: the beforeSend wrapper reports what it did with it. */
  own(eventId: string): void;
  /** The outcome of an event: its transport answer, a beforeSend that dropped it, or never (bounded by the caller). */
  outcome(eventId: string): Promise<Outcome>;
  /** Stops waiting for an event (given up at the caller's bound). */
  forget(eventId: string): void;
  /** How many events the client's queue holds (`transportOptions.bufferSize`, 64 by default). */
  bufferSize: number;
}

const WATCH = Symbol.for('lambdaware.sentry.clientWatch');
/** Outcomes kept for events that settled before anyone asked (the app captured and sent before our onError). */
const KEEP_SETTLED = 1000;

export interface WatchOptions {
  /** Applied to every error event after the app's own beforeSend (masking, size bound). */
  finalize: (event: ErrorEvent) => ErrorEvent;
}

/**
 * Wraps the client's `beforeSend` (its options object is the one the client reads): the app's own function first,
 * then `finalize` on error events; for an event of ours (`isOurs`), a throw or a null settles it with the reason.
 */
const wrapBeforeSend = (
  opts: ReturnType<AppClient['getOptions']>,
  isOurs: (eventId: string | undefined) => boolean,
  settle: (eventId: unknown, outcome: Outcome) => void,
  finalize: WatchOptions['finalize'],
): void => {
  const appBeforeSend = opts.beforeSend;
  const after = (id: string | undefined, mine: boolean, result: unknown): unknown => {
    if (result === null) {
      if (mine) settle(id, { delivered: false, reason: "dropped by the app's beforeSend (it returned null)" });
      return null;
    }
    if (!isObject(result)) return result;
    try {
      return finalize(result as ErrorEvent);
    } catch {
      return result; // masking or bounding failed on an odd event: the app's event as its beforeSend left it
    }
  };
  const threw = (id: string | undefined, mine: boolean, e: unknown): null => {
    if (!mine) throw e;
    settle(id, { delivered: false, reason: `the app's beforeSend threw ${thrownMessage(e, true)}` });
    return null;
  };
  opts.beforeSend = function lambdawareBeforeSend(this: unknown, event: ErrorEvent, hint: EventHint) {
    const id = event.event_id;
    const mine = isOurs(id);
    let result: unknown;
    try {
      result = appBeforeSend === undefined ? event : appBeforeSend.call(this, event, hint);
    } catch (e) {
      return threw(id, mine, e);
    }
    if (isObject(result) && typeof result.then === 'function') {
      return (result as PromiseLike<unknown>).then(
        (r) => after(id, mine, r),
        (e: unknown) => threw(id, mine, e),
      );
    }
    return after(id, mine, result);
  };
};

/**
 * Hooks the client once (a symbol on it): `preprocessEvent` pairs each captured error object with its event id,
 * `afterSendEvent` settles each event with the transport's answer, and the client's `beforeSend` is wrapped: the
 * app's own function runs first, as before, for every event; then `finalize` (masking, the size bound) on error
 * events. For an event of ours, a `beforeSend` that throws drops it with that reason instead of making the SDK send
 * a second, internal event about the throw, and one that returns null settles it as dropped.
 */
export const watchClient = (client: AppClient, options: WatchOptions): ClientWatch => {
  const existing = (client as unknown as Record<symbol, ClientWatch | undefined>)[WATCH];
  if (existing !== undefined) return existing;

  const ids = new WeakMap<object, string>();
  const waiting = new Map<string, (o: Outcome) => void>();
  const settled = new Map<string, Outcome>();
  const ours = new Set<string>();

  const settle = (eventId: unknown, outcome: Outcome): void => {
    if (typeof eventId !== 'string') return;
    ours.delete(eventId);
    const resolve = waiting.get(eventId);
    if (resolve !== undefined) {
      waiting.delete(eventId);
      resolve(outcome);
      return;
    }
    settled.set(eventId, outcome);
    if (settled.size > KEEP_SETTLED) settled.delete(settled.keys().next().value!);
  };

  client.on('preprocessEvent', (event: { event_id?: string; type?: string }, hint: EventHint | undefined) => {
    const original = hint?.originalException;
    if (event.type === undefined && typeof event.event_id === 'string' && isObject(original)) ids.set(original, event.event_id);
  });
  client.on('afterSendEvent', (event: { event_id?: string }, response: TransportResponse | undefined) => {
    const status = response?.statusCode;
    if (status !== undefined && status >= 200 && status < 300) settle(event.event_id, { delivered: true });
    else if (status === undefined)
      settle(event.event_id, { delivered: false, reason: "not sent by the app's Sentry transport (rate limited, or its queue full)" });
    else settle(event.event_id, { delivered: false, reason: `HTTP ${status}` });
  });

  const opts = client.getOptions();
  wrapBeforeSend(opts, (id) => id !== undefined && ours.has(id), settle, options.finalize);

  const watch: ClientWatch = {
    eventIdOf: (error) => (isObject(error) ? ids.get(error) : undefined),
    own: (eventId) => {
      ours.add(eventId);
    },
    outcome: (eventId) => {
      const done = settled.get(eventId);
      if (done !== undefined) {
        settled.delete(eventId);
        return Promise.resolve(done);
      }
      return new Promise<Outcome>((resolve) => waiting.set(eventId, resolve));
    },
    forget: (eventId) => {
      waiting.delete(eventId);
      ours.delete(eventId);
    },
    bufferSize: typeof opts.transportOptions?.bufferSize === 'number' && opts.transportOptions.bufferSize > 0 ? opts.transportOptions.bufferSize : 64,
  };
  try {
    Object.defineProperty(client, WATCH, { value: watch, enumerable: false, configurable: true });
  } catch {
    // a frozen client: hooked again next time (hooks are cheap), still correct
  }
  return watch;
};

/** A 32-hex event id, as the SDK's `uuid4()`: made before the event is sent, so the error line can carry it first. */
export const newEventId = (): string => crypto.randomUUID().replaceAll('-', '');

/**
 * Reports an error through the app's client and a clone of its current scope (so the app's tags, user, contexts,
 * environment, release, beforeSend, integrations and sample rate apply), with our data on the clone only.
 */
export const captureWithApp = (
  app: AppSentry,
  error: unknown,
  data: { tags: Record<string, string>; contexts: Record<string, Record<string, unknown>> },
  extra: Record<string, unknown>,
  mechanism: { type: string; handled: boolean },
  eventId: string,
  breadcrumbs: readonly Record<string, unknown>[] = [],
): void => {
  const scope = app.scope.clone();
  scope.setTags(data.tags);
  for (const [name, context] of Object.entries(data.contexts)) scope.setContext(name, context);
  if (Object.keys(extra).length > 0) scope.setExtras(extra);
  for (const b of breadcrumbs) scope.addBreadcrumb?.(b, breadcrumbs.length + 100);
  scope.captureException(error, { event_id: eventId, mechanism });
};

/** A message event (the timeout warning) through the app's client and a clone of its current scope. */
export const captureMessageWithApp = (
  app: AppSentry,
  message: string,
  data: { tags: Record<string, string>; contexts: Record<string, Record<string, unknown>> },
  fingerprint: string[],
  eventId: string,
): void => {
  const scope = app.scope.clone() as AppScope & {
    setFingerprint?(f: string[]): unknown;
    captureMessage?(m: string, level: string, hint: Record<string, unknown>): string;
  };
  scope.setTags(data.tags);
  for (const [name, context] of Object.entries(data.contexts)) scope.setContext(name, context);
  scope.setFingerprint?.(fingerprint);
  scope.captureMessage?.(message, 'warning', { event_id: eventId });
};
