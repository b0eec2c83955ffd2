// The handler the three lambdaware stacks (lambdaware, lambdaware-app-sentry, lambdaware-no-sentry) wrap: the same
// work, so that what differs between them is only how failures reach Sentry. The secret from context.secrets, the
// SQS payloads from context.records, one log line; a record 'fail' throws.
import { logger } from '@lambdaware/logger';

export const work = async (_event, context) => {
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
