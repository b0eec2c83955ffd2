/**
 * The bounds of every wait of @lambdaware/secrets, on the one deadline helper of @lambdaware/shared: a fetch gives
 * up at the invocation's deadline (`deadlineOf(context)`, one fallback when there is no clock) less a margin, or at
 * a bound of its own (`deadlineIn`: the prefetch's, getSecretValues' timeoutMs), so that the failure is reported
 * instead of a Lambda timeout. Waits go through `boundedWait`, and messages state the time actually waited.
 */
import { type Deadline, boundedWait, deadlineOf } from '@lambdaware/shared';
import { SecretsError, type SecretKind } from './errors.js';

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

/**
 * The bound of a wait ending `margin` ms before `deadline` (from `deadlineOf` or `deadlineIn`). Without a clock
 * (the shared NO_CLOCK_MS fallback) no margin is kept: that deadline is not the invocation's.
 */
export const boundOf = (deadline: Deadline, margin: number): Bound =>
  deadline.known ? { deadline: deadline.at - margin, margin, source: deadline.source } : { deadline: deadline.at, margin: 0, source: deadline.source };

/** The bound of a wait in the invocation of `context`: its deadline less `margin`. */
export const invocationBoundOf = (context: unknown, margin: number, now?: number): Bound => boundOf(deadlineOf(context, now), margin);

/** One request (or one batch chunk) to the service: aborted at the latest deadline of its waiters. */
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
  call.timer = setTimeout(
    () => {
      call.gaveUp = true;
      call.controller.abort();
    },
    Math.max(0, bound.deadline - Date.now()),
  );
  // a request in flight keeps the process alive on its own; the timer alone must not
  call.timer.unref?.();
};

/** The call answered (or failed): its timer is no longer needed. */
export const settle = (call: Call): void => {
  if (call.timer !== undefined) clearTimeout(call.timer);
  call.timer = undefined;
};

/** What a Timeout is about: the service's name in messages, and what the id names. */
export interface TimeoutWhat {
  service: string;
  kind: SecretKind;
}

const SECRETS_MANAGER: TimeoutWhat = { service: 'Secrets Manager', kind: 'secret' };

/**
 * The Timeout error of a wait that reached its deadline. `requestFrom`: when the request started (the time it went
 * unanswered, which is what is reported); `waitedFrom`: when this wait started, said too when it is shorter (an
 * invocation waiting for the prefetch's request, started at init).
 */
export const timeoutError = (
  id: string,
  bound: Bound,
  requestFrom: number,
  cause?: unknown,
  notStarted = false,
  waitedFrom = requestFrom,
  what: TimeoutWhat = SECRETS_MANAGER,
): SecretsError => {
  const now = Date.now();
  const left = bound.deadline === Infinity ? 0 : Math.max(0, Math.round(bound.deadline - now + bound.margin));
  const unanswered = Math.max(0, Math.round(now - requestFrom));
  const waited = Math.max(0, Math.round(now - waitedFrom));
  const own = waited < unanswered ? ` (a request started ${unanswered - waited} ms before this wait; this wait took ${waited} ms)` : '';
  const message = notStarted
    ? `not fetched: ${left} ms left before ${bound.source}, within the ${bound.margin} ms margin kept for the failure to be reported`
    : `no answer from ${what.service} in ${unanswered} ms: gave up with ${left} ms left before ${bound.source} (margin ${bound.margin} ms), so the failure is reported instead of a Lambda timeout${own}`;
  return new SecretsError(id, 'Timeout', message, { kind: what.kind, ...(cause !== undefined ? { cause } : {}) });
};

/** A wait on a shared request, ended by this waiter's own deadline (a later waiter can have a later one). */
export const waitFor = async <T>(
  promise: Promise<T>,
  id: string,
  bound: Bound,
  now: number,
  onTimeout: () => void,
  requestFrom = now,
  what?: TimeoutWhat,
): Promise<T> => {
  if (bound.deadline === Infinity) return promise;
  const outcome = await boundedWait(promise, Math.max(0, bound.deadline - now));
  if (outcome.settled) {
    if (outcome.ok) return outcome.value;
    throw outcome.error;
  }
  onTimeout();
  throw timeoutError(id, bound, Math.min(requestFrom, now), undefined, false, now, what);
};
