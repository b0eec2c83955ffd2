// The README's example, as it is written there.
import { expect, test } from '@jest/globals';
import middy from '@middy/core';
import { z } from 'zod';
import { lambdaContext, sqsEvent } from '@lambdaware/events';
import { records, RecordsError } from '@lambdaware/records';

const Order = z.object({ orderId: z.string(), total: z.number() });

export const handler = middy()
  .use(records({ schema: Order }))
  .handler(async (_event, context) => context.records.map((r) => `${r.payload.orderId}: ${r.payload.total}`));

test('each order of the batch, typed by the schema', async () => {
  const event = sqsEvent([
    { orderId: 'o-1', total: 12 },
    { orderId: 'o-2', total: 30 },
  ]);
  expect(await handler(event, lambdaContext())).toEqual(['o-1: 12', 'o-2: 30']);
});

test('a bad order names the record', async () => {
  const event = sqsEvent([{ orderId: 'o-1', total: 12 }, { orderId: 'o-2' }]);
  await expect(handler(event, lambdaContext())).rejects.toThrow(RecordsError);
  await expect(handler(event, lambdaContext())).rejects.toThrow(
    `record 1 (sqs, id "${event.Records[1].messageId}"): the payload does not match the schema: total: Invalid input: expected number, received undefined`,
  );
});
