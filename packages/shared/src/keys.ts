/**
 * Well-known keys through which the lambdaware packages cooperate without importing each other.
 * `Symbol.for` makes them process-wide, so two copies of a package in one bundle still agree.
 */
export const KEYS = {
  /** globalThis: the process-wide set of secret values to mask (see redaction.ts). */
  redaction: Symbol.for('lambdaware.redaction'),
  /** globalThis: the LogSink installed by @lambdaware/logger (see sink.ts). */
  logSink: Symbol.for('lambdaware.logSink'),
  /**
   * request (Middy): the failure's state, one object owned by @lambdaware/errors (`failureOf` in error-log.ts): the
   * Sentry event id (the only carrier of it), whether errorLog() is in the chain, whether the failure's error line
   * is written. Read and written only through @lambdaware/errors' functions.
   */
  failure: Symbol.for('lambdaware.failure'),
  /** globalThis: the set of secret loads in flight (see redaction.ts `trackSecretLoad`, `pendingSecrets`). */
  pendingSecrets: Symbol.for('lambdaware.pendingSecrets'),
  /** globalThis: the set of secret loads given up but still in flight (see secrets-given-up.ts). */
  givenUpSecretLoads: Symbol.for('lambdaware.givenUpSecretLoads'),
  /** error: the values attached with `.with(key, value)` on that error alone (a plain object). */
  errorValues: Symbol.for('lambdaware.errorValues'),
  /**
   * request (Middy): the invocation's recent log lines, written by @lambdaware/logger (`setRecentLines`), read by
   * @lambdaware/sentry to attach them to the failure's event as breadcrumbs (`recentLinesOf`). See recent-lines.ts.
   */
  recentLines: Symbol.for('lambdaware.recentLines'),
  /** request (Middy): the invocation's correlation id, written by @lambdaware/logger, read by @lambdaware/sentry (logger-correlation.ts). */
  correlationId: Symbol.for('lambdaware.correlationId'),
} as const;
