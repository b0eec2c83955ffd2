// Over 300 lines on purpose: one recursive serializer (serializeValue and toPlain call each other, through nested
// causes, inner errors and error-valued properties); split in two files, the halves would import each other.

import { types } from 'node:util';
import { collectErrorValues, redactDeep } from '@lambdaware/shared';
import { type StackFrame, type StackTrimOptions, stackFrames } from './stack.js';

/** What an AWS SDK v3 service error says about the call (from `$fault`, `$metadata`, `$retryable`). */
export interface AwsErrorInfo {
  /** `client` (4xx: the request was wrong) or `server` (5xx: the service failed). */
  fault?: string;
  httpStatusCode?: number;
  requestId?: string;
  extendedRequestId?: string;
  cfId?: string;
  attempts?: number;
  totalRetryDelay?: number;
  retryable?: unknown;
}

/**
 * Any thrown value as a plain, JSON-safe object. Every string in it has registered secrets masked.
 *
 * - `type`: the error's name (`TypeError`, `ResourceNotFoundException`), else its class name; for a thrown
 *   non-Error, `typeof` (`string`, `number`, `bigint`, `symbol`, `undefined`, `boolean`, `function`), `null`, or
 *   the object's class name (`Object` for a plain object).
 * - `message`: the error's message; for a non-Error, the value as text (an object: its `message`, else its JSON).
 * - `values`: the `.with()` values of this error and its causes, the outer winning (omitted when none).
 * - `stacktrace`: the parsed frames, innermost first (`[]` for values without a stack).
 * - `cause`: the serialized `cause`, recursively. `errors`: an AggregateError's inner errors.
 * - `aws`: for AWS SDK v3 errors. `sentryEventID`: set by the line writer (errorLog.ts) when @lambdaware/sentry reported the failure.
 * - the error's own enumerable properties (`code`, `errno`, a service error's fields), JSON-safe; one whose name
 *   is one of the keys above is put under `properties` instead.
 * - `circular: true` on a cause that is already an outer error of the chain (not expanded again);
 *   `truncated: true` on an error past `maxDepth` (its cause and inner errors are left out).
 */
export interface SerializedError {
  type: string;
  message: string;
  sentryEventID?: string;
  values?: Record<string, unknown>;
  aws?: AwsErrorInfo;
  properties?: Record<string, unknown>;
  stacktrace: StackFrame[];
  errors?: SerializedError[];
  /** How many inner errors were left out beyond `maxErrors`. */
  errorsOmitted?: number;
  cause?: SerializedError;
  circular?: true;
  truncated?: true;
  [property: string]: unknown;
}

export interface SerializeOptions extends StackTrimOptions {
  /** How many errors deep `cause` and AggregateError `errors` are followed. Default 10. */
  maxDepth?: number;
  /** How many inner errors of one AggregateError are written. Default 50. */
  maxErrors?: number;
}

export const DEFAULT_SERIALIZE_OPTIONS: Required<SerializeOptions> = {
  trimNodeInternals: true,
  trimNodeModules: false,
  maxDepth: 10,
  maxErrors: 50,
};

/** Keys the serializer writes itself: an own property with one of these names goes under `properties`. */
const RESERVED = new Set([
  'type',
  'message',
  'sentryEventID',
  'values',
  'aws',
  'properties',
  'stacktrace',
  'errors',
  'errorsOmitted',
  'cause',
  'circular',
  'truncated',
]);
/** Own properties already written another way. */
const SKIPPED = new Set(['name', 'message', 'stack', 'cause']);
/** How deep values and own properties are copied; deeper objects become '[Object]' / '[Array]'. */
const MAX_VALUE_DEPTH = 6;
const MAX_BYTES_INLINE = 1024;
const MAX_MESSAGE_JSON = 500;

interface Context {
  options: Required<SerializeOptions>;
  /** The errors on the path from the root to the one being serialized (cycle guard). */
  ancestors: Set<object>;
}

/**
 * Serializes anything that can be thrown (see SerializedError for the shape). Never throws: a value that cannot
 * be read at all becomes `{ type: 'Unserializable', message, stacktrace: [] }`.
 */
export const serializeError = (value: unknown, options?: SerializeOptions): SerializedError => {
  try {
    const ctx: Context = { options: resolveSerializeOptions(options), ancestors: new Set() };
    return redactDeep(serializeValue(value, ctx, 0));
  } catch (e) {
    return { type: 'Unserializable', message: `the thrown value could not be serialized: ${safeText(e)}`, stacktrace: [] };
  }
};

/** Options over their defaults; invalid ones fall back to the default (serializeError never throws). */
export const resolveSerializeOptions = (options: SerializeOptions | undefined): Required<SerializeOptions> => {
  const o = { ...DEFAULT_SERIALIZE_OPTIONS };
  if (options === undefined || options === null || typeof options !== 'object') return o;
  if (typeof options.trimNodeInternals === 'boolean') o.trimNodeInternals = options.trimNodeInternals;
  if (typeof options.trimNodeModules === 'boolean') o.trimNodeModules = options.trimNodeModules;
  if (Number.isInteger(options.maxDepth) && options.maxDepth! >= 0) o.maxDepth = options.maxDepth!;
  if (Number.isInteger(options.maxErrors) && options.maxErrors! >= 0) o.maxErrors = options.maxErrors!;
  return o;
};

/** Errors from any realm (jest's vm contexts, node internals), Error subclasses and objects made from Error.prototype. */
export const isErrorLike = (value: unknown): value is Error => {
  try {
    return value instanceof Error || types.isNativeError(value);
  } catch {
    return false;
  }
};

const serializeValue = (value: unknown, ctx: Context, depth: number): SerializedError => {
  if (value === null) return { type: 'null', message: 'null', stacktrace: [] };
  if (typeof value !== 'object' && typeof value !== 'function') {
    return { type: typeof value, message: primitiveText(value), stacktrace: [] };
  }
  if (typeof value === 'function') return { type: 'function', message: `[Function ${read(value, 'name').value || 'anonymous'}]`, stacktrace: [] };
  try {
    return serializeObject(value, ctx, depth);
  } catch (e) {
    // A Proxy whose traps throw, an object whose prototype getter throws, ...
    return { type: 'Unserializable', message: `the thrown value could not be serialized: ${safeText(e)}`, stacktrace: [] };
  }
};

const serializeObject = (obj: object, ctx: Context, depth: number): SerializedError => {
  const isError = isErrorLike(obj);
  const name = read(obj, 'name').value;
  const rawMessage = read(obj, 'message');
  const stack = read(obj, 'stack').value;

  // Built in the order the line reads best: what, why, then the long parts (frames, nested errors) last.
  const out = { type: typeOf(obj, name, isError), message: messageOf(obj, rawMessage, isError) } as SerializedError;

  const values = guarded(() => collectErrorValues(obj), {});
  if (Object.keys(values).length > 0) out.values = plainObject(values, [obj], 0);

  const aws = awsInfo(obj);
  if (aws !== undefined) out.aws = aws;

  const aggregate = innerErrors(obj);
  for (const key of guarded(() => Object.keys(obj), [] as string[])) {
    if (SKIPPED.has(key) || (aws !== undefined && key.startsWith('$')) || (key === 'errors' && aggregate !== undefined)) continue;
    const v = readText(obj, key);
    if (RESERVED.has(key)) (out.properties ??= {})[key] = toPlain(v, [obj], 0);
    else out[key] = toPlain(v, [obj], 0);
  }

  if (typeof stack === 'string') {
    const header = typeof name === 'string' ? (out.message.length > 0 ? `${name}: ${out.message}` : name) : undefined;
    out.stacktrace = stackFrames(stack, header, ctx.options);
  } else {
    out.stacktrace = [];
  }

  const cause = read(obj, 'cause').value;
  const hasNested = cause !== undefined || (aggregate !== undefined && aggregate.length > 0);
  if (hasNested && depth >= ctx.options.maxDepth) {
    out.truncated = true;
    return out;
  }
  ctx.ancestors.add(obj);
  try {
    if (aggregate !== undefined) {
      out.errors = aggregate.slice(0, ctx.options.maxErrors).map((e) => nested(e, ctx, depth));
      if (aggregate.length > ctx.options.maxErrors) out.errorsOmitted = aggregate.length - ctx.options.maxErrors;
    }
    if (cause !== undefined) out.cause = nested(cause, ctx, depth);
  } finally {
    ctx.ancestors.delete(obj);
  }
  return out;
};

const nested = (value: unknown, ctx: Context, depth: number): SerializedError => {
  if (value !== null && typeof value === 'object' && ctx.ancestors.has(value)) {
    const name = read(value, 'name').value;
    return {
      type: typeOf(value, name, isErrorLike(value)),
      message: messageOf(value, read(value, 'message'), isErrorLike(value)),
      stacktrace: [],
      circular: true,
    };
  }
  return serializeValue(value, ctx, depth + 1);
};

/** An AggregateError's (or look-alike's) inner errors: a non-enumerable own `errors` array. */
const innerErrors = (obj: object): unknown[] | undefined => {
  const d = guarded(() => Object.getOwnPropertyDescriptor(obj, 'errors'), undefined);
  if (d === undefined || !('value' in d) || !Array.isArray(d.value)) return undefined;
  return d.enumerable && !(obj instanceof AggregateError) ? undefined : (d.value as unknown[]);
};

const awsInfo = (obj: object): AwsErrorInfo | undefined => {
  const fault = read(obj, '$fault').value;
  const metadata = read(obj, '$metadata').value;
  if (fault === undefined && (metadata === null || typeof metadata !== 'object')) return undefined;
  const info: AwsErrorInfo = {};
  if (typeof fault === 'string') info.fault = fault;
  if (metadata !== null && typeof metadata === 'object') {
    for (const key of ['httpStatusCode', 'requestId', 'extendedRequestId', 'cfId', 'attempts', 'totalRetryDelay'] as const) {
      const v = read(metadata, key).value;
      if (typeof v === 'string' || typeof v === 'number') (info as Record<string, unknown>)[key] = v;
    }
  }
  const retryable = read(obj, '$retryable').value;
  if (retryable !== undefined) info.retryable = toPlain(retryable, [obj], 0);
  return info;
};

const typeOf = (obj: object, name: unknown, isError: boolean): string => {
  const ctorName = guarded(() => {
    const n: unknown = (Object.getPrototypeOf(obj) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof n === 'string' ? n : '';
  }, '');
  if (typeof name === 'string' && name.length > 0 && (name !== 'Error' || !isError)) return name;
  if (ctorName.length > 0 && (ctorName !== 'Object' || !isError)) return ctorName;
  return isError ? 'Error' : 'Object';
};

const messageOf = (obj: object, message: { value?: unknown; threw?: string }, isError: boolean): string => {
  if (message.threw !== undefined) return `[message could not be read: ${message.threw}]`;
  const m = message.value;
  if (typeof m === 'string') return m;
  if (m !== undefined) return safeJson(toPlain(m, [obj], 0));
  if (isError) return '';
  const json = safeJson(plainObject(obj, [], 0));
  return json.length > MAX_MESSAGE_JSON ? `${json.slice(0, MAX_MESSAGE_JSON)}…` : json;
};

/** Reads a property; a getter that throws gives `{ threw }` instead. */
const read = (obj: object, key: PropertyKey): { value?: unknown; threw?: string } => {
  try {
    return { value: (obj as Record<PropertyKey, unknown>)[key] };
  } catch (e) {
    return { threw: safeText(e) };
  }
};

const readText = (obj: object, key: PropertyKey): unknown => {
  const r = read(obj, key);
  return r.threw !== undefined ? `[getter threw: ${r.threw}]` : r.value;
};

const guarded = <T>(fn: () => T, fallback: T): T => {
  try {
    return fn();
  } catch {
    return fallback;
  }
};

/**
 * A JSON-safe copy: plain objects and arrays only (so that redaction, which walks plain data, sees every string),
 * cycles as '[Circular]', depth-limited, getters that throw as text, Errors serialized.
 */
const toPlain = (value: unknown, path: object[], depth: number): unknown => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${readText(value, 'name') || 'anonymous'}]`;
  }
  if (value === null) return null;
  const obj = value as object;
  if (path.includes(obj)) return '[Circular]';
  if (isErrorLike(obj)) {
    return serializeValue(obj, { options: { ...DEFAULT_SERIALIZE_OPTIONS, maxDepth: 2 }, ancestors: new Set(path) }, 0);
  }
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (ArrayBuffer.isView(obj)) {
    const bytes = Buffer.from(obj.buffer, obj.byteOffset, obj.byteLength);
    return bytes.length <= MAX_BYTES_INLINE ? bytes.toString('base64') : `[${obj.constructor.name} ${bytes.length} bytes]`;
  }
  if (depth >= MAX_VALUE_DEPTH) return Array.isArray(obj) ? '[Array]' : '[Object]';
  const next = [...path, obj];
  if (Array.isArray(obj)) return obj.map((v) => toPlain(v, next, depth + 1));
  if (obj instanceof Map)
    return plainEntries(
      [...obj].map(([k, v]) => [String(k), v]),
      next,
      depth,
    );
  if (obj instanceof Set) return [...obj].map((v) => toPlain(v, next, depth + 1));
  const toJSON = read(obj, 'toJSON').value;
  if (typeof toJSON === 'function') {
    const json = guarded(() => (toJSON as () => unknown).call(obj), undefined);
    if (json !== obj) return toPlain(json, next, depth + 1);
  }
  return plainObject(obj, path, depth);
};

const plainObject = (obj: object, path: object[], depth: number): Record<string, unknown> =>
  plainEntries(
    guarded(() => Object.keys(obj), [] as string[]).map((k) => [k, readText(obj, k)]),
    [...path, obj],
    depth,
  );

const plainEntries = (entries: [string, unknown][], path: object[], depth: number): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) out[k] = toPlain(v, path, depth + 1);
  return out;
};

const primitiveText = (value: unknown): string => (typeof value === 'symbol' ? value.toString() : String(value));

const safeJson = (value: unknown): string => guarded(() => JSON.stringify(value) ?? String(value), '[unserializable]');

const safeText = (e: unknown): string => guarded(() => (isErrorLike(e) ? `${e.name}: ${e.message}` : primitiveText(e)), 'unknown error');
