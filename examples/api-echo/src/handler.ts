import middy from '@middy/core';
import { z } from 'zod';
import { http } from '@lambdaware/http';
import { logger } from '@lambdaware/logger';
import { lambdaware } from '@lambdaware/preset';

/** The request body. Unknown fields are dropped; the response is exactly these three. */
export const Item = z.object({ id: z.string().min(1), val: z.number(), flag: z.boolean() });
export type Item = z.infer<typeof Item>;

/**
 * POST `{ "id": string, "val": number, "flag": boolean }` and get it back, behind API Gateway REST (v1), HTTP API
 * (v2) or a Function URL. http() reads the body of each (base64 or not), parses it and validates it: a body that is
 * missing, not JSON or not that shape is answered 400 naming the fields (one WARN line, no error line, nothing sent
 * to Sentry), before the handler runs; the handler gets the typed item on `context.request.body`.
 */
export const handler = middy()
  .use(lambdaware({ records: false }))
  .use(http({ body: Item }))
  .handler(async (_event, context) => {
    const item = context.request.body;
    logger.info('echo', { id: item.id });
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(item) };
  });
