import { describeValue } from './describe.js';

/**
 * The one option-error shape and options checker of the lambdaware packages.
 *
 * Every package checks its options when its middleware (or builder, or logger) is created and throws an
 * {@link OptionsError}: it names the package, the function, the option, what was expected and what was given (the
 * value described with `describeValue`, never printed whole, so no secret leaks), in one message format:
 *
 *     records(): option "concurrency" must be an integer >= 1, got 0
 *     records(): option "schem" is not an option of records() (options: source, schema, ...)
 *     records(): options must be an object, got "sqs"
 */

/** The `option` of an error about the options argument as a whole (not an object, ...). */
export const WHOLE_OPTIONS = 'options';

/** What an option error is made from. */
export interface OptionsErrorInit {
  /** The npm package, e.g. `@lambdaware/records`. */
  package: string;
  /** The function the options were given to, without parentheses: `records`, `createLogger`, `sqsEvent`. */
  fn: string;
  /** The option, as a path for a nested one (`fetch.db.id`, `mask[2]`), or `options` for the whole argument. */
  option: string;
  /** What the option must be, as a phrase that follows "must be": `an integer >= 1`, `true or false`. */
  expected?: string;
  /** The value given (described in the message with `describeValue`). Set it (even to `undefined`) with `expected`. */
  value?: unknown;
  /** Instead of `must be <expected>, got <value>`: what else was wrong (`is not an option of records() (...)`). */
  problem?: string;
}

/** The fields every option error carries. */
export interface OptionsErrorFields {
  readonly package: string;
  readonly fn: string;
  readonly option: string;
  /** What the option must be (`an integer >= 1`), when the mistake is a wrong value. */
  readonly expected: string | undefined;
  /** The value given, described (`"3"`, `an object (Map)`, `undefined`), when the mistake is a wrong value. */
  readonly given: string | undefined;
  /** The message less its `fn(): option "x"` head: `must be an integer >= 1, got 0`. */
  readonly problem: string;
}

/** Reads an init into the fields and the message (used by OptionsError and by errors that cannot extend it). */
export const optionsErrorFields = (init: OptionsErrorInit): OptionsErrorFields & { message: string } => {
  const given = init.expected !== undefined && ('value' in init || init.problem === undefined) ? describeValue(init.value) : undefined;
  const problem = init.problem ?? `must be ${init.expected ?? 'valid'}, got ${given ?? describeValue(init.value)}`;
  const subject = init.option === WHOLE_OPTIONS ? 'options' : `option ${JSON.stringify(init.option)}`;
  return {
    package: init.package,
    fn: init.fn,
    option: init.option,
    expected: init.expected,
    given,
    problem,
    message: `${init.fn}(): ${subject} ${problem}`,
  };
};

/** Marks an option error of any class (and of any copy of this package) so that `instanceof OptionsError` holds. */
const BRAND = Symbol.for('@lambdaware/shared:OptionsError');

/** Gives an error class its `name` the one way the packages do it: on the prototype, not enumerable. */
export const nameErrorClass = (errorClass: abstract new (...args: never[]) => Error, name: string): void => {
  Object.defineProperty(errorClass.prototype, 'name', { value: name, enumerable: false, writable: true, configurable: true });
};

/** Marks `error` as an option error carrying `fields` (for a class that cannot extend OptionsError, e.g. SecretsError). */
export const markOptionsError = (error: Error, fields: OptionsErrorFields): void => {
  for (const [key, value] of Object.entries(fields)) {
    if (key !== 'message') Object.defineProperty(error, key, { value, enumerable: false, writable: true, configurable: true });
  }
  Object.defineProperty(error, BRAND, { value: true, enumerable: false });
};

/**
 * An invalid option, thrown when a middleware, builder or logger is created. Each package's own class
 * (`RecordsOptionError`, `LoggerOptionsError`, `LambdawareOptionError`, `EventBuildError` for an option) extends
 * it; `SecretsError` with code `InvalidOptions` is marked as one. `error instanceof OptionsError` holds for all of
 * them, also across two installed copies of @lambdaware/shared.
 */
export class OptionsError extends Error implements OptionsErrorFields {
  declare readonly package: string;
  declare readonly fn: string;
  declare readonly option: string;
  declare readonly expected: string | undefined;
  declare readonly given: string | undefined;
  declare readonly problem: string;

  constructor(init: OptionsErrorInit, options?: ErrorOptions) {
    const fields = optionsErrorFields(init);
    super(fields.message, options);
    markOptionsError(this, fields);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // a subclass keeps the ordinary prototype check: a LoggerOptionsError is no RecordsOptionError
    if (this !== OptionsError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
}
nameErrorClass(OptionsError, 'OptionsError');

/** True for an option error of any lambdaware package. */
export const isOptionsError = (value: unknown): value is OptionsErrorFields & Error => value instanceof OptionsError;

// ---------------------------------------------------------------------------------------------------------------------
// Checks: small declarative rules, each with the phrase the message uses.

/** A rule one option value must pass; `expected` completes "must be ...". */
export interface OptionRule {
  readonly expected: string;
  readonly test: (value: unknown) => boolean;
}

const rule = (expected: string, test: (value: unknown) => boolean): OptionRule => ({ expected, test });

const range = (min: number | undefined, max: number | undefined): string =>
  min !== undefined && max !== undefined ? ` from ${min} to ${max}` : min !== undefined ? ` >= ${min}` : max !== undefined ? ` <= ${max}` : '';

const within = (v: number, min: number | undefined, max: number | undefined): boolean => (min === undefined || v >= min) && (max === undefined || v <= max);

const quoteList = (values: readonly unknown[]): string => {
  const shown = values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : describeValue(v)));
  return shown.length <= 1 ? (shown[0] ?? 'nothing') : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
};

export const is = {
  /** `true` or `false`. */
  boolean: rule('true or false', (v) => typeof v === 'boolean'),
  /** A safe integer, optionally within [min, max]: `an integer >= 1`. */
  integer: (min?: number, max?: number): OptionRule =>
    rule(`an integer${range(min, max)}`, (v) => typeof v === 'number' && Number.isSafeInteger(v) && within(v, min, max)),
  /** A finite number, optionally within [min, max]: `a number from 0 to 1`. */
  number: (min?: number, max?: number): OptionRule =>
    rule(`a number${range(min, max)}`, (v) => typeof v === 'number' && Number.isFinite(v) && within(v, min, max)),
  /** A finite number of milliseconds >= min (default 0). */
  ms: (min = 0, max?: number): OptionRule =>
    rule(`a number of milliseconds${range(min, max)}`, (v) => typeof v === 'number' && Number.isFinite(v) && within(v, min, max)),
  /** A string; `nonEmpty` (the default) refuses `''`. */
  string: (nonEmpty = true): OptionRule => rule(nonEmpty ? 'a non-empty string' : 'a string', (v) => typeof v === 'string' && (!nonEmpty || v !== '')),
  /** A function; `shape` shows how it is called: `a function (record, context) => ...`. */
  function: (shape?: string): OptionRule => rule(shape === undefined ? 'a function' : `a function ${shape}`, (v) => typeof v === 'function'),
  /** A plain object (not null, not an array). */
  object: rule('an object', (v) => typeof v === 'object' && v !== null && !Array.isArray(v)),
  /** One of the values listed: `"json", "text" or "bytes"`. */
  oneOf: (values: readonly unknown[]): OptionRule => rule(quoteList(values), (v) => values.includes(v)),
  /** An array whose every item passes `item`: `an array of <item>`. */
  arrayOf: (item: OptionRule, expected = `an array of ${item.expected.replace(/^an? /, '')}s`): OptionRule =>
    rule(expected, (v) => Array.isArray(v) && v.every((x) => item.test(x))),
  /** Any test, with its phrase. */
  custom: (expected: string, test: (value: unknown) => boolean): OptionRule => rule(expected, test),
} as const;

/** Makes the package's own error class from an init (a subclass of OptionsError, or a marked error). */
export type OptionsErrorFactory = (init: OptionsErrorInit) => Error;

/** The options checker of one function (`records`, `createLogger`...): every option mistake it finds throws the same way. */
export interface OptionsChecker {
  readonly package: string;
  readonly fn: string;
  /** The error for `option` (not thrown): a wrong value (`expected` + `value`) or another `problem`. */
  error(option: string, mistake: { expected: string; value: unknown } | { problem: string }): Error;
  /**
   * Checks the options argument: `undefined` gives `{}`; anything but a plain object, or a key not in `rules`
   * (an own key whose value is `undefined` included), throws. Then each rule (`null`: checked elsewhere) is applied
   * to its option when that option is not `undefined`. Returns the options as an object.
   * `at` checks a nested object of options (`fetch.db`): its keys are named `fetch.db.<key>`.
   */
  options(options: unknown, rules: Readonly<Record<string, OptionRule | null>>, at?: string): Record<string, unknown>;
  /** Throws unless `value` passes `rule` (or is `undefined` and `optional`). */
  check(option: string, value: unknown, rule: OptionRule, optional?: boolean): void;
}

/** The checker of `fn` in `pkg`; `make` builds the package's error class (default: a plain OptionsError). */
export const optionsChecker = (pkg: string, fn: string, make: OptionsErrorFactory = (init) => new OptionsError(init)): OptionsChecker => {
  const error: OptionsChecker['error'] = (option, mistake) => make({ package: pkg, fn, option, ...mistake });
  const check: OptionsChecker['check'] = (option, value, r, optional = true) => {
    if (value === undefined && optional) return;
    if (!r.test(value)) throw error(option, { expected: r.expected, value });
  };
  return {
    package: pkg,
    fn,
    error,
    check,
    options(options, rules, at) {
      if (options === undefined) return {};
      if (!is.object.test(options)) throw error(at ?? WHOLE_OPTIONS, { expected: 'an object', value: options });
      const o = options as Record<string, unknown>;
      const known = Object.keys(rules);
      const name = (key: string): string => (at === undefined ? key : `${at}.${key}`);
      for (const key of Object.keys(o)) {
        if (!Object.hasOwn(rules, key)) {
          throw error(name(key), { problem: `is not an option of ${at === undefined ? `${fn}()` : JSON.stringify(at)} (options: ${known.join(', ')})` });
        }
      }
      for (const key of known) {
        const r = rules[key];
        if (r) check(name(key), o[key], r);
      }
      return o;
    },
  };
};
