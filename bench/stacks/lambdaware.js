// lambdaware: the preset, all five concerns in the documented order (logContext, errorLog, sentry, secrets,
// records). records() parses the SQS bodies onto context.records, secrets() prefetches the secret at init (cached
// 5 min, on context.secrets), logContext() puts the request id on every line, sentry() reports failures (its SDK
// loaded only with a DSN) and errorLog() writes the one error line with the Sentry event id.
import middy from '@middy/core';
import { lambdaware } from '@lambdaware/preset';
import { logger } from '@lambdaware/logger';

export const createHandler = () => {
  const work = async (_event, context) => {
    const { apiKey } = context.secrets.benchSecret;
    if (typeof apiKey !== 'string') throw new Error(`secret ${process.env.SECRET_ID} has no apiKey`);
    const messages = [];
    for (const { payload } of context.records) {
      if (payload.message === 'fail') throw new Error(`record ${messages.length} rejected (request ${context.awsRequestId})`);
      messages.push(payload.message);
    }
    logger.info('processed', { count: messages.length });
    return messages.join(':');
  };

  return middy(work).use(lambdaware({ secrets: { fetch: { benchSecret: { env: 'SECRET_ID' } } } }));
};
