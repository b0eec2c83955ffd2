import { type Bound, type Call, type TimeoutWhat, extend, settle, timeoutError, waitFor } from './bound.js';
import type { Transport } from './extension.js';

/**
 * What every store of @lambdaware/secrets (Secrets Manager, SSM Parameter Store) does the same way: values cached
 * with a TTL chosen by each reader, one call in flight per value shared by everyone asking (kept alive until the
 * latest deadline of its waiters), each wait ended by the waiter's own bound, failures never kept, and a call given
 * up at its deadline shared by no later load. A store says how due requests are fetched (`start`).
 */

interface Entry<Raw> {
  raw?: Raw;
  inflight?: Promise<Raw>;
  call?: Call;
}

export abstract class FetchCache<Req, Raw extends { fetchedAt: number }> {
  protected readonly entries = new Map<string, Entry<Raw>>();

  constructor(private readonly what: TimeoutWhat) {}

  /** The cache key of a request. */
  protected abstract keyOf(request: Req): string;
  /** The id a request's errors name. */
  protected abstract idOf(request: Req): string;

  /** The cached value of a request (by its key) when it is younger than ttlMs: the warm path, no promise. */
  fresh(key: string, ttlMs: number, now = Date.now()): Raw | undefined {
    const raw = this.entries.get(key)?.raw;
    return raw !== undefined && now - raw.fetchedAt < ttlMs ? raw : undefined;
  }

  /**
   * One promise per request (same order): cached, in flight, or fetched now by `start(due)` (which tracks each due
   * request's promise with `track`). Each wait ends by `bound.deadline` (a Timeout then).
   */
  protected loadWith(requests: Req[], ttlMs: number, bound: Bound, start: (due: Req[], now: number) => void): Promise<Raw>[] {
    const now = Date.now();
    const due = new Map<string, Req>();
    for (const r of requests) {
      const key = this.keyOf(r);
      const entry = this.entries.get(key);
      if (entry?.raw !== undefined && now - entry.raw.fetchedAt < ttlMs) continue;
      if (entry?.inflight !== undefined) {
        if (entry.call !== undefined) extend(entry.call, bound);
        continue;
      }
      due.set(key, r);
    }
    const noTime = due.size > 0 && bound.deadline <= now;
    // no time left: nothing is started (a request no one waits for would only be given up)
    if (due.size > 0 && !noTime) start([...due.values()], now);
    return requests.map((r) => {
      const entry = this.entries.get(this.keyOf(r));
      if (entry?.inflight !== undefined) return waitFor(entry.inflight, this.idOf(r), bound, now, () => this.abandon([r]), entry.call?.startedAt, this.what);
      if (entry?.raw !== undefined && (!noTime || now - entry.raw.fetchedAt < ttlMs)) return Promise.resolve(entry.raw);
      return Promise.reject(timeoutError(this.idOf(r), bound, now, undefined, true, now, this.what));
    });
  }

  /**
   * A wait on these requests reached its deadline: the requests in flight go on for whoever still waits on them
   * (until their own bound), but no later load shares them: it makes a new call (one that hung a whole invocation
   * long is not worth waiting on again).
   */
  abandon(requests: Req[]): void {
    for (const r of requests) {
      const entry = this.entries.get(this.keyOf(r));
      if (entry !== undefined) {
        entry.inflight = undefined;
        entry.call = undefined;
      }
    }
  }

  /** Forgets every cached value (the next read fetches). */
  clear(): void {
    this.entries.clear();
  }

  /** Makes `promise` the request's call in flight; its value is cached when it arrives. */
  protected track(request: Req, promise: Promise<Raw>, call: Call): void {
    const key = this.keyOf(request);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = {};
      this.entries.set(key, entry);
    }
    const e = entry;
    e.inflight = promise;
    e.call = call;
    const forget = (): void => {
      if (e.inflight === promise) {
        e.inflight = undefined;
        e.call = undefined;
      }
    };
    // given up at the deadline: no later load shares this request (it may never answer)
    call.controller.signal.addEventListener('abort', forget, { once: true });
    call.pending++;
    const done = (): void => {
      forget();
      if (--call.pending === 0) settle(call);
    };
    promise.then(
      (raw) => {
        done();
        e.raw = raw;
      },
      // never cached: the stale value (if any) stays stale, so the next read fetches again
      done,
    );
  }
}

/** One store per client (or key) and transport, made on first use: `const storeFor = storesBy<S>(); storeFor(key, transport, make)`. */
export const storesBy = <S>(): ((key: object, transport: Transport, make: () => S) => S) => {
  const stores = new WeakMap<object, Map<Transport, S>>();
  return (key, transport, make) => {
    let byTransport = stores.get(key);
    if (byTransport === undefined) {
      byTransport = new Map();
      stores.set(key, byTransport);
    }
    let store = byTransport.get(transport);
    if (store === undefined) {
      store = make();
      byTransport.set(transport, store);
    }
    return store;
  };
};
