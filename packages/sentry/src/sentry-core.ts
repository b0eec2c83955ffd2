// The public @sentry/core exports the light reporter uses, as named re-exports so that a bundler keeps only these
// (about 17 KB minified, not the whole package). Loaded by sentry-adapter.ts `loadCore()` with a dynamic import,
// only when a failure is reported without an app client. `nodeStackLineParser` comes from `@sentry/core/server`: the
// root dropped it in 11.x, and `/server` has it from 10.53 on (the lowest supported version).
export {
  SDK_VERSION,
  addExceptionMechanism,
  applyAggregateErrorsToEvent,
  checkOrSetAlreadyCaught,
  createEventEnvelope,
  createStackParser,
  createTransport,
  dateTimestampInSeconds,
  eventFromMessage,
  eventFromUnknownInput,
  exceptionFromError,
  generateSpanId,
  generateTraceId,
  getDebugImagesForResources,
  getEnvelopeEndpointWithUrlEncodedAuth,
  isRateLimited,
  makeDsn,
  normalize,
  updateRateLimits,
} from '@sentry/core';
export { nodeStackLineParser } from '@sentry/core/server';
