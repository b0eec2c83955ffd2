// lambdaware: the preset, all five concerns in the documented order (logContext, errorLog, sentry, secrets,
// records). records() parses the SQS bodies onto context.records, secrets() prefetches the secret at init (cached
// 5 min, on context.secrets), logContext() puts the request id on every line, sentry() reports failures (its SDK
// loaded only with a DSN) and errorLog() writes the one error line with the Sentry event id.
import middy from '@middy/core';
import { lambdaware } from '@lambdaware/preset';
import { work } from '../lib/lambdaware-work.js';

export const createHandler = () => {
  return middy(work).use(lambdaware({ secrets: { fetch: { benchSecret: { env: 'SECRET_ID' } } } }));
};
