export { LambdaError, newError, wrapError } from './lambda-error.js';
export {
  type SerializedError,
  type SerializeOptions,
  type AwsErrorInfo,
  DEFAULT_SERIALIZE_OPTIONS,
  serializeError,
  isErrorLike,
} from './serialize.js';
export { type StackFrame, type StackTrimOptions, parseStack, parseFrame } from './stack.js';
export {
  type ErrorLogOptions,
  type FailureState,
  type WriteErrorLineOptions,
  ErrorLogOptionError,
  REQUEST_ID_KEY,
  errorLog,
  failureOf,
  setSentryEventId,
  writeErrorLine,
} from './error-log.js';
export {
  MAX_ERROR_LINE_BYTES,
  MAX_ERROR_FIELDS_BYTES,
  MAX_MESSAGE_CHARS,
  MAX_SENTRY_EVENT_BYTES,
  cutString,
  fitJson,
  jsonBytes,
} from './bound.js';
