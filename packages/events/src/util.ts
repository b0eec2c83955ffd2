import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  type OptionRule,
  is,
  type OptionsErrorInit,
  describeValue,
  markOptionsError,
  thrownMessage,
  nameErrorClass,
  optionsErrorFields,
} from '@lambdaware/shared';

/**
 * Thrown when a builder is given input it cannot turn into a realistic event. A bad option is one made by
 * `EventBuildError.forOption()`: also the shared OptionsError of @lambdaware/shared (`option`, `expected`, `given`;
 * `instanceof OptionsError` holds), in its message format (`sqsEvent(): option "fifo" must be true or false, got 1`).
 */
export class EventBuildError extends Error {
  static forOption(init: Omit<OptionsErrorInit, 'package'>): EventBuildError {
    const fields = optionsErrorFields({ package: '@lambdaware/events', ...init });
    const error = new EventBuildError(fields.message);
    markOptionsError(error, fields);
    return error;
  }
}
nameErrorClass(EventBuildError, 'EventBuildError');

/** The error for a bad option of `builder`: a wrong value (`expected` + `value`) or another `problem`. */
export const optionError = (builder: string, option: string, mistake: { expected: string; value: unknown } | { problem: string }): EventBuildError =>
  EventBuildError.forOption({ fn: builder, option, ...mistake });

/** Throws unless the option passes the rule (one of @lambdaware/shared's `is` rules). */
export function checkOption(builder: string, option: string, value: unknown, rule: OptionRule): void {
  if (!rule.test(value)) throw optionError(builder, option, { expected: rule.expected, value });
}

/**
 * One payload: an object or other JSON value (JSON-encoded), a string (kept as it is), or bytes
 * (kept as bytes where the source carries bytes, e.g. Kinesis; decoded as UTF-8 text elsewhere).
 */
export type Payload = unknown;

/** Deep partial of a record: every field optional, at every depth. */
export type DeepPartial<T> = T extends readonly (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> | undefined } : T;

/**
 * How to change what a builder made: an object deep-merged into each record (plain objects merge key by key,
 * anything else, arrays included, replaces; a key set to `undefined` removes the field), or a function that
 * gets each built record and its index and returns the record to use.
 */
export type RecordOverride<R> = DeepPartial<R> | ((record: R, index: number) => R);

/** Options every builder takes. */
export interface CommonOptions {
  /** AWS region of the source (default `us-east-1`). */
  region?: string;
  /** AWS account id in ARNs (default `123456789012`). */
  accountId?: string;
  /** Clock for timestamps, a Date or epoch milliseconds (default: now). */
  now?: Date | number;
}

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '123456789012';
const ACCOUNT_ID = is.custom('a 12-digit string', (v) => typeof v === 'string' && /^\d{12}$/.test(v));

export interface Common {
  region: string;
  accountId: string;
  nowMs: number;
}

/**
 * The latest (and, negated, earliest) `now` accepted: the Date range (±8.64e15 ms) less a day, so that the timestamps
 * a builder derives from it (a few ms to a few minutes around it) are valid Dates too.
 */
export const MAX_NOW_MS = 8.64e15 - 86_400_000;

export function common(builder: string, options: CommonOptions | undefined): Common {
  const region = options?.region ?? DEFAULT_REGION;
  const accountId = options?.accountId ?? DEFAULT_ACCOUNT_ID;
  checkOption(builder, 'region', region, is.string());
  checkOption(builder, 'accountId', accountId, ACCOUNT_ID);
  const now = options?.now;
  let nowMs: number;
  if (now === undefined) nowMs = Date.now();
  else if (now instanceof Date) nowMs = now.getTime();
  else nowMs = now;
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs) || Math.abs(nowMs) > MAX_NOW_MS) {
    throw optionError(builder, 'now', { expected: `a valid Date or epoch milliseconds within the Date range (±${MAX_NOW_MS})`, value: now });
  }
  return { region, accountId, nowMs };
}

/** Checks an option is a string (or absent) and returns it or the default. */
export function stringOption(builder: string, name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  checkOption(builder, name, value, is.string());
  return value as string;
}

/** The payload of the one record a builder makes when it is given none. */
export const DEFAULT_PAYLOAD = {};

/**
 * One payload or an array of payloads, as a list. An array is always a batch: wrap it to send one array.
 * No payload at all (`undefined`) gives one record with `fallback`.
 */
export function toList<T>(payloads: T | readonly T[] | undefined, fallback: T): T[] {
  if (payloads === undefined) return [fallback];
  return Array.isArray(payloads) ? [...payloads] : [payloads as T];
}

export function isBytes(value: unknown): value is Uint8Array | ArrayBuffer {
  return value instanceof Uint8Array || value instanceof ArrayBuffer;
}

export function bytesOf(value: Uint8Array | ArrayBuffer): Buffer {
  return value instanceof ArrayBuffer ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A payload as text: strings as they are, bytes decoded as UTF-8, anything else JSON-encoded. */
export function payloadText(builder: string, payload: unknown, index: number): string {
  if (typeof payload === 'string') return payload;
  if (isBytes(payload)) {
    try {
      return utf8.decode(bytesOf(payload));
    } catch (cause) {
      throw new EventBuildError(
        `${builder}: payload at index ${index} is bytes that are not valid UTF-8; this source carries text only (base64-encode them yourself)`,
        { cause },
      );
    }
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (cause) {
    const reason = thrownMessage(cause);
    throw new EventBuildError(`${builder}: payload at index ${index} cannot be JSON-encoded: ${reason}`, { cause });
  }
  if (text === undefined) {
    throw new EventBuildError(`${builder}: payload at index ${index} is ${describeValue(payload)}, which has no JSON form`);
  }
  return text;
}

/** A payload as bytes: bytes as they are, strings as UTF-8, anything else JSON-encoded as UTF-8. */
export function payloadBytes(builder: string, payload: unknown, index: number): Buffer {
  if (isBytes(payload)) return bytesOf(payload);
  return Buffer.from(payloadText(builder, payload, index), 'utf8');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Deep-merges `patch` into a copy of `base`: plain objects merge, anything else replaces, `undefined` deletes. */
export function deepMerge<T>(base: T, patch: unknown): T {
  if (!isPlainObject(patch)) return patch as T;
  const out: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const key of Object.keys(patch)) {
    if (key === '__proto__') continue;
    const value = patch[key];
    if (value === undefined) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = deepMerge(out[key], value);
    else out[key] = value;
  }
  return out as T;
}

/** Applies a record override (object or function), checking what a function returns. */
export function applyOverride<R>(builder: string, record: R, index: number, override: RecordOverride<R> | undefined): R {
  if (override === undefined) return record;
  if (typeof override === 'function') {
    const result: unknown = (override as (record: R, index: number) => R)(record, index);
    if (!isPlainObject(result)) {
      throw optionError(builder, 'record', {
        problem: `function returned ${describeValue(result)} for the record at index ${index}; it must return the record`,
      });
    }
    return result as R;
  }
  if (!isPlainObject(override)) {
    throw optionError(builder, 'record', { expected: 'an object to deep-merge into each record or a function (record, index) => record', value: override });
  }
  return deepMerge(record, override);
}

export const md5Hex = (data: string | Uint8Array): string => createHash('md5').update(data).digest('hex');
export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
export const uuid = (): string => randomUUID();
export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
export const base64 = (bytes: number): string => randomBytes(bytes).toString('base64');

/** Random decimal digits (first digit non-zero). */
export function digits(count: number): string {
  const bytes = randomBytes(count);
  let out = String(1 + (bytes[0]! % 9));
  for (let i = 1; i < count; i++) out += String(bytes[i]! % 10);
  return out;
}

export const isoTime = (ms: number): string => new Date(ms).toISOString();
