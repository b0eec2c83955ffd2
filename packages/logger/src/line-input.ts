import { safeString } from '@lambdaware/shared';
import { putOwn, toJsonData } from './line.js';

/** What the arguments of one log call become (never a throw on any value). */

export const isEmpty = (v: unknown): boolean => v === undefined || v === null || v === '';
export const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object') return false;
  try {
    const p = Object.getPrototypeOf(v);
    return p === Object.prototype || p === null;
  } catch {
    return false;
  }
};
export const truthy = (v: string | undefined): boolean => v !== undefined && ['1', 'true', 'yes', 'on'].includes(v.trim().toLowerCase());

/** Each own key of `source` and its value, never a throw (keys that cannot be listed: `keys_unreadable`). */
export const copyKeys = (source: unknown, put: (key: string, value: unknown) => void): void => {
  let keys: string[];
  try {
    keys = source !== null && typeof source === 'object' ? Object.keys(source) : [];
  } catch (e) {
    put('keys_unreadable', `[Unreadable: ${safeString(e)}]`);
    return;
  }
  for (const key of keys) put(key, readSafely(source as object, key));
};

/** Reads `source[key]`: a throwing getter or Proxy trap gives its note instead. */
export const readSafely = (source: object, key: string): unknown => {
  try {
    return (source as Record<string, unknown>)[key];
  } catch (e) {
    return `[Unreadable: ${safeString(e)}]`;
  }
};

/**
 * What the first argument of a line is: Powertools' `{ message, ...fields }` (a plain object, or what an object's
 * `toJSON()` returns when that is a plain object), an Error (its message, and `error`), or anything else (the
 * message, made text by messageText). A value that throws when inspected is that else.
 */
export const messageShape = (message: unknown): { fields?: Record<string, unknown>; error?: boolean; text?: unknown } => {
  if (message === null || typeof message !== 'object') return { text: message };
  try {
    if (message instanceof Error) return { error: true };
    const data = hasToJSON(message) ? toJsonData(message) : message;
    return isPlain(data) ? { fields: data } : { text: data };
  } catch {
    return { text: message };
  }
};

const hasToJSON = (v: object): boolean => typeof (v as { toJSON?: unknown }).toJSON === 'function';

/**
 * One extra argument of a line: an Error as `error`, a string as `extra` (as Powertools), an object's own keys (what
 * its `toJSON()` returns, as JSON.stringify would write it). Never throws: a value that cannot be read is noted.
 */
export const addExtra = (item: unknown, add: (key: string, value: unknown) => void): void => {
  try {
    if (item === undefined || item === null) return;
    if (typeof item !== 'object') {
      add('extra', item);
      return;
    }
    if (item instanceof Error) {
      add('error', item);
      return;
    }
    const data = hasToJSON(item) ? toJsonData(item) : item;
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) for (const key of Object.keys(data)) add(key, readSafely(data, key));
    else add('extra', data);
  } catch (e) {
    add('extra', `[Unreadable: ${safeString(e)}]`);
  }
};

/** `line` with the keys of `order` first, in that order (Powertools' `logRecordOrder`). */
export const reorder = (line: Record<string, unknown>, order: readonly string[]): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const key of order) if (Object.hasOwn(line, key)) putOwn(out, key, line[key]);
  for (const key of Object.keys(line)) if (!Object.hasOwn(out, key)) putOwn(out, key, line[key]);
  return out;
};

/** A team's `jsonReplacerFn`, then what it left that JSON cannot write (a Set, a Map, a BigInt) as JSON data. */
export const withInstancesWritten = (replacer: (key: string, value: unknown) => unknown) =>
  function (this: unknown, key: string, value: unknown): unknown {
    const v = replacer.call(this, key, value);
    if (typeof v === 'bigint') return v.toString();
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !isPlain(v)) return toJsonData(v);
    return v;
  };
