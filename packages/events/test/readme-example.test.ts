// The example of README.md, kept runnable here.
import { expect, test } from '@jest/globals';
import { lambdaContext, s3Event, snsOverSqsEvent, sqsEvent } from '@lambdaware/events';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

// The handler under test: reports the records whose body has no orderId as failed.
async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures = event.Records.filter((r) => JSON.parse(r.body).orderId === undefined).map((r) => ({
    itemIdentifier: r.messageId,
  }));
  return { batchItemFailures };
}

test('reports the bad record of a batch', async () => {
  const event = sqsEvent([{ orderId: 1 }, { nope: true }, { orderId: 3 }], { queueName: 'orders' });
  const result = await handler(event);
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1]!.messageId }]);
});

test('an S3 notification through SNS into SQS, and the time left', () => {
  const event = snsOverSqsEvent(s3Event({ bucket: 'uploads', key: 'photos/cat 1.jpg', size: 2048 }));
  const notification = JSON.parse(event.Records[0]!.body); // the SNS notification JSON
  const s3 = JSON.parse(notification.Message); // the S3 event
  expect(s3.Records[0].s3.object.key).toBe('photos/cat+1.jpg'); // URL-encoded, as S3 sends it

  const context = lambdaContext({ functionName: 'orders', timeoutMs: 10_000 });
  expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(10_000);
});
