import { hasSecrets, redactDeep, redactString, safeString } from '@lambdaware/shared';

/**
 * What becomes one log line, and the bounds every line keeps: a depth limit, own keys only, registered secrets
 * masked where they stand (before serialization), and a size limit. Nothing here throws on a value.
 */

/** Objects nested deeper than this are written as DEPTH_MARKER (a 3,000-level object must not throw). */
export const MAX_DEPTH = 64;
export const DEPTH_MARKER = '[Depth limit]';
export const CIRCULAR_MARKER = '[Circular]';

/**
 * The largest line written, in UTF-8 bytes (newline excluded): 256 KB, the per-event size CloudWatch Logs documented
 * for years and the size up to which the Lambda runtime keeps a line whole, minus a margin.
 * A larger line is cut by shrinkLine(): the line's own keys and the message (up to MAX_MESSAGE_CHARS) are kept, and
 * each field, from the largest, is replaced by the start of its JSON and a note of its size, until the line fits.
 * (CloudWatch Logs' PutLogEvents reference now states 1 MB per event; 256 KB is kept as the bound.)
 */
export const MAX_LINE_BYTES = 256 * 1024 - 1024;
/** In an oversize line, a message longer than this is cut (with a note of its length). */
export const MAX_MESSAGE_CHARS = 16 * 1024;

/**
 * The keys the line itself owns: a field (a payload, a `with()`/`set()` key) of the same name cannot replace them.
 * Such a field is written as `field_<key>` (the payload is kept; the line's level, message, time and request id stay
 * true). Powertools drops `level`, `message`, `timestamp`, `service` and `sampling_rate` fields with a warning line.
 */
export const OWN_KEYS: ReadonlySet<string> = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'function_request_id',
]);

/** The keys Powertools' formatter writes from the logger's own data (not from fields): never masked nor cut. */
export const BASE_KEYS: ReadonlySet<string> = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'environment',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
  'tenant_id',
]);

/** Sets `target[key]` as an own data property, also for the key `__proto__` (an assignment would set the prototype). */
export const putOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
};

const isPrimitive = (v: unknown): boolean => {
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean';
};

/**
 * `value` as JSON data: plain objects (own enumerable string keys only, `__proto__` kept as a key), arrays, strings,
 * numbers, booleans and null. BigInt -> string, Error -> `{ name, message, stack, ...own properties, cause }`,
 * Map -> object, Set -> array, Buffer/typed array -> base64, Date and other `toJSON()` -> its result, function and
 * symbol -> their description, a circular reference -> CIRCULAR_MARKER, deeper than MAX_DEPTH -> DEPTH_MARKER,
 * a getter or toJSON that throws -> `[Unreadable: <what it threw>]`.
 *
 * With `keepInstances` (a team's own Powertools Logger, whose replacer must still see its values), Map, Set, Date,
 * class instances and BigInt are left as they are for that Logger's serializer; plain objects, arrays and Errors are
 * copied as above (so the depth limit, own keys and masking hold for them).
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
      return `[Function ${(value as { name?: string }).name || 'anonymous'}]`;
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
    return `[Unreadable: ${safeString(e)}]`;
  } finally {
    ancestors.pop();
  }
};

const walkObject = (obj: object, depth: number, ancestors: object[], keep: boolean): unknown => {
  if (Array.isArray(obj)) {
    const out: unknown[] = new Array(obj.length);
    for (let i = 0; i < obj.length; i++) {
      const v = walk(obj[i], depth, ancestors, keep);
      out[i] = v === undefined ? null : v;
    }
    return out;
  }
  if (obj instanceof Error) return errorData(obj, depth, ancestors, keep);
  const proto = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) {
    if (keep) return obj;
    if (obj instanceof Uint8Array) return Buffer.from(obj.buffer, obj.byteOffset, obj.byteLength).toString('base64');
    if (obj instanceof Map) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of obj) putOwn(out, typeof k === 'string' ? k : safeString(k), walk(v, depth, ancestors, keep));
      return out;
    }
    if (obj instanceof Set) return walkObject([...obj], depth, ancestors, keep);
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const json: unknown = toJSON.call(obj);
      return json === obj ? ownKeys(obj, depth, ancestors, keep) : walk(json, depth, ancestors, keep);
    }
  }
  return ownKeys(obj, depth, ancestors, keep);
};

const ownKeys = (obj: object, depth: number, ancestors: object[], keep: boolean): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    const v = walk((obj as Record<string, unknown>)[key], depth, ancestors, keep);
    if (v !== undefined) putOwn(out, key, v);
  }
  return out;
};

const errorData = (error: Error, depth: number, ancestors: object[], keep: boolean): Record<string, unknown> => {
  const out: Record<string, unknown> = { name: error.name, message: error.message, stack: error.stack };
  for (const key of Object.keys(error)) {
    const v = walk((error as unknown as Record<string, unknown>)[key], depth, ancestors, keep);
    if (v !== undefined) putOwn(out, key, v);
  }
  if (error.cause !== undefined) out.cause = walk(error.cause, depth, ancestors, keep);
  return out;
};

/** Whether `value` needs toJsonData() (anything but a string, number, boolean, null or undefined). */
export const needsWalk = (value: unknown): boolean => value !== null && value !== undefined && !isPrimitive(value);

/**
 * The fields of a line (everything after the line's own keys) as JSON data with registered secrets masked:
 * structural masking (`redactDeep` from @lambdaware/shared) over the data, so a line stays valid JSON and numbers,
 * booleans and keys are never cut. `fields` is the caller's own object (changed in place when no secret is registered).
 */
export const maskedFields = (fields: Record<string, unknown>): Record<string, unknown> =>
  hasSecrets() ? redactDeep(fields) : fields;

/** The message with registered secrets masked where they occur in it. */
export const maskedMessage = (message: unknown): unknown =>
  typeof message === 'string' && hasSecrets() ? redactString(message) : message;

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** True when `line` (a serialized line) is over MAX_LINE_BYTES. Cheap for most lines (length * 3 bounds the bytes). */
export const isOversize = (line: string): boolean => line.length * 3 > MAX_LINE_BYTES && utf8Length(line) > MAX_LINE_BYTES;

/**
 * An oversize line made to fit: the line's own keys (level, message, timestamp, request id, …) stay; a message over
 * MAX_MESSAGE_CHARS is cut; then the largest fields, one after another, are replaced by a string holding the start of
 * their JSON followed by `…[truncated: N bytes]`, until the line is under MAX_LINE_BYTES. The line gets
 * `"line_truncated": <original size in bytes>`. When that is not enough (thousands of small fields), the fields that
 * fit are kept in order and the line says how many were left out (`fields_omitted`). Always valid JSON; each field
 * is serialized once and the line at most three times, whatever the number of fields.
 */
export const shrinkLine = (
  attributes: Record<string, unknown>,
  serialize: (value: unknown) => string,
  originalBytes: number,
): string => {
  const out: Record<string, unknown> = {};
  const fields: { key: string; value: unknown; json: string; bytes: number }[] = [];
  for (const key of Object.keys(attributes)) {
    const v = attributes[key];
    if (key === 'message' && typeof v === 'string' && v.length > MAX_MESSAGE_CHARS) {
      putOwn(out, key, `${v.slice(0, MAX_MESSAGE_CHARS)}…[truncated: ${v.length} characters]`);
      continue;
    }
    putOwn(out, key, v);
    if (BASE_KEYS.has(key)) continue;
    const json = serialize(v);
    fields.push({ key, value: v, json, bytes: utf8Length(json) });
  }
  out.line_truncated = originalBytes;
  // The largest fields first: each cut to the room the line has left (the line's size is kept up to date from the
  // sizes of the fields, not by serializing it again).
  let total = utf8Length(serialize(out));
  for (const f of [...fields].sort((a, b) => b.bytes - a.bytes)) {
    if (total <= MAX_LINE_BYTES) break;
    const room = Math.max(0, MAX_LINE_BYTES - (total - f.bytes) - 64);
    // A character of the cut JSON takes up to 6 bytes once escaped again in the line: keep room / 6 characters.
    const cut = `${f.json.slice(0, Math.floor(room / 6))}…[truncated: ${f.bytes} bytes]`;
    const cutBytes = utf8Length(JSON.stringify(cut));
    if (cutBytes >= f.bytes) continue; // a small field: cutting it does not help
    putOwn(out, f.key, cut);
    total += cutBytes - f.bytes;
  }
  let line = serialize(out);
  if (utf8Length(line) <= MAX_LINE_BYTES) return line;
  // Still over: the fields that fit, in their order; the others left out and counted.
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(out)) if (BASE_KEYS.has(key)) putOwn(kept, key, out[key]);
  kept.line_truncated = originalBytes;
  let budget = MAX_LINE_BYTES - utf8Length(serialize(kept)) - 64;
  let omitted = 0;
  for (const f of fields) {
    const v = out[f.key];
    const bytes = v === f.value ? f.bytes : utf8Length(JSON.stringify(v));
    const cost = bytes + utf8Length(JSON.stringify(f.key)) + 2;
    if (cost <= budget) {
      putOwn(kept, f.key, v);
      budget -= cost;
    } else {
      omitted += 1;
    }
  }
  kept.fields_omitted = omitted;
  line = serialize(kept);
  if (utf8Length(line) <= MAX_LINE_BYTES) return line;
  // Indentation made the estimate too small: the line's own keys and the count alone.
  const bare: Record<string, unknown> = {};
  for (const key of Object.keys(kept)) if (BASE_KEYS.has(key) || key === 'line_truncated') putOwn(bare, key, kept[key]);
  bare.fields_omitted = fields.length;
  return serialize(bare);
};

/**
 * A line's JSON text: `JSON.stringify(attributes, replacer, indent)`, never a throw (a replacer that throws: the line
 * is written without it), never over MAX_LINE_BYTES (shrinkLine()).
 */
export const serializeLine = (
  attributes: Record<string, unknown>,
  replacer: ((key: string, value: unknown) => unknown) | undefined,
  indent: number,
): string => {
  let line: string;
  let stringify = (value: unknown): string => JSON.stringify(value, replacer, indent) ?? 'null';
  try {
    line = stringify(attributes);
  } catch {
    stringify = (value: unknown): string => JSON.stringify(toJsonData(value), null, indent) ?? 'null';
    line = stringify(attributes);
  }
  if (!isOversize(line)) return line;
  const compact = (value: unknown): string => {
    try {
      return JSON.stringify(value, replacer) ?? 'null';
    } catch {
      return JSON.stringify(toJsonData(value)) ?? 'null';
    }
  };
  return shrinkLine(attributes, compact, utf8Length(line));
};
