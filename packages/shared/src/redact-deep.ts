/** Masking values, thrown values and errors in place with the registered secrets (the walk is in redact-walk.ts). */
import { KEYS } from './keys.js';
import { REDACTED, type RedactionRegistry, hasSecrets, maskInside, registry } from './redaction.js';
import { THROWS, read, redactValue } from './redact-walk.js';

/**
 * Returns `value` with every registered secret masked where it is a value: text secrets inside every string (and
 * object key), whole-value secrets where a string value is exactly the secret, number secrets where a number or
 * BigInt equals them too (a number becomes the string "****"; booleans, null and keys are never cut). Walks arrays, plain objects, class instances (their own
 * enumerable properties, or what their toJSON returns), errors (every own property, `cause`, AggregateError's
 * `errors`), Maps and Sets, at any depth, without recursion. Copies only what changes: the objects that contain no
 * secret are returned as they are, and `value` itself when nothing is registered. A cycle in a copied object is
 * written "[Circular]".
 */
export const redactDeep = <T>(value: T): T => {
  if (!hasSecrets()) return value;
  return redactValue(registry(), value) as T;
};

/**
 * The most errors one thrown value has masked in place (breadth first: the error itself, then what it holds, its
 * `cause` and AggregateError's `errors`). Past it, the errors deeper or further along are left as they are: the
 * runtime never prints them (it prints the thrown error's enumerable properties; `cause` and `errors` are not), and
 * lambdaware's own writers (the error line, Sentry) stop long before (maxDepth 10, maxErrors 50) and mask what they
 * write. So the cost is linear and capped, and a 5,000-deep cause chain or 100,000 members cannot exhaust the stack.
 */
export const MAX_THROWN_ERRORS = 1000;

const MASKING_TO_JSON = Symbol('lambdaware.maskingToJSON');

/**
 * JSON.stringify (the runtime's Invoke Error line) prints what an error's `toJSON()` returns: an own, non-enumerable
 * `toJSON` that returns it masked, read when it is printed (so private state it reads, `#config`, is masked too).
 */
const maskToJSON = (r: RedactionRegistry, error: Error): boolean => {
  let toJSON: unknown;
  try {
    toJSON = (error as { toJSON?: unknown }).toJSON;
  } catch {
    return true;
  }
  if (typeof toJSON !== 'function' || (toJSON as { [MASKING_TO_JSON]?: true })[MASKING_TO_JSON]) return true;
  const original = toJSON as (this: unknown, key?: string) => unknown;
  const masking = function (this: unknown, key?: string): unknown {
    return redactValue(r, original.call(this, key));
  };
  Object.defineProperty(masking, MASKING_TO_JSON, { value: true });
  try {
    Object.defineProperty(error, 'toJSON', { value: masking, enumerable: false, writable: true, configurable: true });
    return true;
  } catch {
    return false;
  }
};

/**
 * Masks one error in place: every own property the runtime could print, by value and by name (aws-lambda-ric
 * writes errorType, errorMessage, the stack and every enumerable own property through JSON.stringify, which also
 * follows toJSON), and its toJSON's result. Nested errors are queued (masked in place by the caller's loop), other
 * values replaced by masked copies. False when a property could not be changed (a frozen error).
 */
const maskOneError = (r: RedactionRegistry, error: Error, queue: Error[]): boolean => {
  let keys: (string | symbol)[];
  try {
    keys = Reflect.ownKeys(error).filter((k) => typeof k === 'string' || k === KEYS.errorValues);
  } catch {
    return false;
  }
  let ok = maskToJSON(r, error);
  for (const key of keys) {
    const v = read(error, key);
    if (v === THROWS) continue;
    let masked: unknown;
    if (v instanceof Error) {
      queue.push(v);
      masked = v;
    } else if (Array.isArray(v) && v.some((x) => x instanceof Error)) {
      masked = v.map((x) => {
        if (!(x instanceof Error)) return redactValue(r, x);
        queue.push(x);
        return x;
      });
      if ((masked as unknown[]).every((x, i) => x === v[i])) masked = v;
    } else masked = redactValue(r, v);
    const name = typeof key === 'string' ? maskInside(r, key) : key;
    if (masked === v && name === key) continue;
    try {
      const d = Object.getOwnPropertyDescriptor(error, key);
      if (name !== key) {
        let free = name as string;
        for (let n = 2; Object.hasOwn(error, free); n++) free = `${REDACTED}#${n}`;
        Object.defineProperty(error, free, { value: masked, enumerable: d?.enumerable ?? true, writable: true, configurable: true });
        if (!Reflect.deleteProperty(error, key)) ok = false;
      } else {
        Object.defineProperty(error, key, { value: masked, enumerable: d?.enumerable ?? true, writable: true, configurable: true });
      }
    } catch {
      ok = false;
    }
  }
  return ok;
};

/**
 * Masks a thrown error in place, down the `cause` chain and AggregateError's `errors` (at most MAX_THROWN_ERRORS
 * errors, without recursion). Returns the error itself, or a masked copy when a property could not be changed (a
 * frozen error).
 */
const maskErrorInPlace = (r: RedactionRegistry, root: Error): unknown => {
  const seen = new Set<object>();
  const queue: Error[] = [root];
  let rootOk = true;
  for (let i = 0; i < queue.length && seen.size < MAX_THROWN_ERRORS; i++) {
    const error = queue[i]!;
    if (seen.has(error)) continue;
    seen.add(error);
    const ok = maskOneError(r, error, queue);
    if (error === root) rootOk = ok;
  }
  return rootOk ? root : redactValue(r, root);
};

/**
 * Masks a thrown value before the runtime sees it; assign the result back (`request.error = redactThrown(request.error)`):
 * an Error is masked in place (see above; the same object unless it is frozen), a string, number or BigInt is
 * returned masked, any other object as a masked copy. Returns `value` itself when no secret is registered.
 */
export const redactThrown = (value: unknown): unknown => {
  if (!hasSecrets()) return value;
  const r = registry();
  if (value instanceof Error) return maskErrorInPlace(r, value);
  return redactValue(r, value);
};

/**
 * Masks a thrown error in place (see redactThrown); a value that cannot be masked in place (a string, a frozen
 * error) is left as it is: prefer `redactThrown` and assign its result. No-op without secrets.
 */
export const redactErrorInPlace = (error: unknown): void => {
  if (!hasSecrets() || !(error instanceof Error)) return;
  maskErrorInPlace(registry(), error);
};
