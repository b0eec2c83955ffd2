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
export { type ErrorLogOptions, ErrorLogOptionError, REQUEST_ID_KEY, errorLog } from './error-log.js';
