import { KEYS, collectErrorValues, ownErrorValues, thrownMessage } from '@lambdaware/shared';

/**
 * An Error that carries values (`.with(key, value)`) for the error line and Sentry, golambda style.
 *
 * The values of this error alone live at `error[KEYS.errorValues]` (a plain object, non-enumerable), so that
 * @lambdaware/sentry and a second copy of this package read them without importing this class. `.values` merges
 * the values of the whole cause chain, the outer error winning on the same key.
 *
 * Creating one costs what `new Error()` costs: V8 keeps the raw stack and formats it on first read; frames are
 * parsed only when the error is serialized.
 */
export class LambdaError extends Error {
  /**
   * The `name` of this class's errors (Lambda's `errorType`, the error line's `type`, Sentry's title), written out
   * so that a minifier renaming classes (esbuild/terser without keepNames) cannot change it. A subclass sets its
   * own the same way:
   *
   * ```ts
   * class NotFoundError extends LambdaError {
   *   static override readonly errorName = 'NotFoundError';
   * }
   * ```
   *
   * A subclass without its own `errorName` is named after its class (`new.target.name`), which minification mangles.
   */
  static readonly errorName: string = 'LambdaError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // Non-enumerable, like Error.prototype.name.
    Object.defineProperty(this, 'name', { value: nameOf(new.target), enumerable: false, writable: true, configurable: true });
  }

  /** Attaches a value to this error (the last one wins on the same key) and returns the error, to chain or throw. */
  with(key: string, value: unknown): this {
    let own = ownErrorValues(this);
    if (own === undefined) {
      own = {};
      Object.defineProperty(this, KEYS.errorValues, { value: own, enumerable: false, writable: true, configurable: true });
    }
    own[key] = value;
    return this;
  }

  /** The values of this error and every error in its cause chain, the outer error winning on the same key. */
  get values(): Record<string, unknown> {
    return collectErrorValues(this);
  }
}

/** The class's own `errorName`, else (a subclass that sets none) its class name, else 'LambdaError'. */
const nameOf = (target: Function): string => {
  const own = Object.hasOwn(target, 'errorName') ? (target as { errorName?: unknown }).errorName : undefined;
  if (typeof own === 'string' && own.length > 0) return own;
  return typeof target.name === 'string' && target.name.length > 0 ? target.name : LambdaError.errorName;
};

/**
 * A LambdaError whose stack starts at `caller`'s caller, not inside this package. The stack is captured once:
 * the constructor captures none (stackTraceLimit 0), then Error.captureStackTrace captures from the caller.
 */
const create = (message: string, options: { cause?: unknown } | undefined, caller: Function): LambdaError => {
  const limit = Error.stackTraceLimit;
  let error: LambdaError;
  try {
    Error.stackTraceLimit = 0;
    error = new LambdaError(message, options);
  } finally {
    Error.stackTraceLimit = limit;
  }
  Error.captureStackTrace(error, caller);
  return error;
};

/** A new LambdaError: `throw newError('oops').with('trigger', t)`. */
export function newError(message: string): LambdaError {
  return create(String(message), undefined, newError);
}

/**
 * A LambdaError wrapping `cause` (any thrown value) as its standard `cause`, so the cause's values, stack and
 * type stay reachable. The message defaults to the cause's message (or the thrown value as a string).
 */
export function wrapError(cause: unknown, message?: string): LambdaError {
  return create(message ?? causeMessage(cause), { cause }, wrapError);
}

/** The default message of a wrap: the string `message` of an error-like object (`{ message }`), else shared's thrownMessage. */
const causeMessage = (cause: unknown): string => {
  if (cause !== null && typeof cause === 'object' && !(cause instanceof Error)) {
    try {
      const message = (cause as { message?: unknown }).message;
      if (typeof message === 'string') return message;
    } catch {
      // a throwing getter: the value's text below
    }
  }
  return thrownMessage(cause);
};
