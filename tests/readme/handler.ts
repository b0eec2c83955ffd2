// The root README's ten-line example, kept here verbatim so the README cannot drift from what works.
import middy from '@middy/core';
import { z } from 'zod';
import { records } from '@lambdaware/records';

export const handler = middy()
  .use(records({ schema: z.object({ message: z.string() }) }))
  .handler(async (_event, context) => context.records.map((r) => r.payload.message).join(':'));
