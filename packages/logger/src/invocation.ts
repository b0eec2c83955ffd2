import { MAX_MESSAGE_CHARS, type RecentLine, cutString, fitJson, redactDeep, truncationMarker } from '@lambdaware/shared';

/**
 * What one invocation owns in a logger: its context keys, its temporary keys (`set()`, `appendKeys()`), its
 * correlation id, its level when sampled, its buffer of held lines and its recent lines. One object per invocation:
 * on Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY set, several invocations in one process) it lives in
 * aws-lambda-ric's InvokeStore (an AsyncLocalStorage) under a key of the logger, so concurrent invocations never
 * share one; otherwise the logger holds one, replaced at the start of each invocation.
 */
export interface InvocationState {
  /** The line's context keys, in order (function_name, function_request_id, …), or undefined outside an invocation. */
  context: Record<string, unknown> | undefined;
  /** Temporary keys: `set()`, `appendKeys()` (raw values, made JSON data per line). */
  keys: Record<string, unknown> | undefined;
  correlationId: string | undefined;
  /** The level threshold of this invocation when sampling raised it to debug. */
  sampledLevel: number | undefined;
  buffer: LineBuffer | undefined;
  recent: RecentLines | undefined;
}

export const newState = (): InvocationState => ({
  context: undefined,
  keys: undefined,
  correlationId: undefined,
  sampledLevel: undefined,
  buffer: undefined,
  recent: undefined,
});

/** aws-lambda-ric's InvokeStore, as it publishes it on `globalThis.awslambda` (no import: the runtime's own copy). */
interface InvokeStoreLike {
  hasContext(): boolean;
  get(key: symbol): unknown;
  set(key: symbol, value: unknown): void;
}

const invokeStore = (): InvokeStoreLike | undefined => {
  const store = (globalThis as { awslambda?: { InvokeStore?: InvokeStoreLike } }).awslambda?.InvokeStore;
  return store !== undefined && typeof store.hasContext === 'function' && store.hasContext() ? store : undefined;
};

/** True when invocations may run concurrently in this process (Lambda Managed Instances). */
export const multiConcurrency = (): boolean => process.env.AWS_LAMBDA_MAX_CONCURRENCY !== undefined;

/**
 * One value per invocation: in the InvokeStore's current context under Managed Instances, else one shared slot.
 * `multi` (AWS_LAMBDA_MAX_CONCURRENCY set) is read from the environment when created and by `refresh()`, not per
 * line nor per invocation (a `process.env` read costs more than the rest of an invocation's bookkeeping).
 */
export class InvocationScoped<T> {
  readonly #key: symbol;
  readonly #fresh: () => T;
  #shared: T;
  #multi = multiConcurrency();

  constructor(name: string, fresh: () => T) {
    this.#key = Symbol(name);
    this.#fresh = fresh;
    this.#shared = fresh();
  }

  refresh(): void {
    this.#multi = multiConcurrency();
  }

  get(): T {
    if (this.#multi) {
      const store = invokeStore();
      if (store !== undefined) {
        let v = store.get(this.#key) as T | undefined;
        if (v === undefined) {
          v = this.#fresh();
          store.set(this.#key, v);
        }
        return v;
      }
    }
    return this.#shared;
  }

  /** A new value for the invocation starting now (the shared slot, or this invocation's in the InvokeStore). */
  reset(): T {
    const v = this.#fresh();
    const store = this.#multi ? invokeStore() : undefined;
    if (store !== undefined) store.set(this.#key, v);
    else this.#shared = v;
    return v;
  }
}

/** Bounds of the buffer of held lines (Powertools' `logBufferOptions`, plus `maxLines`). */
export interface BufferBounds {
  maxBytes: number;
  maxLines: number;
}

/**
 * The lines held below the level during one invocation, already serialized (masked, bounded, marked
 * `"buffered":true`), oldest first; over `maxLines` or `maxBytes` the oldest are dropped and counted.
 */
export class LineBuffer {
  lines: string[] = [];
  bytes = 0;
  dropped = 0;
  constructor(readonly bounds: BufferBounds) {}

  push(line: string): void {
    this.lines.push(line);
    this.bytes += line.length;
    while (this.lines.length > 0 && (this.lines.length > this.bounds.maxLines || this.bytes > this.bounds.maxBytes)) {
      this.bytes -= this.lines.shift()!.length;
      this.dropped += 1;
    }
  }

  /** The held lines (and the count dropped), emptying the buffer. */
  take(): { lines: string[]; dropped: number } {
    const out = { lines: this.lines, dropped: this.dropped };
    this.lines = [];
    this.bytes = 0;
    this.dropped = 0;
    return out;
  }
}

/** The recent lines kept per invocation for the failure's Sentry event: the last RECENT_LINES, at most RECENT_BYTES. */
export const RECENT_LINES = 100;
export const RECENT_BYTES = 16 * 1024;

interface Kept {
  attributes: Record<string, unknown>;
  size: number;
  buffered: boolean;
}

/**
 * The invocation's recent lines (written and held), kept by reference in a ring of RECENT_LINES slots (no copy, no
 * shift per line) and made RecentLine only when read (on a failure).
 */
export class RecentLines {
  readonly #ring: (Kept | undefined)[] = [];
  #head = 0;
  #count = 0;
  #bytes = 0;

  add(attributes: Record<string, unknown>, size: number, buffered: boolean): void {
    if (this.#count === RECENT_LINES) this.#dropOldest();
    this.#ring[(this.#head + this.#count) % RECENT_LINES] = { attributes, size, buffered };
    this.#count += 1;
    this.#bytes += size;
    while (this.#bytes > RECENT_BYTES && this.#count > 1) this.#dropOldest();
  }

  #dropOldest(): void {
    this.#bytes -= this.#ring[this.#head]!.size;
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) % RECENT_LINES;
    this.#count -= 1;
  }

  #kept(): Kept[] {
    const out: Kept[] = [];
    for (let i = 0; i < this.#count; i++) out.push(this.#ring[(this.#head + i) % RECENT_LINES]!);
    return out;
  }

  /** Oldest first; each line's data bounded so the whole stays about RECENT_BYTES; masked again (secrets registered since). */
  read(): RecentLine[] {
    return redactDeep(this.#read());
  }

  #read(): RecentLine[] {
    const kept = this.#kept();
    const per = Math.max(256, Math.floor(RECENT_BYTES / Math.max(1, kept.length)));
    let last = 0;
    return kept.map(({ attributes, buffered }) => {
      const { level, message, timestamp: at, buffered: _b, ...data } = attributes;
      // the line's own timestamp (ISO, UTC or with TZ's offset); never before the line above it
      const parsed = typeof at === 'string' ? Date.parse(at) : Number.NaN;
      const timestamp = (last = Math.max(last, Number.isNaN(parsed) ? Date.now() : parsed));
      const line: RecentLine = {
        timestamp,
        level: String(level ?? '').toLowerCase(),
        message: cutString(String(message ?? ''), Math.min(MAX_MESSAGE_CHARS, per)),
      };
      if (Object.keys(data).length > 0) {
        line.data = fitJson(data, per, (bytes) => ({ data_truncated: truncationMarker(bytes, 'bytes') })).value;
      }
      if (buffered) line.buffered = true;
      return line;
    });
  }
}
