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
  /**
   * request (Middy): true once the failure's error line is written (by errorLog(), or by sentry() when errorLog()'s
   * `before` had not run), so that no second line is written for the same failure.
   */
  errorLineWritten: Symbol.for('lambdaware.errorLineWritten'),
  /** globalThis: the set of secret loads in flight (see redaction.ts `trackSecretLoad`, `pendingSecrets`). */
  pendingSecrets: Symbol.for('lambdaware.pendingSecrets'),
  /** error: the values attached with `.with(key, value)` on that error alone (a plain object). */
  errorValues: Symbol.for('lambdaware.errorValues'),
} as const;
