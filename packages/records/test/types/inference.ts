// Compile-time checks, run by ../types.test.ts with `tsc -p test/types`. Each `@ts-expect-error` line must fail to
// compile: if an inferred type degraded to `any`, the directive itself becomes the error.
import middy from '@middy/core';
import type { Context, SQSEvent } from 'aws-lambda';
import { type } from 'arktype';
import * as v from 'valibot';
import { z } from 'zod';
import { DROP, decapsulate, processBatch, records, type AnyRecord, type SqsMessageRecord } from '@lambdaware/records';
import * as sqsEntry from '@lambdaware/records/sqs';

const Order = z.object({ message: z.string(), qty: z.number() });

// The payload type comes from the schema, through middy's .use() context inference.
export const handler = middy<SQSEvent>()
  .use(records({ schema: Order }))
  .handler(async (event, context) => {
    const message: string = context.records[0].payload.message;
    const qty: number = context.records[0].payload.qty;
    const requestId: string = context.awsRequestId; // still the Lambda context
    const queue: SQSEvent = event; // the event type is kept
    // @ts-expect-error message is a string, not a number
    const wrong: number = context.records[0].payload.message;
    // @ts-expect-error no such field on the schema output
    context.records[0].payload.missing;
    return { message, qty, requestId, queue, wrong };
  });

// Narrowing on source gives that source's metadata.
export const narrowed = middy()
  .use(records({ schema: Order }))
  .handler(async (_event, context) => {
    const r = context.records[0];
    if (r.source === 'sqs') {
      const count: number = r.receiveCount;
      const body: string = r.raw.body;
      return count + body.length;
    }
    if (r.source === 'dynamodb') return r.keys;
    // @ts-expect-error receiveCount exists only on queue records
    return r.receiveCount;
  });

// A source option narrows the record type itself.
export const onlySqs = middy()
  .use(records({ source: 'sqs', schema: Order }))
  .handler(async (_event, context) => {
    const r: SqsMessageRecord<{ message: string; qty: number }> = context.records[0];
    return r.messageGroupId;
  });

// Without a schema: unknown (json), string (text), Uint8Array (bytes).
export const untyped = middy()
  .use(records())
  .handler(async (_event, context: Context & { records: AnyRecord[] }) => {
    const p: unknown = context.records[0].payload;
    // @ts-expect-error unknown payload needs narrowing
    p.message;
    return p;
  });
export const text = middy()
  .use(records({ payload: 'text' }))
  .handler(async (_event, context) => context.records[0].payload.toUpperCase());
export const bytes = middy()
  .use(records({ payload: 'bytes', source: 'kinesis' }))
  .handler(async (_event, context) => {
    const b: Uint8Array = context.records[0].payload;
    return b.byteLength;
  });

// valibot and arktype output types.
export const fromValibot = middy()
  .use(records({ schema: v.object({ n: v.number() }) }))
  .handler(async (_event, context) => {
    const n: number = context.records[0].payload.n;
    return n;
  });
export const fromArktype = middy()
  .use(records({ schema: type({ name: 'string' }) }))
  .handler(async (_event, context) => {
    const name: string = context.records[0].payload.name;
    return name;
  });

// Transform output, not input.
export const transformed = async (event: unknown) => {
  const list = await decapsulate(event, { schema: z.object({ at: z.string().transform((s) => new Date(s)) }) });
  const at: Date = list[0].payload.at;
  return at;
};

// eachRecord gets the typed record.
export const partial = middy().use(
  records({
    schema: Order,
    eachRecord: async (record, context) => {
      const message: string = record.payload.message;
      // @ts-expect-error qty is a number
      const q: string = record.payload.qty;
      return [message, q, context.functionName];
    },
  }),
);
export const outside = (event: SQSEvent, context: Context) =>
  processBatch(event, context, { schema: Order, eachRecord: (record) => record.payload.qty.toFixed() });

// @ts-expect-error a source that does not exist
records({ source: 'sqs-fifo' });

// The data-pipeline sources: each record type follows from its source.
export const kafkaKeys = async (event: unknown) => {
  const list = await decapsulate(event, { source: 'kafka', schema: Order });
  const key: Buffer | undefined = list[0].key;
  const header: Buffer | undefined = list[0].headers.trace;
  const offset: number = list[0].offset;
  // @ts-expect-error a Kafka record has no receiptHandle
  list[0].receiptHandle;
  return [key, header, offset, list[0].payload.qty];
};
export const logs = async (event: unknown) => {
  const list = await decapsulate(event, { source: 'cloudwatch-logs-over-kinesis', payload: 'text' });
  const text: string = list[0].payload;
  return [text, list[0].logGroup, list[0].sequenceNumber];
};
export const anyRecord = async (event: unknown) => {
  for (const r of await decapsulate(event)) {
    if (r.source === 'firehose') return r.recordId;
    if (r.source === 's3-over-eventbridge') return r.bucket + r.reason;
    if (r.source === 'eventbridge-over-sqs') return r.detailType + r.receiptHandle;
  }
  return undefined;
};
// Firehose answers its own response, typed with source: 'firehose'.
export const firehose = async (event: unknown, context: Context) => {
  const response = await processBatch(event, context, { source: 'firehose', eachRecord: () => DROP });
  const result: 'Ok' | 'Dropped' | 'ProcessingFailed' = response.records[0].result;
  // @ts-expect-error no batchItemFailures in a Firehose response
  response.batchItemFailures;
  return result;
};

// Compositions nobody named are typed from their source (issue 25): the kind's fields and the carriers' fields.
export const composed = async (event: unknown) => {
  const logs = await decapsulate(event, { source: 'cloudwatch-logs-over-firehose', payload: 'text' });
  const line: string = logs[0].payload;
  const stream: string = logs[0].logGroup + logs[0].recordId + logs[0].deliveryStreamArn;
  const mails = await decapsulate(event, { source: 'ses-over-sns-over-sqs' });
  const sender: string = mails[0].mailSource + mails[0].mail.commonHeaders.messageId + mails[0].receiptHandle + mails[0].topicArn;
  // @ts-expect-error an SES record through SNS has no Kinesis fields
  mails[0].sequenceNumber;
  // @ts-expect-error a source that nothing carries
  await decapsulate(event, { source: 'sns-over-sns' });
  return [line, stream, sender];
};

// A per-source entry point: its records are that source's, with 'auto' (the default) too.
export const sqsOnly = sqsEntry.records({ schema: Order }).before;
export const sqsHandler = middy()
  .use(sqsEntry.records({ schema: Order }))
  .handler(async (_event, context) => {
    const r: SqsMessageRecord<{ message: string; qty: number }> = context.records[0];
    // @ts-expect-error the SQS entry point knows no other source
    sqsEntry.records({ source: 'kinesis' });
    return r.receiveCount;
  });
