/**
 * The bounds of every wait of @lambdaware/secrets: a fetch gives up at the invocation's deadline less a margin (or
 * the prefetch's or getSecretValues' own bound), so that the failure is reported instead of a Lambda timeout.
 */
import { SecretsError } from './errors.js';
import type { RawSecret } from './store.js';

/**
 * How long a wait may last: until `deadline` (Date.now() ms), which is `margin` ms before the end of what bounds
 * it (`source`: the invocation's deadline, the prefetch's bound, or getSecretValues' timeoutMs).
 */
export interface Bound {
  deadline: number;
  margin: number;
  source: string;
}

/** No bound (only for tests and internal calls that bound themselves). */
export const UNBOUNDED: Bound = { deadline: Infinity, margin: 0, source: 'none' };

/** The bound of a fetch when the context gives no remaining time. */
export const UNKNOWN_DEADLINE_MS = 10_000;

/** The bound of a wait in an invocation: its remaining time minus the margin. */
export const invocationBound = (context: { getRemainingTimeInMillis?: () => number } | undefined, margin: number, now = Date.now()): Bound => {
  let remaining: number | undefined;
  try {
    const r = context?.getRemainingTimeInMillis?.();
    if (typeof r === 'number' && Number.isFinite(r)) remaining = r;
  } catch {
    // a context whose getRemainingTimeInMillis throws: no deadline known
  }
  // not Lambda's context (a test's, a hand-made one): still bounded, by UNKNOWN_DEADLINE_MS
  if (remaining === undefined) return { deadline: now + UNKNOWN_DEADLINE_MS, margin: 0, source: `${UNKNOWN_DEADLINE_MS} ms (the context has no getRemainingTimeInMillis)` };
  return { deadline: now + remaining - margin, margin, source: "the invocation's deadline" };
};

/** One request (or one BatchGetSecretValue chunk) to Secrets Manager: aborted at the latest deadline of its waiters. */
export interface Call {
  controller: AbortController;
  deadline: number;
  startedAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Set when the deadline passed: the request was aborted, and is shared by no one from then on. */
  gaveUp: boolean;
  /** Tracked promises not settled yet: the timer is cleared when none is left. */
  pending: number;
  bound: Bound;
}

/** A call bounded by `bound`: aborted (given up) when its deadline passes. */
export const startCall = (bound: Bound, now: number): Call => {
  const call: Call = { controller: new AbortController(), deadline: -Infinity, startedAt: now, timer: undefined, gaveUp: false, pending: 0, bound };
  extend(call, bound);
  return call;
};

/** A new waiter with a later deadline keeps the call alive until then. */
export const extend = (call: Call, bound: Bound): void => {
  if (call.gaveUp || bound.deadline <= call.deadline) return;
  call.deadline = bound.deadline;
  call.bound = bound;
  if (call.timer !== undefined) clearTimeout(call.timer);
  call.timer = undefined;
  if (bound.deadline === Infinity) return;
  call.timer = setTimeout(() => {
    call.gaveUp = true;
    call.controller.abort();
  }, Math.max(0, bound.deadline - Date.now()));
  // a request in flight keeps the process alive on its own; the timer alone must not
  call.timer.unref?.();
};

/** The call answered (or failed): its timer is no longer needed. */
export const settle = (call: Call): void => {
  if (call.timer !== undefined) clearTimeout(call.timer);
  call.timer = undefined;
};

/** The Timeout error of a wait that reached its deadline. */
export const timeoutError = (id: string, bound: Bound, waitedFrom: number, cause?: unknown, notStarted = false): SecretsError => {
  const now = Date.now();
  const left = bound.deadline === Infinity ? 0 : Math.max(0, Math.round(bound.deadline - now + bound.margin));
  const waited = Math.max(0, Math.round(now - waitedFrom));
  const what = notStarted
    ? `not fetched: ${left} ms left before ${bound.source}, within the ${bound.margin} ms margin kept for the failure to be reported`
    : `no answer from Secrets Manager in ${waited} ms: gave up with ${left} ms left before ${bound.source} (margin ${bound.margin} ms), so the failure is reported instead of a Lambda timeout`;
  return new SecretsError(id, 'Timeout', what, cause !== undefined ? { cause } : {});
};

/** A wait on a shared request, ended by this waiter's own deadline (a later waiter can have a later one). */
export const waitFor = (promise: Promise<RawSecret>, id: string, bound: Bound, now: number, onTimeout: () => void): Promise<RawSecret> => {
  if (bound.deadline === Infinity) return promise;
  return new Promise<RawSecret>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(timeoutError(id, bound, now));
    }, Math.max(0, bound.deadline - now));
    promise.then(
      (raw) => {
        clearTimeout(timer);
        resolve(raw);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
};

