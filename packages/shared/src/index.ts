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
} from './redaction.js';
export { redactDeep, redactErrorInPlace, redactThrown } from './redact-deep.js';
export { redactJsonText } from './redact-json.js';
export { trackSecretLoad, pendingSecrets } from './secret-loads.js';
export { safeJsonReplacer, safeStringify } from './json.js';
export { safeString, describeValue, thrownMessage, formatIssuePath, isObject, type IssuePathSegment } from './describe.js';
export { MAX_LINE_BYTES, MAX_MESSAGE_CHARS, truncationMarker, utf8Length, jsonBytes, cutString, cutToBytes, fitJson } from './bound.js';
export { NO_CLOCK_MS, type Deadline, type WaitOutcome, remainingTimeOf, deadlineOf, deadlineIn, boundedWait } from './deadline.js';
export { type LogSink, type SinkDetail, type SinkLevel, setLogSink, getLogSink, stderrSink } from './sink.js';
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
export { type RecentLine, setRecentLines, recentLinesOf } from './recent-lines.js';
export { setCorrelationIdOf, correlationIdOf } from './logger-correlation.js';
export { type FailureState, failureOf } from './failure-state.js';
export { giveUpSecretLoad, secretLoadsGivenUp } from './secrets-given-up.js';
