// lambdaware-app-sentry: a team that already has Sentry adds the lambdaware preset: Sentry.init of
// @sentry/aws-serverless (as middy-official does), then the preset, whose sentry() reports through the app's client
// (its scope, its beforeSend) instead of a client of its own. No wrapHandler: no flush after every invocation.
import middy from '@middy/core';
import * as Sentry from '@sentry/aws-serverless';
import { lambdaware } from '@lambdaware/preset';
import { logger } from '@lambdaware/logger';

export const createHandler = () => {
  Sentry.init({ dsn: process.env.SENTRY_DSN });
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
