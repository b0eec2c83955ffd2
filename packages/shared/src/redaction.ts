import { KEYS } from './keys.js';

/** What a registered secret value is replaced with in any output. */
export const REDACTED = '****';

/**
 * A string secret of at least this many characters (and not a JSON literal: a number, true, false, null) is masked
 * wherever it occurs inside text; a shorter one, a number-like one and a number only where it stands as a whole value.
 */
export const MIN_TEXT_SECRET_LENGTH = 6;
/** @deprecated the old name of MIN_TEXT_SECRET_LENGTH. */
export const MIN_SECRET_LENGTH = MIN_TEXT_SECRET_LENGTH;

/** A string JSON would read as a number, a boolean or null: never masked inside text (it would cut numbers, break lines). */
const LITERAL = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/;

interface RedactionRegistry {
  /** Text secrets: masked wherever they occur in a string (raw, JSON-escaped once and twice). */
  values: Set<string>;
  /** Whole-value secrets: masked where a string value is exactly this text (numbers' decimal text included). */
  whole: Set<string>;
  /** The decimal text of the number secrets (also in `whole`): masked where a number or BigInt value equals it. */
  numbers: Set<string>;
  /** Derived, rebuilt lazily after a change. */
  forms: string[] | undefined;
  shortest: number;
  longestWhole: number | undefined;
  jsonForms: string[] | undefined;
  /** One test for the forms up to 256 characters (one native scan instead of one `includes` per form). */
  probe: RegExp | null;
  /** Longer forms (a 1 MB secret), tested with `includes`. */
  long: string[];
  /** Short texts seen to hold no text secret (keys, service names...: a line repeats them), until the next change. */
  clean: Set<string>;
}

const registry = (): RedactionRegistry => {
  const g = globalThis as Record<symbol, RedactionRegistry | undefined>;
  let r = g[KEYS.redaction];
  if (r === undefined || !(r.whole instanceof Set) || !(r.numbers instanceof Set)) {
    // (an older copy of this module may have created a registry without `whole`: keep its values)
    const values = r?.values instanceof Set ? r.values : new Set<string>();
    r = { values, whole: new Set(), numbers: new Set(), forms: undefined, shortest: 0, longestWhole: undefined, jsonForms: undefined, probe: null, long: [], clean: new Set() };
    g[KEYS.redaction] = r;
  }
  return r;
};

const escape = (s: string): string => JSON.stringify(s).slice(1, -1);

/** The forms a text secret takes inside a string: raw, JSON-escaped (JSON in a string), escaped twice; longest first. */
const formsOf = (r: RedactionRegistry): string[] => {
  if (r.forms === undefined) {
    const set = new Set<string>();
    for (const secret of r.values) {
      const once = escape(secret);
      set.add(secret);
      set.add(once);
      set.add(escape(once));
    }
    r.forms = [...set].sort((a, b) => b.length - a.length);
    r.shortest = r.forms.length > 0 ? r.forms.at(-1)!.length : 0;
    const short = r.forms.filter((f) => f.length <= 256);
    r.probe = short.length > 0 ? new RegExp(short.map(regexEscape).join('|')) : null;
    r.long = r.forms.filter((f) => f.length > 256);
  }
  return r.forms;
};

const regexEscape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Does `text` hold any form of a text secret? (formsOf must have run.) */
const holdsSecret = (r: RedactionRegistry, text: string): boolean => {
  if (text.length < r.shortest) return false;
  const cacheable = text.length <= 128;
  if (cacheable && r.clean.has(text)) return false;
  if (r.probe !== null && r.probe.test(text)) return true;
  for (const f of r.long) if (f.length <= text.length && text.includes(f)) return true;
  if (cacheable && r.clean.size < 4096) r.clean.add(text);
  return false;
};

const changed = (r: RedactionRegistry): void => {
  r.forms = undefined;
  r.longestWhole = undefined;
  r.jsonForms = undefined;
  r.clean.clear();
};

/** Why a value (or a part of it) could not be registered, for the warning the caller writes. */
export interface UnmaskedPart {
  /** Dotted path in the value ('' for the value itself). */
  path: string;
  reason: string;
}

export interface Registration {
  /** Values masked inside text. */
  text: number;
  /** Values masked where they stand as a whole value. */
  whole: number;
  /** Parts that cannot be masked (empty strings, booleans, null, an empty object or array), with why. */
  unmasked: UnmaskedPart[];
}

export interface RegisterOptions {
  /** Only the values at these dotted paths (and under them) are secret. Default: every leaf. */
  redact?: readonly string[];
  /** The values at these dotted paths (and under them) are not secret. */
  notSecret?: readonly string[];
}

/** How one leaf is registered: 'text', 'whole', or why it cannot be. */
export const classifySecret = (value: unknown): 'text' | 'whole' | string => {
  if (typeof value === 'string') {
    if (value.length === 0) return 'an empty string: nothing to mask';
    return value.length >= MIN_TEXT_SECRET_LENGTH && !LITERAL.test(value) ? 'text' : 'whole';
  }
  if (typeof value === 'number') return Number.isFinite(value) ? 'whole' : `${value}: not a value JSON can hold`;
  if (typeof value === 'bigint') return 'whole';
  if (typeof value === 'boolean') return 'a boolean: true/false are never masked (they would hide every flag)';
  if (value === null) return 'null: nothing to mask';
  return `a ${typeof value}: not a value that can be masked`;
};

const within = (path: string, prefixes: readonly string[]): boolean =>
  prefixes.some((p) => path === p || path.startsWith(`${p}.`) || p === '');

/**
 * Registers a secret so that lambdaware never writes it. A string, number or BigInt is registered itself; a JSON
 * object or array, each of its leaves (those under `redact`, if given, and not under `notSecret`). A string of
 * MIN_TEXT_SECRET_LENGTH+ characters that is not a JSON literal is masked wherever it occurs in text; a shorter
 * or number-like string where a string value is exactly it; a number where a number value equals it or a string
 * value is exactly its decimal text (a string secret "5432" never masks the number 5432). Empty strings, booleans and
 * null cannot be masked: they are listed in the result's `unmasked`, never registered. Bytes (Uint8Array) are
 * registered as their base64 (how lambdaware writes bytes).
 */
export const registerSecret = (value: unknown, options: RegisterOptions = {}): Registration => {
  const r = registry();
  const result: Registration = { text: 0, whole: 0, unmasked: [] };
  const { redact, notSecret } = options;
  const seen = new Set<object>();
  // iterative: a deep value never overflows the stack
  const stack: { v: unknown; path: string }[] = [{ v: value, path: '' }];
  let isRoot = true;
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    const root = isRoot;
    isRoot = false;
    if (v !== null && typeof v === 'object') {
      if (seen.has(v)) continue;
      seen.add(v);
      if (v instanceof Uint8Array) {
        if ((redact === undefined || within(path, redact)) && !(notSecret !== undefined && within(path, notSecret))) {
          addLeaf(r, Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'), path, result);
        }
        continue;
      }
      const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
      if (entries.length === 0 && root) result.unmasked.push({ path, reason: `an empty ${Array.isArray(v) ? 'array' : 'object'}: nothing to mask` });
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i]!;
        stack.push({ v: x, path: path === '' ? k : `${path}.${k}` });
      }
      continue;
    }
    if (redact !== undefined && !within(path, redact)) continue;
    if (notSecret !== undefined && within(path, notSecret)) continue;
    addLeaf(r, v, path, result);
  }
  return result;
};

const addLeaf = (r: RedactionRegistry, v: unknown, path: string, result: Registration): void => {
  const kind = classifySecret(v);
  if (kind === 'text') {
    const s = v as string;
    if (!r.values.has(s)) {
      r.values.add(s);
      changed(r);
    }
    result.text++;
  } else if (kind === 'whole') {
    const s = String(v);
    const isNumber = typeof v === 'number' || typeof v === 'bigint';
    if (!r.whole.has(s) || (isNumber && !r.numbers.has(s))) {
      r.whole.add(s);
      if (isNumber) r.numbers.add(s);
      changed(r);
    }
    result.whole++;
  } else {
    result.unmasked.push({ path, reason: kind });
  }
};

/** Forgets every registered value (for tests). */
export const clearSecrets = (): void => {
  const r = registry();
  r.values.clear();
  r.whole.clear();
  r.numbers.clear();
  changed(r);
};

/** True when no secret is registered: callers can skip redaction work entirely. */
export const hasSecrets = (): boolean => {
  const r = registry();
  return r.values.size > 0 || r.whole.size > 0;
};

const maskText = (r: RedactionRegistry, text: string): string => {
  if (r.whole.size > 0 && r.whole.has(text)) return REDACTED;
  return maskInside(r, text);
};

/** Text secrets inside a text (an object key: whole-value secrets never mask a key). */
const maskInside = (r: RedactionRegistry, text: string): string => {
  if (r.values.size === 0) return text;
  const forms = formsOf(r);
  if (!holdsSecret(r, text)) return text;
  let out = text;
  for (const form of forms) {
    if (form.length <= out.length && out.includes(form)) out = out.split(form).join(REDACTED);
  }
  return out;
};

/**
 * Masks registered secrets in a text (a message, a stack trace, a string value): each text secret wherever it
 * occurs (raw, and JSON-escaped once or twice, as inside a string that holds JSON); and the whole text when it is
 * exactly a whole-value secret. Returns `text` itself when nothing is masked.
 */
export const redactString = (text: string): string => {
  if (!hasSecrets()) return text;
  return maskText(registry(), text);
};

const CIRCULAR = '[Circular]';
const UNREADABLE = '[Unreadable]';
const NOT_LEAF = Symbol('not a leaf');
const CYCLE = Symbol('cycle');
const THROWS = Symbol('throws');

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

const read = (o: object, key: PropertyKey): unknown => {
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
      return frame('error', keys, keys.map((k) => read(o, k)));
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
    if (!plain && typeof (o as { toJSON?: unknown }).toJSON === 'function') {
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
    return frame(plain ? 'object' : 'instance', keys, keys.map((k) => read(o, k)));
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
        Object.defineProperty(copy, k, { value: out[i], enumerable, writable: true, configurable: true });
      });
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
      const copy = (f.kind === 'object' ? (Object.getPrototypeOf(f.src) === null ? Object.create(null) : {}) : Object.create(Object.getPrototypeOf(f.src) as object)) as Record<string, unknown>;
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
const redactValue = (r: RedactionRegistry, root: unknown): unknown => {
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
  if (f.kind !== 'object' && f.kind !== 'instance') return false;
  for (const k of f.keys) if (maskInside(r, k as string) !== k) return true;
  return false;
};

/** Bytes are written as base64: masked whole when their base64 holds a secret. Other opaque objects as they are. */
const maskBytes = (r: RedactionRegistry, o: object): unknown => {
  if (!(o instanceof Uint8Array) || r.values.size + r.whole.size === 0) return o;
  const b64 = Buffer.from(o.buffer, o.byteOffset, o.byteLength).toString('base64');
  return maskText(r, b64) !== b64 ? REDACTED : o;
};

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

/** Masks the whole-value secrets that stand as whole JSON tokens (a string, a number) in a JSON text. */
const maskTokens = (r: RedactionRegistry, text: string): string => {
  let present = false;
  for (const w of r.whole) {
    if (text.includes(w)) {
      present = true;
      break;
    }
  }
  if (!present) return text;
  let out = '';
  let last = 0;
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string token: to its closing quote (skipping escapes)
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) j += 2;
        else if (d === 0x22) break;
        else j++;
      }
      const end = Math.min(j + 1, n);
      if (end - i - 2 <= (r.longestWhole ?? Infinity)) {
        let value: unknown;
        try {
          value = JSON.parse(text.slice(i, end));
        } catch {
          value = undefined;
        }
        if (typeof value === 'string' && r.whole.has(value) && text.charCodeAt(skipSpace(text, end)) !== 0x3a) {
          // a value, not a key (a key is followed by ':')
          out += `${text.slice(last, i)}"${REDACTED}"`;
          last = end;
        }
      }
      i = end;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && /[0-9eE.+-]/.test(text[j]!)) j++;
      if (r.numbers.has(text.slice(i, j))) {
        out += `${text.slice(last, i)}"${REDACTED}"`;
        last = j;
      }
      i = j;
    } else i++;
  }
  return last === 0 ? text : out + text.slice(last);
};

const skipSpace = (text: string, i: number): number => {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
};

/**
 * Masks registered secrets in an already serialized JSON text, for writers that cannot mask before serializing:
 * each text secret in its JSON-escaped forms (once, and twice inside a string that holds JSON), and each whole-value
 * secret where it is a whole JSON value (a string `"5432"`, the number 5432: never a part of 154320, never a key,
 * never inside another string), found by a tokenizer pass. The text stays valid JSON. Prefer redactDeep before serializing. Returns `text` itself when no secret is registered.
 */
export const redactJsonText = (text: string): string => {
  if (!hasSecrets()) return text;
  const r = registry();
  let out = text;
  if (r.values.size > 0) {
    // the forms a secret takes inside a JSON string (escaped once, and twice in a string holding JSON); its raw
    // form, when JSON escapes it, cannot occur inside a JSON string, and replacing it could break the text
    r.jsonForms ??= [...new Set([...r.values].flatMap((s) => [escape(s), escape(escape(s))]))].sort((a, b) => b.length - a.length);
    for (const form of r.jsonForms) if (out.includes(form)) out = out.split(form).join(REDACTED);
  }
  if (r.whole.size > 0) {
    r.longestWhole ??= Math.max(...[...r.whole].map((w) => escape(w).length));
    out = maskTokens(r, out);
  }
  return out;
};

/** Secret loads (Secrets Manager fetches) in flight, so that a line written before they settle can wait for them. */
const pending = (): Set<Promise<unknown>> => {
  const g = globalThis as Record<symbol, Set<Promise<unknown>> | undefined>;
  return (g[KEYS.pendingSecrets] ??= new Set());
};

/** Called by @lambdaware/secrets for every load it starts (a prefetch at init, a fetch in `before`). */
export const trackSecretLoad = (load: Promise<unknown>): void => {
  const set = pending();
  set.add(load);
  const done = (): void => {
    set.delete(load);
  };
  load.then(done, done);
};

/**
 * A promise that settles (never rejects) when every secret load started so far has settled, or `undefined` when none
 * is in flight. A writer that may print secret values (the logger's event line) awaits it, bounded by the
 * invocation's remaining time, before it writes.
 */
export const pendingSecrets = (): Promise<void> | undefined => {
  const set = pending();
  if (set.size === 0) return undefined;
  return Promise.allSettled([...set]).then(() => undefined);
};
