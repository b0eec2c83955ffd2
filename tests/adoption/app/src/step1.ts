// Step 1 of the adoption: an existing plain ESM handler takes records() only.
import middy from '@middy/core';
import { z } from 'zod';
import { records } from '@lambdaware/records';

export const Order = z.object({ orderId: z.string(), total: z.number() });

export const handler = middy()
  .use(records({ schema: Order }))
  .handler(async (_event, context) => context.records.map((r) => `${r.payload.orderId}=${r.payload.total}`));
