/** A bad option or log level given to createLogger(), logContext() or setLevel(). */
export class LoggerOptionsError extends Error {
  override name = 'LoggerOptionsError';
}
