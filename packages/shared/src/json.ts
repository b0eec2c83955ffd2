import { safeString } from './describe.js';

/**
 * A JSON.stringify replacer that never throws on what Lambda code commonly logs: BigInt (as a string),
 * circular references ('[Circular]'), Errors (name, message, stack, cause and own properties), Buffers and
 * typed arrays (base64), Maps (an object; keys through String(), or their `[object Object]` tag when String() throws), Sets (an array), functions and symbols (their description).
 */
export const safeJsonReplacer = (): ((this: unknown, key: string, value: unknown) => unknown) => {
  // The path from the root to the value being written: `holder` is what JSON.stringify walks into
  // (the replacement), `original` what the user passed (for cycle detection).
  const path: { holder: object; original: object }[] = [];
  return function replacer(this: unknown, key: string, value: unknown): unknown {
    // JSON.stringify has already applied toJSON (Buffer -> {type,data}); the raw value is on the holder.
    const raw = (this as Record<string, unknown> | undefined)?.[key] ?? value;
    if (typeof raw === 'bigint') return raw.toString();
    if (typeof raw === 'function') return `[Function ${raw.name || 'anonymous'}]`;
    if (typeof raw === 'symbol') return raw.toString();
    if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
    if (value === null || typeof value !== 'object' || raw === null || typeof raw !== 'object') return value;
    while (path.length > 0 && path.at(-1)!.holder !== this) path.pop();
    if (path.some((p) => p.original === raw)) return '[Circular]';
    let out: object = value;
    if (raw instanceof Error) out = errorToPlain(raw);
    else if (raw instanceof Map) out = Object.fromEntries([...raw].map(([k, v]) => [mapKey(k), v]));
    else if (raw instanceof Set) out = [...raw];
    path.push({ holder: out, original: raw });
    return out;
  };
};

/** A Map key as an object key: String() of it, or (a key String() cannot convert) its tag, never a throw. */
const mapKey = (k: unknown): string => (typeof k === 'string' ? k : safeString(k));

const errorToPlain = (error: Error): Record<string, unknown> => {
  const plain: Record<string, unknown> = { name: error.name, message: error.message, stack: error.stack };
  for (const [k, v] of Object.entries(error)) plain[k] = v;
  if (error.cause !== undefined) plain.cause = error.cause;
  return plain;
};

/** JSON.stringify that never throws (see safeJsonReplacer). */
export const safeStringify = (value: unknown, space?: number): string => {
  try {
    return JSON.stringify(value, safeJsonReplacer(), space) ?? 'null';
  } catch (e) {
    return JSON.stringify({ unserializable: safeString(e) });
  }
};
