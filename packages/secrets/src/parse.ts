import type { StandardSchemaV1 } from '@standard-schema/spec';
import { registerSecret } from '@lambdaware/shared';
import { SecretsError, scrubValues, type SecretsIssue } from './errors.js';
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

/** The value of a raw secret read as `mode`; every string leaf of a parsed value is registered for redaction. */
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
    registerSecret(text);
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
  registerSecret(value);
  return value;
};

const pathOf = (issue: StandardSchemaV1.Issue): string =>
  (issue.path ?? [])
    .map((p) => (typeof p === 'object' ? p.key : p))
    .map((k) => String(k))
    .join('.') || '(root)';

/** Validates with a Standard Schema (sync or async); a mismatch names the paths, never the values. */
export const validate = async (id: string, value: unknown, schema: StandardSchemaV1 | undefined): Promise<unknown> => {
  if (schema === undefined) return value;
  let result = schema['~standard'].validate(value);
  if (result instanceof Promise) result = await result;
  if (result.issues !== undefined) {
    const issues: SecretsIssue[] = result.issues.map((i) => ({ path: pathOf(i), message: scrubValues(i.message, value) }));
    const list = issues.map((i) => `${i.path} (${i.message})`).join('; ');
    throw new SecretsError(id, 'SchemaMismatch', `does not match the schema at ${list}`, { issues });
  }
  // a schema may transform: the output's strings are secrets too
  registerSecret(result.value);
  return result.value;
};
