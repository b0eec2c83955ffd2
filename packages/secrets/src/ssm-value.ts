import { registerSecret } from '@lambdaware/shared';
import { SecretsError } from './errors.js';
import { type MaskSpec, registerValue } from './parse.js';
import type { RawParam, RawParameter } from './ssm.js';

/**
 * How an SSM parameter's value is read:
 * - default: the value as stored (a string, for String, StringList and SecureString alike);
 * - `'list'`: split on commas (a StringList's items: `'a,b,c'` → `['a', 'b', 'c']`);
 * - `'json'`: JSON.parse of the value (`NotJson` when it is not JSON);
 * - `'text'`: the value as stored (the default, said explicitly).
 * For a path, each parameter's value is read so, in an object keyed by its name relative to the path.
 */
export type ParameterParse = 'text' | 'json' | 'list';

const one = (id: string, p: RawParameter, mode: ParameterParse | undefined): unknown => {
  if (mode === 'list') return p.value === '' ? [] : p.value.split(',');
  if (mode !== 'json') return p.value;
  try {
    return JSON.parse(p.value) as unknown;
  } catch {
    // the SyntaxError is not kept: V8 quotes the offending text in its message
    throw new SecretsError(id, 'NotJson', `the value of ${p.name} is not valid JSON (leave parse unset to get it as a string)`, { kind: 'parameter' });
  }
};

/** `/app/config/db/url` under `/app/config` → `db/url`. */
export const relativeName = (path: string, name: string): string => {
  const base = path.replace(/\/+$/, '');
  return name.startsWith(`${base}/`) ? name.slice(base.length + 1) : name;
};

/** The value of a parameter (or of a path: name relative to the path → value), read as `mode`. */
export const decodeParameter = (id: string, raw: RawParam, mode: ParameterParse | undefined): unknown => {
  if (!('parameters' in raw)) return one(id, raw, mode);
  const out: Record<string, unknown> = {};
  for (const p of raw.parameters) out[relativeName(raw.path, p.name)] = one(id, p, mode);
  return out;
};

/**
 * Registers for masking what is secret: a SecureString's value (after the schema, narrowed by redact/notSecret, as
 * for a Secrets Manager secret), any parameter's with `secret: true`; a String or StringList's value is not.
 * Under a path, each SecureString's value read as `mode` is registered (and the whole value with `secret: true`).
 */
export const registerParameter = (
  id: string,
  key: string | undefined,
  value: unknown,
  raw: RawParam,
  spec: MaskSpec & { secret?: boolean; parse?: ParameterParse },
): void => {
  if (!('parameters' in raw)) {
    if (raw.type === 'SecureString' || spec.secret === true) registerValue(id, key, value, spec);
    return;
  }
  if (spec.secret === true) {
    registerValue(id, key, value, spec);
    return;
  }
  for (const p of raw.parameters) if (p.type === 'SecureString') registerSecret(one(id, p, spec.parse));
};
