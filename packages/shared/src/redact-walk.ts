// Over 300 lines on purpose: the walk and its two fast paths must agree on what JSON.stringify writes (toJSON, keys,
// errors), so they live in one file.
/**
 * The walk behind redactDeep(): two fast paths for plain data (nothing to mask; masked leaves only), then a walk
 * without recursion over any value (errors, Maps, Sets, class instances, toJSON, cycles), copying only what changes.
 */
import { KEYS } from './keys.js';
import { REDACTED, type RedactionRegistry, formsOf, holdsSecret, maskInside, maskText } from './redaction.js';

const CIRCULAR = '[Circular]';
const UNREADABLE = '[Unreadable]';
const NOT_LEAF = Symbol('not a leaf');
const CYCLE = Symbol('cycle');
export const THROWS = Symbol('throws');

/** A primitive's masked form (itself when nothing is masked), or NOT_LEAF for an object. */
const leaf = (r: RedactionRegistry, v: unknown): unknown => {
  switch (typeof v) {
    case 'string':
      return maskText(r, v);
    case 'number':
      return r.numbers.size > 0 && Number.isFinite(v) && r.numbers.has(String(v)) ? REDACTED : v;
    case 'bigint':
      return r.numbers.size > 0 && r.numbers.has(String(v)) ? REDACTED : v;
    case 'object':
      return v === null ? v : NOT_LEAF;
    default:
      return v; // boolean, undefined, symbol, function
  }
};

type Kind = 'array' | 'object' | 'instance' | 'error' | 'map' | 'set' | 'toJSON';

interface Frame {
  src: object;
  kind: Kind;
  /** Own keys (object, instance, error). */
  keys: (string | symbol)[];
  values: unknown[];
  out: unknown[];
  i: number;
  changed: boolean;
}

export const read = (o: object, key: PropertyKey): unknown => {
  try {
    return (o as Record<PropertyKey, unknown>)[key];
  } catch {
    return THROWS;
  }
};

/** The frame that walks an object, or undefined for an object written as it is (Date, RegExp, bytes...). */
const open = (o: object): Frame | undefined => {
  const frame = (kind: Kind, keys: (string | symbol)[], values: unknown[]): Frame => ({ src: o, kind, keys, values, out: [], i: 0, changed: false });
  try {
    if (Array.isArray(o)) {
      const values: unknown[] = [];
      for (let i = 0; i < o.length; i++) values.push(read(o, i));
      return frame('array', [], values);
    }
    if (o instanceof Error) {
      const keys = Reflect.ownKeys(o).filter((k) => typeof k === 'string' || k === KEYS.errorValues);
      return frame(
        'error',
        keys,
        keys.map((k) => read(o, k)),
      );
    }
    if (ArrayBuffer.isView(o) || o instanceof ArrayBuffer || o instanceof Date || o instanceof RegExp || o instanceof Promise) return undefined;
    if (o instanceof WeakMap || o instanceof WeakSet) return undefined;
    if (o instanceof Map) {
      const values: unknown[] = [];
      for (const [k, v] of o) values.push(k, v);
      return frame('map', [], values);
    }
    if (o instanceof Set) return frame('set', [], [...o]);
    const proto = Object.getPrototypeOf(o) as object | null;
    const plain = proto === Object.prototype || proto === null;
    // JSON.stringify writes what toJSON returns, for a class instance as for a plain object with its own toJSON
    if (typeof (o as { toJSON?: unknown }).toJSON === 'function') {
      // what JSON.stringify writes for it
      let json: unknown;
      try {
        json = (o as { toJSON: () => unknown }).toJSON();
      } catch {
        return undefined;
      }
      return frame('toJSON', [], [json]);
    }
    const keys = Object.keys(o);
    return frame(
      plain ? 'object' : 'instance',
      keys,
      keys.map((k) => read(o, k)),
    );
  } catch {
    return undefined; // a Proxy whose traps throw: written (or not) by the serializer as it is
  }
};

const build = (r: RedactionRegistry, f: Frame): unknown => {
  const out = f.out.map((v) => (v === CYCLE ? CIRCULAR : v === THROWS ? UNREADABLE : v));
  switch (f.kind) {
    case 'array':
      return out;
    case 'set':
      return new Set(out);
    case 'map': {
      const m = new Map<unknown, unknown>();
      for (let i = 0; i < out.length; i += 2) m.set(out[i], out[i + 1]);
      return m;
    }
    case 'toJSON':
      return out[0];
    case 'error': {
      const copy = Object.create(Object.getPrototypeOf(f.src) as object | null) as object;
      f.keys.forEach((k, i) => {
        let enumerable = true;
        try {
          enumerable = Object.getOwnPropertyDescriptor(f.src, k)?.enumerable ?? true;
        } catch {
          // a Proxy
        }
        let key = typeof k === 'string' ? maskInside(r, k) : k;
        for (let n = 2; key !== k && Object.hasOwn(copy, key); n++) key = `${REDACTED}#${n}`;
        Object.defineProperty(copy, key, { value: out[i], enumerable, writable: true, configurable: true });
      });
      // JSON.stringify writes what the error's toJSON returns: the copy's returns it masked
      const toJSON = read(f.src, 'toJSON');
      if (typeof toJSON === 'function') {
        const masking = function (this: unknown, key?: string): unknown {
          return redactValue(r, (toJSON as (this: unknown, key?: string) => unknown).call(this, key));
        };
        Object.defineProperty(copy, 'toJSON', { value: masking, enumerable: false, writable: true, configurable: true });
      }
      // other symbol-keyed values (the Sentry event id...) travel with the copy
      for (const s of Object.getOwnPropertySymbols(f.src)) {
        if (s !== KEYS.errorValues) {
          const d = Object.getOwnPropertyDescriptor(f.src, s);
          if (d !== undefined) Object.defineProperty(copy, s, d);
        }
      }
      return copy;
    }
    default: {
      const copy = (
        f.kind === 'object' ? (Object.getPrototypeOf(f.src) === null ? Object.create(null) : {}) : Object.create(Object.getPrototypeOf(f.src) as object)
      ) as Record<string, unknown>;
      const used = new Set<string>();
      f.keys.forEach((k, i) => {
        let key = maskInside(r, k as string);
        // two keys masked to the same text: both kept
        for (let n = 2; key !== k && used.has(key); n++) key = `${REDACTED}#${n}`;
        used.add(key);
        Object.defineProperty(copy, key, { value: out[i], enumerable: true, writable: true, configurable: true });
      });
      return copy;
    }
  }
};

/** Walks a value without recursion (a 10,000-level object does not overflow the stack), copying only what changes. */
export const redactValue = (r: RedactionRegistry, root: unknown): unknown => {
  const first = leaf(r, root);
  if (first !== NOT_LEAF) return first;
  if (r.values.size > 0) formsOf(r);
  // the usual case, plain data holding no secret: answered without allocating
  budget = FAST_PATH_NODES;
  if (isClean(r, root, 0)) return root;
  // plain data holding a secret: copied where it changes, recursively; anything else by the full walk below
  budget = FAST_PATH_NODES;
  const plain = maskPlain(r, root, 0);
  if (plain !== UNKNOWN) return plain;
  const rootFrame = open(root as object);
  if (rootFrame === undefined) return maskBytes(r, root as object);
  const done = new Map<object, unknown>();
  const active = new Set<object>([root as object]);
  const stack: Frame[] = [rootFrame];
  for (;;) {
    const f = stack[stack.length - 1]!;
    if (f.i < f.values.length) {
      const v = f.values[f.i++];
      const masked = v === THROWS ? v : leaf(r, v);
      if (masked !== NOT_LEAF) {
        f.out.push(masked);
        if (!Object.is(masked, v)) f.changed = true;
        continue;
      }
      const o = v as object;
      if (done.has(o)) {
        const d = done.get(o);
        f.out.push(d);
        if (d !== o) f.changed = true;
      } else if (active.has(o)) {
        f.out.push(CYCLE);
      } else {
        const child = open(o);
        if (child === undefined) {
          const b = maskBytes(r, o);
          f.out.push(b);
          if (b !== o) f.changed = true;
        } else {
          active.add(o);
          stack.push(child);
        }
      }
      continue;
    }
    stack.pop();
    active.delete(f.src);
    let result: unknown = f.src;
    if (f.changed || keysChanged(r, f)) {
      result = build(r, f);
    }
    done.set(f.src, result);
    if (stack.length === 0) return result;
    const parent = stack[stack.length - 1]!;
    parent.out.push(result);
    if (result !== f.src) parent.changed = true;
  }
};

/**
 * True when `v` is plain data (arrays, plain objects, primitives) in which nothing is to be masked; false when
 * something is, or when it cannot tell cheaply (other objects, more than 64 levels, a throwing getter).
 */
/** The fast paths visit at most this many objects (a value sharing sub-objects many times is left to the full walk). */
const FAST_PATH_NODES = 10_000;
let budget = 0;

const isClean = (r: RedactionRegistry, v: unknown, depth: number): boolean => {
  switch (typeof v) {
    case 'string':
      return !(r.whole.size > 0 && r.whole.has(v)) && !(r.values.size > 0 && holdsSecret(r, v));
    case 'number':
    case 'bigint':
      return !(r.numbers.size > 0 && r.numbers.has(String(v)));
    case 'object': {
      if (v === null) return true;
      if (depth > 64 || --budget < 0) return false;
      try {
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) if (!isClean(r, v[i], depth + 1)) return false;
          return true;
        }
        const proto = Object.getPrototypeOf(v) as unknown;
        if (proto !== Object.prototype && proto !== null) return false;
        if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
        for (const k in v) {
          if (!Object.hasOwn(v, k)) continue;
          if (r.values.size > 0 && holdsSecret(r, k)) return false;
          if (!isClean(r, (v as Record<string, unknown>)[k], depth + 1)) return false;
        }
        return true;
      } catch {
        return false;
      }
    }
    default:
      return true;
  }
};

const UNKNOWN = Symbol('unknown');

/**
 * `v` masked, when it is plain data (arrays, plain objects, primitives) of at most 64 levels, copied only where it
 * changes; UNKNOWN otherwise (an Error, a Map, a class instance, a cycle, a getter that throws...).
 */
const maskPlain = (r: RedactionRegistry, v: unknown, depth: number): unknown => {
  const l = leaf(r, v);
  if (l !== NOT_LEAF) return l;
  if (depth > 64 || --budget < 0) return UNKNOWN;
  try {
    const o = v as object;
    if (Array.isArray(o)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < o.length; i++) {
        const x: unknown = o[i];
        const m = maskPlain(r, x, depth + 1);
        if (m === UNKNOWN) return UNKNOWN;
        if (copy === undefined && !Object.is(m, x)) copy = o.slice(0, i);
        copy?.push(m);
      }
      return copy ?? o;
    }
    const proto = Object.getPrototypeOf(o) as unknown;
    if (proto !== Object.prototype && proto !== null) return UNKNOWN;
    if (typeof (o as { toJSON?: unknown }).toJSON === 'function') return UNKNOWN;
    const keys = Object.keys(o);
    let copy: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const x = (o as Record<string, unknown>)[k];
      const m = maskPlain(r, x, depth + 1);
      if (m === UNKNOWN) return UNKNOWN;
      const mk = r.values.size > 0 ? maskInside(r, k) : k;
      if (copy === undefined && (!Object.is(m, x) || mk !== k)) {
        copy = (proto === null ? Object.create(null) : {}) as Record<string, unknown>;
        for (let j = 0; j < i; j++) copy[keys[j]!] = (o as Record<string, unknown>)[keys[j]!];
      }
      if (copy !== undefined) {
        let key = mk;
        for (let n = 2; key !== k && Object.hasOwn(copy, key); n++) key = `${REDACTED}#${n}`;
        Object.defineProperty(copy, key, { value: m, enumerable: true, writable: true, configurable: true });
      }
    }
    return copy ?? o;
  } catch {
    return UNKNOWN;
  }
};

const keysChanged = (r: RedactionRegistry, f: Frame): boolean => {
  if (f.kind === 'error') {
    if (typeof read(f.src, 'toJSON') === 'function') return true;
  } else if (f.kind !== 'object' && f.kind !== 'instance') return false;
  for (const k of f.keys) if (typeof k === 'string' && maskInside(r, k) !== k) return true;
  return false;
};

/** Bytes are written as base64: masked whole when their base64 holds a secret. Other opaque objects as they are. */
const maskBytes = (r: RedactionRegistry, o: object): unknown => {
  if (!(o instanceof Uint8Array) || r.values.size + r.whole.size === 0) return o;
  const b64 = Buffer.from(o.buffer, o.byteOffset, o.byteLength).toString('base64');
  return maskText(r, b64) !== b64 ? REDACTED : o;
};
