/**
 * `String(value)` that never throws. String() throws on a null-prototype object, on `{ toString: undefined }`
 * and on a throwing toString/Symbol.toPrimitive; such a value gives its tag instead (`[object Object]`).
 */
export const safeString = (value: unknown): string => {
  try {
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return '[unprintable value]';
    }
  }
};

/**
 * A short description of any value for an error message, never throwing: a string in JSON quotes (cut at `max`
 * characters), a BigInt as `12n`, a function as `a function`, null/undefined/numbers/booleans/symbols as written,
 * an array as `an array of N`, any other object as `an object` with its constructor name when it has one.
 */
export const describeValue = (value: unknown, max = 60): string => {
  if (typeof value === 'string') return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (value === null || typeof value !== 'object') return safeString(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  let name: unknown;
  try {
    name = Object.getPrototypeOf(value) === null ? 'null-prototype' : (value.constructor as { name?: unknown } | undefined)?.name;
  } catch {
    name = undefined;
  }
  return typeof name === 'string' && name !== '' && name !== 'Object' ? `an object (${name})` : 'an object';
};

/**
 * The message of a thrown value, never throwing: an Error's `message` (`name: message` with `withName`), anything
 * else as `safeString` writes it.
 */
export const thrownMessage = (thrown: unknown, withName = false): string => {
  try {
    if (thrown instanceof Error) return withName ? `${safeString(thrown.name)}: ${safeString(thrown.message)}` : safeString(thrown.message);
  } catch {
    // a throwing name/message getter: described like any other value
  }
  return safeString(thrown);
};

/** One segment of a schema issue's path, as Standard Schema gives it. */
export type IssuePathSegment = PropertyKey | { readonly key: PropertyKey };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A schema issue's path the one way the packages write it, as JavaScript would reach it: `items[0].qty`,
 * `headers["content-type"]`; `(root)` for an empty or missing path.
 */
export const formatIssuePath = (path: readonly IssuePathSegment[] | undefined): string => {
  if (path === undefined || path.length === 0) return '(root)';
  let out = '';
  for (const segment of path) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(safeString(key))}]`;
  }
  return out;
};

/** A non-null, non-array object (a record read from an event or a thrown value): the one copy of this check. */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
