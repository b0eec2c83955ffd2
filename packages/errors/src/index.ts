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
  type WriteErrorLineOptions,
  ErrorLogOptionError,
  REQUEST_ID_KEY,
  errorLog,
  writeErrorLine,
} from './error-log.js';
