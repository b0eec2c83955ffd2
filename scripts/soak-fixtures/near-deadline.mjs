// The soak's failure near the deadline (issue 20): the preset as a user deploys it (SENTRY_DSN from the function's
// environment), a handler that waits until `event.leftMs` ms are left, writes a line saying so, and throws. The two
// lines' timestamps give the time from the throw to the error line.
import middy from '@middy/core';
import { logger } from '@lambdaware/logger';
import { lambdaware } from '@lambdaware/preset';

export const handler = middy({ timeoutEarlyInMillis: 0 })
  .use(lambdaware({ records: false }))
  .handler(async (event, context) => {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, context.getRemainingTimeInMillis() - event.leftMs)));
    logger.info('soak: throwing now', { remainingMs: context.getRemainingTimeInMillis() });
    throw new Error('soak: failed near the deadline');
  });
