import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { logger } from '@lambdaware/logger';
import { lambdaware } from '@lambdaware/preset';

/** What each message body must be. */
export const Message = z.object({ message: z.string() });

/**
 * golambda's example: the `message` fields of the batch joined with `:` (`blue:orange`). One bad record fails the
 * whole invocation with a RecordsError naming it (index and message id), and SQS retries the whole batch.
 */
export const handler = middy<SQSEvent, string>()
  .use(lambdaware({ records: { source: 'sqs', schema: Message } }))
  .handler(async (_event, context) => {
    const joined = context.records.map((record) => record.payload.message).join(':');
    logger.info('joined the batch', { joined, count: context.records.length });
    return joined;
  });

/**
 * The same over a queue with `FunctionResponseTypes: [ReportBatchItemFailures]`: each record is decoded and
 * validated on its own, a bad one is logged and named in `{ batchItemFailures }` (only it goes back to the queue),
 * and the others are joined.
 */
export const batchHandler = middy<SQSEvent, SQSBatchResponse>()
  .use(
    lambdaware({
      records: {
        source: 'sqs',
        schema: Message,
        eachRecord: (record) => {
          logger.debug('record', { messageId: record.messageId, text: record.payload.message });
        },
      },
    }),
  )
  .handler(async (_event, context) => {
    const joined = context.records.map((record) => record.payload.message).join(':');
    logger.info('joined the batch', { joined, count: context.records.length });
    // records() answers { batchItemFailures } itself (in its `after`), whatever the handler returns
    return { batchItemFailures: [] };
  });
