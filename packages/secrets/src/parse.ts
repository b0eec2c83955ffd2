import type { StandardSchemaV1 } from '@standard-schema/spec';
import { formatIssuePath, getLogSink, registerSecret } from '@lambdaware/shared';
import { SecretsError, scrubValues, type SecretKind, type SecretsIssue } from './errors.js';
import type { RawSecret } from './store.js';

/**
 * How a value is read:
 * - `'json'`: JSON.parse of the SecretString (or of SecretBinary as UTF-8); an error (`NotJson`) when it is not JSON.
 * - `'text'`: the SecretString (or SecretBinary decoded as UTF-8; `NotText` when it is not UTF-8).
 * - `'binary'`: a Uint8Array (SecretBinary, or the SecretString's UTF-8 bytes).
 * - default (undefined): `'json'` for a SecretString; for a SecretBinary, its JSON when it is UTF-8 JSON, else its bytes.
 */
export type ParseMode = 'json' | 'text' | 'binary';

const utf8 = new TextDecoder('utf-8', { fatal: true });

const notJson = (id: string, what: string): SecretsError =>
  // the SyntaxError is not kept: V8 quotes the offending text in its message
  new SecretsError(id, 'NotJson', `${what} is not valid JSON (use parse: 'text' to get it as a string)`);

const parseJson = (id: string, text: string, what: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw notJson(id, what);
  }
};

/** The value of a raw secret read as `mode` (registered for masking by registerValue, once validated). */
export const decode = (id: string, raw: RawSecret, mode: ParseMode | undefined): unknown => {
  let value: unknown;
  if (raw.string !== undefined) {
    if (mode === 'text') return raw.string;
    if (mode === 'binary') return new Uint8Array(Buffer.from(raw.string, 'utf8'));
    value = parseJson(id, raw.string, 'SecretString');
  } else if (raw.binary !== undefined) {
    if (mode === 'binary') return raw.binary;
    let text: string | undefined;
    try {
      text = utf8.decode(raw.binary);
    } catch {
      if (mode === 'text') throw new SecretsError(id, 'NotText', "SecretBinary is not UTF-8 text (use parse: 'binary')");
      if (mode === 'json') throw notJson(id, 'SecretBinary');
      return raw.binary;
    }
    if (mode === 'text') return text;
    if (mode === 'json') value = parseJson(id, text, 'SecretBinary');
    else {
      try {
        value = JSON.parse(text) as unknown;
      } catch {
        return raw.binary;
      }
    }
  } else {
    throw new SecretsError(id, 'InvalidRequest', 'the answer has neither SecretString nor SecretBinary');
  }
  return value;
};

/** `db.hosts[0]`: the one path format of @lambdaware/shared. */
const pathOf = (issue: StandardSchemaV1.Issue): string => formatIssuePath(issue.path);

/** Validates with a Standard Schema (sync or async); a mismatch names the paths, never the values. */
export const validate = async (id: string, value: unknown, schema: StandardSchemaV1 | undefined, kind: SecretKind = 'secret'): Promise<unknown> => {
  if (schema === undefined) return value;
  let result = schema['~standard'].validate(value);
  if (result instanceof Promise) result = await result;
  if (result.issues !== undefined) {
    const issues: SecretsIssue[] = result.issues.map((i) => ({ path: pathOf(i), message: scrubValues(i.message, value) }));
    const list = issues.map((i) => `${i.path} (${i.message})`).join('; ');
    throw new SecretsError(id, 'SchemaMismatch', `does not match the schema at ${list}`, { issues, kind });
  }
  return result.value;
};

/** Which parts of a secret's value are secret (SecretSpec's `redact` / `notSecret`). */
export interface MaskSpec {
  redact?: readonly string[] | undefined;
  notSecret?: readonly string[] | undefined;
}

/** Warnings already written, so a cached secret read again (getSecretValues) warns once. */
const warned = new Set<string>();

/**
 * Registers for masking what the secret spec keeps: the value after its schema (a schema that picks `{ password }`
 * makes only the password secret), restricted to `redact` and without `notSecret` when given. A value nothing of
 * which can be masked ("", null, true, {}) and a `redact` path that is not in the value get one `warn` line naming
 * the secret and why (never the value).
 */
export const registerValue = (id: string, key: string | undefined, value: unknown, spec: MaskSpec): void => {
  const r = registerSecret(value, { redact: spec.redact, notSecret: spec.notSecret });
  const problems: string[] = [];
  if (r.text + r.whole === 0 && spec.redact === undefined) {
    const root = r.unmasked.find((u) => u.path === '');
    problems.push(
      `nothing in its value can be masked (${root?.reason ?? (r.unmasked.length > 0 ? r.unmasked.map((u) => `${u.path}: ${u.reason}`).join('; ') : 'no value')})`,
    );
  }
  for (const path of spec.redact ?? []) {
    if (!hasPath(value, path)) problems.push(`redact path "${path}" is not in the value: nothing masked for it`);
  }
  if (problems.length === 0) return;
  const where = key !== undefined ? `secret "${id}" (key "${key}")` : `secret "${id}"`;
  const message = `secrets: ${where}: ${problems.join('; ')}`;
  if (warned.has(message)) return;
  if (warned.size < 1000) warned.add(message);
  getLogSink().log('warn', message, { secretId: id, ...(key !== undefined ? { secretKey: key } : {}) });
};

const hasPath = (value: unknown, path: string): boolean => {
  let v = value;
  for (const part of path === '' ? [] : path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, part)) return false;
    v = (v as Record<string, unknown>)[part];
  }
  return true;
};
