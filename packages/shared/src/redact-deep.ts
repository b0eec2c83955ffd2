/** Masking values, thrown values and errors in place with the registered secrets (the walk is in redact-walk.ts). */
import { KEYS } from './keys.js';
import { type RedactionRegistry, hasSecrets, registry } from './redaction.js';
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
 * Masks a thrown error in place: every own property the Lambda runtime could print (aws-lambda-ric writes
 * errorType, errorMessage, the stack and every enumerable own property, through JSON.stringify; its response body and
 * X-Ray cause carry name, message and stack), down the `cause` chain and AggregateError's `errors`, nested errors in
 * place and other values as masked copies. Returns the error itself, or a masked copy when a property could not be
 * changed (a frozen error).
 */
const maskErrorInPlace = (r: RedactionRegistry, error: Error, seen: Set<object>): unknown => {
  if (seen.has(error)) return error;
  seen.add(error);
  let keys: (string | symbol)[];
  try {
    keys = Reflect.ownKeys(error).filter((k) => typeof k === 'string' || k === KEYS.errorValues);
  } catch {
    return redactValue(r, error);
  }
  let failed = false;
  for (const key of keys) {
    const v = read(error, key);
    if (v === THROWS) continue;
    let masked: unknown;
    if (v instanceof Error) masked = maskErrorInPlace(r, v, seen);
    else if (Array.isArray(v) && v.some((x) => x instanceof Error)) {
      masked = v.map((x) => (x instanceof Error ? maskErrorInPlace(r, x, seen) : redactValue(r, x)));
      if ((masked as unknown[]).every((x, i) => x === v[i])) masked = v;
    } else masked = redactValue(r, v);
    if (masked === v) continue;
    try {
      const d = Object.getOwnPropertyDescriptor(error, key);
      Object.defineProperty(error, key, { value: masked, enumerable: d?.enumerable ?? true, writable: true, configurable: true });
    } catch {
      failed = true;
    }
  }
  return failed ? redactValue(r, error) : error;
};

/**
 * Masks a thrown value before the runtime sees it; assign the result back (`request.error = redactThrown(request.error)`):
 * an Error is masked in place (see above; the same object unless it is frozen), a string, number or BigInt is
 * returned masked, any other object as a masked copy. Returns `value` itself when no secret is registered.
 */
export const redactThrown = (value: unknown): unknown => {
  if (!hasSecrets()) return value;
  const r = registry();
  if (value instanceof Error) return maskErrorInPlace(r, value, new Set());
  return redactValue(r, value);
};

/**
 * Masks a thrown error in place (see redactThrown); a value that cannot be masked in place (a string, a frozen
 * error) is left as it is: prefer `redactThrown` and assign its result. No-op without secrets.
 */
export const redactErrorInPlace = (error: unknown): void => {
  if (!hasSecrets() || !(error instanceof Error)) return;
  maskErrorInPlace(registry(), error, new Set());
};
