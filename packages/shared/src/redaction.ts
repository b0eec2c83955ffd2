import { KEYS } from './keys.js';

/** What a registered secret value is replaced with in any output. */
export const REDACTED = '****';

/** Values shorter than this are not registered: masking "1" or "true" everywhere would wreck every log line. */
export const MIN_SECRET_LENGTH = 4;

interface RedactionRegistry {
  values: Set<string>;
  /** Longest first, so that a secret containing another is masked whole. Rebuilt lazily. */
  sorted: string[] | undefined;
}

const registry = (): RedactionRegistry => {
  const g = globalThis as Record<symbol, RedactionRegistry | undefined>;
  let r = g[KEYS.redaction];
  if (r === undefined) {
    r = { values: new Set(), sorted: undefined };
    g[KEYS.redaction] = r;
  }
  return r;
};

/** The registered values, longest first (so that a secret containing another is masked whole). */
const sortedSecrets = (r: RedactionRegistry): string[] => (r.sorted ??= [...r.values].sort((a, b) => b.length - a.length));

/**
 * Registers a secret value (and, for a JSON object or array, every string leaf in it) so that it never appears
 * in output written through lambdaware. Strings shorter than MIN_SECRET_LENGTH are ignored.
 */
export const registerSecret = (value: unknown): void => {
  const r = registry();
  const before = r.values.size;
  collectStrings(value, r.values, new Set());
  if (r.values.size !== before) r.sorted = undefined;
};

const collectStrings = (value: unknown, into: Set<string>, seen: Set<object>): void => {
  if (typeof value === 'string') {
    if (value.length >= MIN_SECRET_LENGTH) into.add(value);
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (value instanceof Uint8Array) return;
  for (const v of Array.isArray(value) ? value : Object.values(value)) collectStrings(v, into, seen);
};

/** Forgets every registered value (for tests). */
export const clearSecrets = (): void => {
  const r = registry();
  r.values.clear();
  r.sorted = undefined;
};

/** True when no secret is registered: callers can skip redaction work entirely. */
export const hasSecrets = (): boolean => registry().values.size > 0;

/** Replaces every registered secret value occurring in `text` with REDACTED. */
export const redactString = (text: string): string => {
  const r = registry();
  if (r.values.size === 0) return text;
  let out = text;
  for (const secret of sortedSecrets(r)) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
};

/**
 * Returns a copy of `value` in which every string (and object key) has its secrets masked.
 * Objects that contain no secret are returned as they are (no copy).
 */
export const redactDeep = <T>(value: T): T => {
  if (!hasSecrets()) return value;
  return redactValue(value, new Map()) as T;
};

const redactValue = (value: unknown, seen: Map<object, unknown>): unknown => {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  if (value instanceof Error) {
    const copy = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
    seen.set(value, copy);
    // `stack` is an own accessor in V8: read every own property through the getter, write a data property.
    for (const key of Reflect.ownKeys(value)) {
      const { enumerable } = Object.getOwnPropertyDescriptor(value, key)!;
      const v = redactValue((value as unknown as Record<PropertyKey, unknown>)[key], seen);
      Object.defineProperty(copy, key, { value: v, enumerable, writable: true, configurable: true });
    }
    return copy;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const v of value) copy.push(redactValue(v, seen));
    return copy;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // Map, Set, Buffer, class instances: left to the serializer
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [k, v] of Object.entries(value)) copy[redactString(k)] = redactValue(v, seen);
  return copy;
};

/**
 * Masks registered secrets in the `message` and `stack` of a thrown error and of each error in its `cause` chain
 * (and AggregateError's `errors`), in place: the Lambda runtime prints the error it receives (errorMessage and
 * trace) without asking anyone, so a secret in a message must be masked on the error object itself before it
 * leaves the handler. The object stays the same; only text holding a secret changes. No-op without secrets.
 */
export const redactErrorInPlace = (error: unknown): void => {
  if (!hasSecrets()) return;
  const seen = new Set<unknown>();
  const visit = (e: unknown): void => {
    if (e === null || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const err = e as { message?: unknown; stack?: unknown; cause?: unknown; errors?: unknown };
    for (const key of ['message', 'stack'] as const) {
      try {
        const text = err[key];
        if (typeof text === 'string') {
          const masked = redactString(text);
          if (masked !== text) err[key] = masked;
        }
      } catch {
        // a frozen error or a throwing accessor: nothing more can be done on this one
      }
    }
    try {
      visit(err.cause);
      if (Array.isArray(err.errors)) for (const inner of err.errors) visit(inner);
    } catch {
      // a throwing accessor
    }
  };
  visit(error);
};

/** For each sorted secret list, the forms a secret takes inside JSON text, longest first. */
const jsonForms = new WeakMap<string[], string[]>();

const escape = (s: string): string => JSON.stringify(s).slice(1, -1);

const formsOf = (sorted: string[]): string[] => {
  let forms = jsonForms.get(sorted);
  if (forms === undefined) {
    const set = new Set<string>();
    for (const secret of sorted) {
      const once = escape(secret); // the secret as a JSON string value: `"` -> `\"`, `\` -> `\\`, control chars
      set.add(once);
      set.add(escape(once)); // and inside a JSON string that is itself a JSON value (an API Gateway body)
    }
    forms = [...set].sort((a, b) => b.length - a.length);
    jsonForms.set(sorted, forms);
  }
  return forms;
};

/**
 * Masks every registered secret in a serialized JSON text (a log line), in the form the secret takes there:
 * JSON-escaped (a password with `"` or `\` is written `\"`, `\\`), and escaped twice when it sits inside a string
 * that holds JSON. The raw form of a secret that JSON escapes cannot occur inside a string value, and replacing it
 * could break the line's structure, so only the escaped forms are replaced. Returns `text` itself when no secret
 * is registered.
 */
export const redactJsonText = (text: string): string => {
  const r = registry();
  if (r.values.size === 0) return text;
  let out = text;
  for (const form of formsOf(sortedSecrets(r))) {
    if (out.includes(form)) out = out.split(form).join(REDACTED);
  }
  return out;
};

/**
 * Masks a thrown value before the runtime sees it: an object (error, plain object) in place, a thrown string by
 * returning the masked string (assign the result back to `request.error`). Returns `value` itself when no secret is
 * registered. (Contract used by @lambdaware/errors' errorLog(); the secrets work extends what it covers.)
 */
export const redactThrown = (value: unknown): unknown => {
  if (!hasSecrets()) return value;
  if (typeof value === 'string') return redactString(value);
  redactErrorInPlace(value);
  return value;
};

/** Secret loads (Secrets Manager fetches) in flight, so that a line written before they settle can wait for them. */
const pending = (): Set<Promise<unknown>> => {
  const g = globalThis as Record<symbol, Set<Promise<unknown>> | undefined>;
  return (g[KEYS.pendingSecrets] ??= new Set());
};

/** Called by @lambdaware/secrets for every load it starts (a prefetch at init, a fetch in `before`). */
export const trackSecretLoad = (load: Promise<unknown>): void => {
  const set = pending();
  set.add(load);
  const done = (): void => {
    set.delete(load);
  };
  load.then(done, done);
};

/**
 * A promise that settles (never rejects) when every secret load started so far has settled, or `undefined` when none
 * is in flight. A writer that may print secret values (the logger's event line) awaits it, bounded by the
 * invocation's remaining time, before it writes.
 */
export const pendingSecrets = (): Promise<void> | undefined => {
  const set = pending();
  if (set.size === 0) return undefined;
  return Promise.allSettled([...set]).then(() => undefined);
};
