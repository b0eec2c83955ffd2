// lambdaware-no-sentry: the lambdaware stack doing the same work with no Sentry at all: no SENTRY_DSN in its
// environment and sentry() left out of the preset. Failures still write their one error line (errorLog()); nothing
// is sent. The floor of the lambdaware stack's error path: the target is this + 600 µs (one loopback POST of the
// event and its answer).
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

  return middy(work).use(lambdaware({ sentry: false, secrets: { fetch: { benchSecret: { env: 'SECRET_ID' } } } }));
};
