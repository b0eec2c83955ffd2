// The per-source entry points of the preset (`@lambdaware/preset/sqs`...): the same chain, with the records() of
// `@lambdaware/records/<source>` (its bundle holds that source alone), `context.records` typed as its records.
import { expect, it } from '@jest/globals';
import middy from '@middy/core';
import { z } from 'zod';
import { captureOutput } from '@lambdaware/testkit';
import { kinesisEvent, lambdaContext, snsOverSqsEvent, sqsEvent } from '@lambdaware/events';
import { CONCERNS, LambdawareOptionError, lambdaware } from '../src/entries/sqs.js';
import { lambdaware as forKinesis } from '../src/entries/kinesis.js';

const Order = z.object({ orderId: z.string() });

it('the chain of the main entry point, records() of SQS alone', () => {
  expect(CONCERNS).toEqual(['logContext', 'errorLog', 'sentry', 'secrets', 'records']);
  expect(lambdaware({ sentry: false }).map((m) => m.name)).toEqual(['logContext', 'errorLog', 'records']);
  expect(() => lambdaware({ records: 'sqs' as never })).toThrow(LambdawareOptionError);
});

it('an SQS handler: typed SQS records; a notification body stays the payload; another event fails, named', async () => {
  const handler = middy()
    .use(lambdaware({ sentry: false, records: { schema: Order.or(z.object({ Type: z.literal('Notification') })) } }))
    .handler(async (_event, context) => context.records.map((r) => [r.source, r.receiveCount]));
  const event = { Records: [...sqsEvent({ orderId: 'o-1' }).Records, ...snsOverSqsEvent({ orderId: 'o-2' }).Records] };
  const out = await captureOutput(async () => {
    expect(await handler(event, lambdaContext())).toEqual([
      ['sqs', 1],
      ['sqs', 1],
    ]);
    await expect(handler(kinesisEvent({ orderId: 'o-3' }), lambdaContext())).rejects.toThrow(
      'the event is not an SQS event: event.Records[0].eventSource is "aws:kinesis"',
    );
  });
  // the failure went through errorLog(): one error line naming the RecordsError
  const errors = out.stdoutLines().filter((l) => l.level === 'ERROR');
  expect(errors).toHaveLength(1);
  expect(JSON.stringify(errors[0])).toContain('RecordsError');
});

it('a Kinesis handler through its entry point', async () => {
  const handler = middy()
    .use(forKinesis({ sentry: false }))
    .handler(async (_event, context) => context.records.map((r) => r.sequenceNumber.length > 0 && r.payload));
  expect(await handler(kinesisEvent([{ n: 1 }]), lambdaContext())).toEqual([{ n: 1 }]);
});
