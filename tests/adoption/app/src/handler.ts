// The same handler after adopting records(), then logContext(), errorLog(), secrets() and sentry().
import { createHmac } from 'node:crypto';
import middy from '@middy/core';
import { z } from 'zod';
import { records } from '@lambdaware/records';
import { logContext, logger } from '@lambdaware/logger';
import { errorLog, newError } from '@lambdaware/errors';
import { secrets } from '@lambdaware/secrets';
import { sentry } from '@lambdaware/sentry';
import { Order } from './step1.js';

const Api = z.object({ token: z.string().min(16) });

export const handler = middy()
  .use(logContext())
  .use(errorLog())
  .use(sentry())
  .use(secrets({ fetch: { api: { env: 'API_SECRET_ID', schema: Api } } }))
  .use(records({ schema: Order }))
  .handler(async (_event, context) => {
    const { token } = context.secrets.api;
    const orders = context.records.map((r) => r.payload);
    const bad = orders.find((o) => o.total < 0);
    if (bad !== undefined) throw newError('negative total').with('orderId', bad.orderId);
    const sum = orders.reduce((total, o) => total + o.total, 0);
    logger.info('orders signed', { count: orders.length, authorization: `Bearer ${token}` });
    return { sum, signature: createHmac('sha256', token).update(String(sum)).digest('hex') };
  });
