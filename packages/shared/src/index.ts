export { KEYS } from './keys.js';
export {
  REDACTED,
  MIN_SECRET_LENGTH,
  MIN_TEXT_SECRET_LENGTH,
  classifySecret,
  registerSecret,
  type Registration,
  type RegisterOptions,
  type UnmaskedPart,
  clearSecrets,
  hasSecrets,
  redactString,
  redactDeep,
  redactErrorInPlace,
  redactJsonText,
  redactThrown,
  trackSecretLoad,
  pendingSecrets,
} from './redaction.js';
export { safeJsonReplacer, safeStringify } from './json.js';
export { safeString, describeValue, thrownMessage, formatIssuePath, type IssuePathSegment } from './describe.js';
export { type LogSink, type SinkLevel, setLogSink, getLogSink, stderrSink } from './sink.js';
export { ownErrorValues, collectErrorValues } from './error-values.js';
export {
  OptionsError,
  type OptionsErrorInit,
  type OptionsErrorFields,
  type OptionsErrorFactory,
  type OptionRule,
  type OptionsChecker,
  WHOLE_OPTIONS,
  is,
  isOptionsError,
  markOptionsError,
  nameErrorClass,
  optionsChecker,
  optionsErrorFields,
} from './options.js';
