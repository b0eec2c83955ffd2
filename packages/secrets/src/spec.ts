import type { StandardSchemaV1 } from '@standard-schema/spec';
import { type OptionRule, type OptionsChecker, is } from '@lambdaware/shared';
import type { ParseMode } from './parse.js';
import { ID, PARSE, PATHS, SCHEMA, secretsChecker } from './options.js';
import { requestKey } from './store.js';
import { type ParameterRequest, parameterKey } from './ssm.js';
import type { ParameterParse } from './ssm-value.js';
import { type ConfigParse, type ConfigRequest, configId } from './appconfig.js';
import type { Binding } from './loader.js';

/**
 * The specs of secrets()' `fetch` option (a Secrets Manager secret, an SSM parameter or path, an AppConfig
 * profile), their types on the context, and their checks at creation (resolved into the loader's Bindings).
 */

declare const valueType: unique symbol;

/** One secret to fetch: where it is, how to read it, and what it must look like. */
export interface SecretSpec<S extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined> {
  /** The secret's name or ARN (full or partial). */
  id?: string | undefined;
  /** Or: the environment variable holding its name or ARN (read when the middleware is created). */
  env?: string;
  /** A Standard Schema (zod, valibot, arktype...) the parsed value must match; its output is the typed value. */
  schema?: S;
  /** How the value is read (see ParseMode); default: JSON (SecretBinary: JSON if it parses, else bytes). */
  parse?: ParseMode;
  versionId?: string;
  versionStage?: string;
  /**
   * Only the values at these dotted paths of the value (after the schema) are secret, e.g. `['password']`.
   * Default: every value the spec keeps. `[]`: none (the raw SecretString is still masked as a whole).
   */
  redact?: readonly string[];
  /** The values at these dotted paths are not secret (e.g. `['host', 'dbname']`): never masked. */
  notSecret?: readonly string[];
  /** Type-only: the value's type, set by `secret<T>()`. */
  readonly [valueType]?: unknown;
}

/**
 * An SSM Parameter Store parameter (`ssm`) or every parameter under a path (`ssmPath`), in the same model: typed,
 * validated, cached, batched (10 names per GetParameters call), bounded, masked. A SecureString is decrypted and
 * masked like a secret; a String or StringList is not masked unless `secret: true`.
 */
export interface ParameterSpec<S extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined> {
  /** The parameter's name (`/app/db/url`) or ARN. */
  ssm?: string;
  /** Or: every parameter under this path, as an object of name (relative to the path: `db/url`) to value. */
  ssmPath?: string;
  /** With `ssmPath`: every level below it (default true), or only the next one. */
  recursive?: boolean;
  /** A Standard Schema the value (after `parse`) must match; its output is the typed value. */
  schema?: S;
  /** How the value is read: as stored (default), `'list'` (split on commas: a StringList), `'json'`. */
  parse?: ParameterParse;
  /** Mask a String or StringList's value too (a SecureString's always is). Default false. */
  secret?: boolean;
  /** As for a secret: only these dotted paths of the value are masked. */
  redact?: readonly string[];
  /** As for a secret: these dotted paths are never masked. */
  notSecret?: readonly string[];
}

/**
 * An AWS AppConfig configuration profile (feature flags, freeform JSON, YAML or text), through AppConfig Data:
 * fetched once, then polled on the interval AppConfig returns (`cacheTtlMs` does not apply); an invocation is
 * served the value it has while a poll runs, so a slow poll never blocks it.
 */
export interface ConfigSpec<S extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined> {
  appConfig: {
    /** The application's name or id. */
    application: string;
    /** The environment's name or id. */
    environment: string;
    /** The configuration profile's name or id. */
    profile: string;
  };
  /** A Standard Schema the value must match; its output is the typed value (a YAML profile: parse it here). */
  schema?: S;
  /** `'json'` or `'text'`; default: JSON when the profile's content type is JSON, else text (YAML: text). */
  parse?: ConfigParse;
  /** Ask AppConfig to poll no more often than this (RequiredMinimumPollIntervalInSeconds, >= 15). */
  minPollIntervalSeconds?: number;
  /** Mask the configuration's values (default false: configuration is not secret). */
  secret?: boolean;
  redact?: readonly string[];
  notSecret?: readonly string[];
}

/** A secret: its id (a string), or a spec; or an SSM parameter spec; or an AppConfig profile spec. */
export type FetchSpec = string | SecretSpec | ParameterSpec | ConfigSpec;

/** The type of one parameter's value read as its spec's `parse` says. */
type ParameterValue<F> = F extends { parse: 'list' } ? string[] : F extends { parse: 'json' } ? any : string; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The type a spec puts on the context. */
export type SecretValue<F> = F extends { schema: infer S extends StandardSchemaV1 }
  ? StandardSchemaV1.InferOutput<S>
  : F extends { ssm: string }
    ? ParameterValue<F>
    : F extends { ssmPath: string }
      ? Record<string, ParameterValue<F>>
      : F extends { appConfig: object }
        ? F extends { parse: 'text' }
          ? string
          : any // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of the profile: the user's schema types it
        : F extends { parse: 'text' }
          ? string
          : F extends { parse: 'binary' }
            ? Uint8Array
            : F extends { readonly [valueType]?: infer T }
              ? unknown extends T
                ? any // eslint-disable-line @typescript-eslint/no-explicit-any -- unvalidated JSON: the user's to narrow
                : T
              : any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `context.secrets` for a `fetch` option. */
export type SecretValues<F extends Record<string, FetchSpec>> = { [K in keyof F]: SecretValue<F[K]> };

/**
 * Types a secret without a schema (no runtime check): `fetch: { api: secret<{ token: string }>('my/api') }`.
 */
export const secret = <T>(
  id: string,
  spec: Pick<SecretSpec<undefined>, 'parse' | 'versionId' | 'versionStage' | 'redact' | 'notSecret'> = {},
): SecretSpec<undefined> & { readonly [valueType]?: T } => ({ ...spec, id }) as SecretSpec<undefined> & { readonly [valueType]?: T };

const SPEC_RULES: Record<Exclude<keyof SecretSpec, typeof valueType>, OptionRule | null> = {
  id: null,
  env: null,
  schema: SCHEMA,
  parse: PARSE,
  versionId: is.string(),
  versionStage: is.string(),
  redact: PATHS,
  notSecret: PATHS,
};
const PARAMETER_RULES: Record<keyof ParameterSpec, OptionRule | null> = {
  ssm: null,
  ssmPath: null,
  recursive: is.boolean,
  schema: SCHEMA,
  parse: is.oneOf(['text', 'json', 'list']),
  secret: is.boolean,
  redact: PATHS,
  notSecret: PATHS,
};
const CONFIG_RULES: Record<keyof ConfigSpec, OptionRule | null> = {
  appConfig: is.custom(
    '{ application, environment, profile } (names or ids)',
    (v) =>
      is.object.test(v) &&
      ['application', 'environment', 'profile'].every(
        (k) => typeof (v as Record<string, unknown>)[k] === 'string' && (v as Record<string, string>)[k] !== '',
      ) &&
      Object.keys(v as object).length === 3,
  ),
  schema: SCHEMA,
  parse: is.oneOf(['json', 'text']),
  minPollIntervalSeconds: is.custom('a number of seconds >= 15', (v) => typeof v === 'number' && v >= 15),
  secret: is.boolean,
  redact: PATHS,
  notSecret: PATHS,
};
const SPEC: OptionRule = is.custom(
  'a secret name or ARN, or { id | env, ... }, { ssm | ssmPath, ... } or { appConfig, ... }',
  (v) => ID.test(v) || is.object.test(v),
);

/** `{ appConfig: { application, environment, profile } }`. */
const bindConfig = (key: string, spec: object, checker: OptionsChecker, at: string): Binding => {
  const s = checker.options(spec, CONFIG_RULES, at) as unknown as ConfigSpec;
  checker.check(`${at}.appConfig`, s.appConfig, CONFIG_RULES.appConfig!, false);
  const config: ConfigRequest = { ...s.appConfig, minPollSeconds: s.minPollIntervalSeconds };
  const id = configId(config);
  return {
    key,
    kind: 'configuration',
    request: { id },
    config,
    secret: s.secret,
    cacheKey: id,
    parse: s.parse,
    schema: s.schema,
    redact: s.redact,
    notSecret: s.notSecret,
    memo: undefined,
  };
};

/** `{ ssm }` / `{ ssmPath }`: a parameter or a path. */
const bindParameter = (key: string, spec: object, checker: OptionsChecker, at: string): Binding => {
  const s = checker.options(spec, PARAMETER_RULES, at) as ParameterSpec;
  if (s.ssm !== undefined && s.ssmPath !== undefined)
    throw checker.error(`${at}.ssm`, { problem: `and option "${at}.ssmPath" cannot both be given: give one` });
  if (s.ssm !== undefined) {
    checker.check(
      `${at}.ssm`,
      s.ssm,
      is.custom('an SSM parameter name or ARN', (v) => typeof v === 'string' && v !== ''),
      false,
    );
    if (s.recursive !== undefined) throw checker.error(`${at}.recursive`, { problem: `applies to "${at}.ssmPath" only` });
  } else {
    checker.check(
      `${at}.ssmPath`,
      s.ssmPath,
      is.custom("an SSM parameter path starting with '/'", (v) => typeof v === 'string' && v.startsWith('/')),
      false,
    );
  }
  const parameter: ParameterRequest = s.ssm !== undefined ? { name: s.ssm } : { path: s.ssmPath!, recursive: s.recursive ?? true };
  return {
    key,
    kind: 'parameter',
    request: { id: s.ssm ?? s.ssmPath! },
    parameter,
    secret: s.secret,
    cacheKey: parameterKey(parameter),
    parse: s.parse,
    schema: s.schema,
    redact: s.redact,
    notSecret: s.notSecret,
    memo: undefined,
  };
};

/** A `fetch` entry, checked and resolved (an `env` read now). */
export const bindSpec = (key: string, spec: unknown): Binding => {
  const at = `fetch.${key}`;
  const checker = secretsChecker('secrets', '', key);
  checker.check(at, spec, SPEC, false);
  if (typeof spec === 'string') {
    const request = { id: spec };
    return {
      key,
      kind: 'secret',
      request,
      cacheKey: requestKey(request),
      parse: undefined,
      schema: undefined,
      redact: undefined,
      notSecret: undefined,
      memo: undefined,
    };
  }
  if ('ssm' in (spec as object) || 'ssmPath' in (spec as object)) return bindParameter(key, spec as object, checker, at);
  if ('appConfig' in (spec as object)) return bindConfig(key, spec as object, checker, at);
  const s = checker.options(spec, SPEC_RULES, at) as SecretSpec;
  let id = s.id;
  if (s.env !== undefined) {
    if (s.id !== undefined) throw checker.error(`${at}.id`, { problem: `and option "${at}.env" cannot both be given: give one` });
    checker.check(
      `${at}.env`,
      s.env,
      is.custom('an environment variable name', (v) => typeof v === 'string' && v !== ''),
    );
    id = process.env[s.env];
    if (id === undefined || id === '') throw checker.error(`${at}.env`, { problem: `names the environment variable ${s.env}, which is not set` });
  } else {
    checker.check(`${at}.id`, id, ID, false);
  }
  const request = { id: id!, versionId: s.versionId, versionStage: s.versionStage };
  return {
    key,
    kind: 'secret',
    request,
    cacheKey: requestKey(request),
    parse: s.parse,
    schema: s.schema,
    redact: s.redact,
    notSecret: s.notSecret,
    memo: undefined,
  };
};
