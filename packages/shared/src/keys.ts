/**
 * Well-known keys through which the lambdaware packages cooperate without importing each other.
 * `Symbol.for` makes them process-wide, so two copies of a package in one bundle still agree.
 */
export const KEYS = {
  /** globalThis: the process-wide set of secret values to mask (see redaction.ts). */
  redaction: Symbol.for('lambdaware.redaction'),
  /** globalThis: the LogSink installed by @lambdaware/logger (see sink.ts). */
  logSink: Symbol.for('lambdaware.logSink'),
  /** request (Middy) and, when the thrown value is an object, the error: the Sentry event id (string). */
  sentryEventId: Symbol.for('lambdaware.sentryEventId'),
  /** request (Middy): true once errorLog()'s `before` ran, so sentry() knows not to write its own line. */
  errorLogActive: Symbol.for('lambdaware.errorLogActive'),
  /** error: the values attached with `.with(key, value)` on that error alone (a plain object). */
  errorValues: Symbol.for('lambdaware.errorValues'),
} as const;
