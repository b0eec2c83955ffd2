import { hasSecrets, redactDeep, redactJsonText, safeString } from '@lambdaware/shared';

/**
 * What becomes one log line, and the bounds every line keeps: JSON data only (own keys, a depth limit, `toJSON()`
 * honoured as JSON.stringify does, hostile values read without a throw), registered secrets masked where they stand
 * (before serialization). The size bound of a serialized line is in line-size.ts.
 */

/** Objects nested deeper than this are written as DEPTH_MARKER (a 3,000-level object must not throw). */
export const MAX_DEPTH = 64;
export const DEPTH_MARKER = '[Depth limit]';
export const CIRCULAR_MARKER = '[Circular]';

/**
 * The keys Powertools reserves: a field of that name (logged data, `with()`, `set()`, `appendKeys()`) is dropped
 * with a warning line, as Powertools does.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['level', 'message', 'timestamp', 'service', 'sampling_rate']);

/**
 * Every key the line itself writes from the invocation's context: a field of the same name is written as
 * `field_<key>`, whether the line has the key or not (a payload's `function_request_id` never becomes the request
 * id, even before the first invocation).
 */
export const CONTEXT_KEYS: ReadonlySet<string> = new Set([
  'environment',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'xray_trace_id',
  'tenant_id',
  'correlation_id',
  'buffered',
  'line_truncated',
  'fields_omitted',
]);

/** The line's own keys (RESERVED_KEYS and CONTEXT_KEYS): never masked nor cut. */
export const BASE_KEYS: ReadonlySet<string> = new Set([...RESERVED_KEYS, ...CONTEXT_KEYS]);

/** Sets `target[key]` as an own data property, also for the key `__proto__` (an assignment would set the prototype). */
export const putOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
};

const unreadable = (e: unknown): string => `[Unreadable: ${safeString(e)}]`;

/**
 * `value` as JSON data: plain objects (own enumerable string keys only, `__proto__` kept as a key), arrays, strings,
 * numbers, booleans and null. BigInt -> string, Error -> `{ name, message, stack, ...own properties, cause }`,
 * Map -> object, Set -> array, Buffer/typed array -> base64, any object with `toJSON()` (a plain object too, a Date)
 * -> what it returns, as JSON.stringify writes it; function and symbol -> their description, a circular reference
 * -> CIRCULAR_MARKER, deeper than MAX_DEPTH -> DEPTH_MARKER. A value that throws when read (a getter, a toJSON, a
 * Proxy whose traps throw, a revoked Proxy) -> `[Unreadable: <what it threw>]` in its place; the rest is kept.
 *
 * With `keepInstances` (a team's own Powertools Logger or a `jsonReplacerFn`, which must still see its values), Map,
 * Set, Date, class instances and BigInt are left as they are for that replacer.
 */
export const toJsonData = (value: unknown, keepInstances = false): unknown => walk(value, 0, [], keepInstances);

const walk = (value: unknown, depth: number, ancestors: object[], keep: boolean): unknown => {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return value;
    case 'bigint':
      return keep ? value : value.toString();
    case 'function':
      return `[Function ${safeName(value)}]`;
    case 'symbol':
      return value.toString();
  }
  if (value === null) return null;
  const obj = value as object;
  if (ancestors.includes(obj)) return CIRCULAR_MARKER;
  if (depth >= MAX_DEPTH) return DEPTH_MARKER;
  ancestors.push(obj);
  try {
    return walkObject(obj, depth + 1, ancestors, keep);
  } catch (e) {
    return unreadable(e);
  } finally {
    ancestors.pop();
  }
};

const safeName = (f: unknown): string => {
  try {
    const n = (f as { name?: unknown }).name;
    return typeof n === 'string' && n !== '' ? n : 'anonymous';
  } catch {
    return 'anonymous';
  }
};

/** Reads `obj[key]`; a throwing getter or Proxy trap gives its `[Unreadable: …]` note instead. */
const readKey = (obj: object, key: string, depth: number, ancestors: object[], keep: boolean): unknown => {
  let v: unknown;
  try {
    v = (obj as Record<string, unknown>)[key];
  } catch (e) {
    return unreadable(e);
  }
  return walk(v, depth, ancestors, keep);
};

const walkObject = (obj: object, depth: number, ancestors: object[], keep: boolean): unknown => {
  // Array.isArray and the prototype throw on a revoked Proxy: caught by walk(), the value is [Unreadable: …]
  if (Array.isArray(obj)) {
    const n = obj.length;
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = readKey(obj, String(i), depth, ancestors, keep);
      out[i] = v === undefined ? null : v;
    }
    return out;
  }
  const proto = Object.getPrototypeOf(obj);
  const plain = proto === Object.prototype || proto === null;
  if (!plain) {
    if (obj instanceof Uint8Array) return Buffer.from(obj.buffer, obj.byteOffset, obj.byteLength).toString('base64');
    if (keep && !(obj instanceof Error)) return obj;
  }
  // JSON.stringify writes what toJSON() returns, on any object (a plain one too); the logger writes the same
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    const json: unknown = toJSON.call(obj, '');
    return json === obj ? ownKeys(obj, depth, ancestors, keep) : walk(json, depth - 1, ancestors, keep);
  }
  if (plain) return ownKeys(obj, depth, ancestors, keep);
  if (obj instanceof Error) return errorData(obj, depth, ancestors, keep);
  if (obj instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of obj) putOwn(out, typeof k === 'string' ? k : safeString(k), walk(v, depth, ancestors, keep));
    return out;
  }
  if (obj instanceof Set) return walkObject([...obj], depth, ancestors, keep);
  return ownKeys(obj, depth, ancestors, keep);
};

const ownKeys = (obj: object, depth: number, ancestors: object[], keep: boolean): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    const v = readKey(obj, key, depth, ancestors, keep);
    if (v !== undefined) putOwn(out, key, v);
  }
  return out;
};

const errorData = (error: Error, depth: number, ancestors: object[], keep: boolean): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const key of ['name', 'message', 'stack']) {
    const v = readKey(error, key, depth, ancestors, keep);
    if (v !== undefined) out[key] = v;
  }
  for (const key of Object.keys(error)) {
    const v = readKey(error, key, depth, ancestors, keep);
    if (v !== undefined) putOwn(out, key, v);
  }
  const cause = readKey(error, 'cause', depth, ancestors, keep);
  if (cause !== undefined) out.cause = cause;
  return out;
};

/** Whether `value` needs toJsonData() (anything but a string, number, boolean, null or undefined). */
export const needsWalk = (value: unknown): boolean => {
  if (value === null || value === undefined) return false;
  const t = typeof value;
  return t !== 'string' && t !== 'number' && t !== 'boolean';
};

/** Masks the JSON texts held in strings (an SQS or API Gateway `body`) with shared's JSON-text masker. */
const maskJsonStrings = (value: unknown): unknown => {
  if (typeof value === 'string') {
    const c = value.charCodeAt(0);
    return c === 0x7b || c === 0x5b ? redactJsonText(value) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const m = maskJsonStrings(value[i]);
      if (m !== value[i]) (copy ??= [...value])[i] = m;
    }
    return copy ?? value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // kept for a replacer: masked by redactDeep
  let copy: Record<string, unknown> | undefined;
  for (const k of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[k];
    const m = maskJsonStrings(v);
    if (m !== v) {
      copy ??= { ...(value as Record<string, unknown>) };
      putOwn(copy, k, m);
    }
  }
  return copy ?? value;
};

/**
 * The fields of a line (JSON data) with registered secrets masked: structurally (`redactDeep`: values, keys, whole
 * values, numbers; text secrets also in their JSON-escaped forms), then whole-value secrets inside strings that hold
 * JSON (`redactJsonText`). `fields` itself when no secret is registered.
 */
export const maskedFields = <T>(fields: T): T => (hasSecrets() ? (maskJsonStrings(redactDeep(fields)) as T) : fields);

/**
 * A line's message as a string, never a throw: a string as it is; undefined as ''; a number, boolean, BigInt or null
 * as String() writes it; any other value (an object, an array) as its JSON data's text. Masked when secrets are
 * registered (for a non-string, before it is made text, so `{ token }` is masked like a field).
 */
export const messageText = (message: unknown): string => {
  if (typeof message === 'string') return message;
  if (message === undefined) return '';
  if (!needsWalk(message) || typeof message === 'bigint' || typeof message === 'symbol') return String(message);
  const data = maskedFields(toJsonData(message));
  if (typeof data === 'string') return data;
  try {
    return JSON.stringify(data) ?? String(data);
  } catch (e) {
    return unreadable(e);
  }
};
