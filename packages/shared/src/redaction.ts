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

export interface RedactionRegistry {
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

export const registry = (): RedactionRegistry => {
  const g = globalThis as Record<symbol, RedactionRegistry | undefined>;
  let r = g[KEYS.redaction];
  if (r === undefined || !(r.whole instanceof Set) || !(r.numbers instanceof Set)) {
    // (an older copy of this module may have created a registry without `whole`: keep its values)
    const values = r?.values instanceof Set ? r.values : new Set<string>();
    r = {
      values,
      whole: new Set(),
      numbers: new Set(),
      forms: undefined,
      shortest: 0,
      longestWhole: undefined,
      jsonForms: undefined,
      probe: null,
      long: [],
      clean: new Set(),
    };
    g[KEYS.redaction] = r;
  }
  return r;
};

export const escape = (s: string): string => JSON.stringify(s).slice(1, -1);

/** The forms a text secret takes inside a string: raw, JSON-escaped (JSON in a string), escaped twice; longest first. */
export const formsOf = (r: RedactionRegistry): string[] => {
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
export const holdsSecret = (r: RedactionRegistry, text: string): boolean => {
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

const within = (path: string, prefixes: readonly string[]): boolean => prefixes.some((p) => path === p || path.startsWith(`${p}.`) || p === '');

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

export const maskText = (r: RedactionRegistry, text: string): string => {
  if (r.whole.size > 0 && r.whole.has(text)) return REDACTED;
  return maskInside(r, text);
};

/** Text secrets inside a text (an object key: whole-value secrets never mask a key). */
export const maskInside = (r: RedactionRegistry, text: string): string => {
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
