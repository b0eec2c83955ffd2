/**
 * The one deadline helper of lambdaware: every wait of every package (a secret fetch, the event line's wait for a
 * pending secret, the Sentry SDK's load, a Sentry flush) is bounded by the invocation's remaining time through here.
 *
 * - `deadlineOf(context)`: the invocation's deadline, read once from `getRemainingTimeInMillis()`. One fallback when
 *   there is no clock (a hand-made context, a throwing one): NO_CLOCK_MS from now, said in `source`.
 * - `deadline.allow(wantMs, keepMs)`: how long one wait may take: at most `wantMs`, and never into the last `keepMs`
 *   (what the steps after it need: the error line, the answer). Several waits of one invocation ask the same
 *   deadline in turn, so no wait can take the time a later one needs when each keeps its successors' share.
 * - `boundedWait(promise, ms)`: waits at most `ms`, and says what happened and how long it actually waited.
 */

/** The bound of a wait when the context gives no remaining time (not Lambda's context). */
export const NO_CLOCK_MS = 10_000;

export interface Deadline {
  /** Date.now() at the deadline. */
  readonly at: number;
  /** False when the context had no clock (the deadline is NO_CLOCK_MS after it was read). */
  readonly known: boolean;
  /** What the deadline is, for messages: "the invocation's deadline" or "10000 ms (the context has no clock)". */
  readonly source: string;
  /** Milliseconds left (never negative). */
  remaining(now?: number): number;
  /** How long one wait may take: min(wantMs, remaining - keepMs), never negative. */
  allow(wantMs: number, keepMs?: number, now?: number): number;
}

class InvocationDeadline implements Deadline {
  constructor(
    readonly at: number,
    readonly known: boolean,
    readonly source: string,
  ) {}
  remaining(now = Date.now()): number {
    return Math.max(0, this.at - now);
  }
  allow(wantMs: number, keepMs = 0, now = Date.now()): number {
    return Math.max(0, Math.min(wantMs, this.at - now - keepMs));
  }
}

/** A context's remaining time in ms, or undefined when it has no working clock. Never throws. */
export const remainingTimeOf = (context: unknown): number | undefined => {
  try {
    const f = (context as { getRemainingTimeInMillis?: unknown } | null | undefined)?.getRemainingTimeInMillis;
    if (typeof f !== 'function') return undefined;
    const r: unknown = f.call(context);
    return typeof r === 'number' && Number.isFinite(r) ? Math.max(0, r) : undefined;
  } catch {
    return undefined;
  }
};

const cache = new WeakMap<object, Deadline>();

/**
 * The deadline of the invocation `context` belongs to. Read once per context object and kept (a Lambda context is
 * one invocation's), so every package of one invocation bounds its waits by the same instant.
 */
export const deadlineOf = (context: unknown, now = Date.now()): Deadline => {
  const key = typeof context === 'object' && context !== null ? context : undefined;
  const known = key ? cache.get(key) : undefined;
  if (known) return known;
  const remaining = remainingTimeOf(context);
  const d =
    remaining === undefined
      ? new InvocationDeadline(now + NO_CLOCK_MS, false, `${NO_CLOCK_MS} ms (the context has no getRemainingTimeInMillis)`)
      : new InvocationDeadline(now + remaining, true, "the invocation's deadline");
  if (key) cache.set(key, d);
  return d;
};

/** A deadline `ms` from now (a bound of one's own: a prefetch, a timeoutMs option). */
export const deadlineIn = (ms: number, source: string, now = Date.now()): Deadline => new InvocationDeadline(now + Math.max(0, ms), true, source);

export type WaitOutcome<T> =
  | { settled: true; ok: true; value: T; waitedMs: number }
  | { settled: true; ok: false; error: unknown; waitedMs: number }
  | { settled: false; waitedMs: number };

/**
 * Waits for `promise` at most `ms` milliseconds (an unref'd timer: it never keeps the process alive). Never rejects:
 * the outcome says whether it settled, how, and the time actually waited (not the limit).
 */
export const boundedWait = <T>(promise: PromiseLike<T>, ms: number): Promise<WaitOutcome<T>> => {
  const start = Date.now();
  const waited = (): number => Date.now() - start;
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (ms !== Infinity) {
      timer = setTimeout(() => resolve({ settled: false, waitedMs: waited() }), Math.max(0, ms));
      timer.unref?.();
    }
    Promise.resolve(promise).then(
      (value) => {
        clearTimeout(timer);
        resolve({ settled: true, ok: true, value, waitedMs: waited() });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ settled: true, ok: false, error, waitedMs: waited() });
      },
    );
  });
};
