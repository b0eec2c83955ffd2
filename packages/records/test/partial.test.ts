import { afterEach, describe, expect, test } from '@jest/globals';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { dynamodbStreamEvent, kinesisEvent, lambdaContext, snsEvent, sqsEvent } from '@lambdaware/events';
import { type AnyRecord, processBatch, records, RecordsError } from '@lambdaware/records';
import { captureSink, rejection, sample } from './helpers.js';

const Job = z.object({ n: z.number() });

let sink = captureSink();
afterEach(() => {
  sink.restore();
  sink = captureSink();
});

/** A partial-batch handler whose function throws for payload n === 3; records the order of the calls. */
const handlerFor = (options: Record<string, unknown> = {}) => {
  const processed: unknown[] = [];
  const afterSaw: unknown[] = [];
  const handler = middy()
    // An earlier middleware's `after` (like logContext) must still run and see the response.
    .use({ after: (request) => void afterSaw.push(request.response) })
    .use(
      records({
        schema: Job,
        eachRecord: async (record) => {
          if (record.payload.n === 3) throw new Error(`cannot process job ${record.payload.n}`);
          processed.push(record.payload.n);
        },
        ...options,
      }),
    );
  return { handler, processed, afterSaw };
};

describe('SQS standard queue: a bad record fails alone, every other record is processed', () => {
  test('unparseable, invalid and throwing records are reported by messageId', async () => {
    const event = sqsEvent([{ n: 0 }, 'not json', { n: 'two' }, { n: 3 }, { n: 4 }]);
    const ids = event.Records.map((r) => r.messageId);
    const { handler, processed, afterSaw } = handlerFor();
    const response = await handler(event, lambdaContext());
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: ids[1] }, { itemIdentifier: ids[2] }, { itemIdentifier: ids[3] }] });
    expect(processed).toEqual([0, 4]);
    expect(afterSaw).toEqual([response]);
  });

  test('each failure is logged through the log sink with index, id and reason', async () => {
    const event = sqsEvent([{ n: 0 }, 'not json', { n: 3 }]);
    const ids = event.Records.map((r) => r.messageId);
    await handlerFor().handler(event, lambdaContext());
    expect(sink.lines.map((l) => [l.level, l.fields?.index, l.fields?.id, l.fields?.kind])).toEqual([
      ['warn', 1, ids[1], 'parse'],
      ['error', 2, ids[2], 'handler'],
    ]);
    expect(sink.lines[1].message).toBe(`records: record 2 (sqs, id "${ids[2]}") failed: eachRecord threw Error: cannot process job 3`);
    expect((sink.lines[1].fields?.error as Error).message).toBe('cannot process job 3');
  });

  test('concurrency runs records of a standard queue at once', async () => {
    let inFlight = 0;
    let most = 0;
    const eachRecord = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
    };
    const event = sqsEvent(Array.from({ length: 7 }, (_, n) => ({ n })));
    const response = await processBatch(event, lambdaContext(), { eachRecord, concurrency: 3 });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(most).toBe(3);
  });
});

describe('SQS FIFO queue: stops at the first failure', () => {
  test('a throwing record and all the rest are reported, none after it processed', async () => {
    const event = sqsEvent([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, 'not json'], { fifo: true });
    const ids = event.Records.map((r) => r.messageId);
    const { handler, processed } = handlerFor({ concurrency: 5 });
    const response = await handler(event, lambdaContext());
    expect(processed).toEqual([1, 2]);
    expect(response).toEqual({ batchItemFailures: ids.slice(2).map((itemIdentifier) => ({ itemIdentifier })) });
    expect(sink.lines.map((l) => l.fields?.kind)).toEqual(['handler', 'skipped', 'parse']);
    expect(sink.lines[1].message).toBe(
      `records: record 3 (sqs, id "${ids[3]}") failed: not processed: record 2 (sqs, id "${ids[2]}") failed before it in this FIFO queue`,
    );
  });

  test('an invalid record stops the queue too', async () => {
    const event = sqsEvent([{ n: 1 }, { n: 'x' }, { n: 2 }], { fifo: true });
    const ids = event.Records.map((r) => r.messageId);
    const { handler, processed } = handlerFor();
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: ids[1] }, { itemIdentifier: ids[2] }] });
    expect(processed).toEqual([1]);
  });
});

describe('streams: items identified by sequence number, processed in order', () => {
  test('Kinesis', async () => {
    const event = kinesisEvent([{ n: 1 }, { n: 3 }, 'garbage', { n: 4 }]);
    const seq = event.Records.map((r) => r.kinesis.sequenceNumber);
    const { handler, processed } = handlerFor({ concurrency: 4 });
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: seq[1] }, { itemIdentifier: seq[2] }] });
    expect(processed).toEqual([1, 4]);
  });

  test('DynamoDB', async () => {
    const event = dynamodbStreamEvent([1, 2, 3, 4].map((n) => ({ keys: { id: `k${n}` }, newImage: { id: `k${n}`, n } })));
    const seq = event.Records.map((r) => r.dynamodb!.SequenceNumber);
    const seen: AnyRecord[] = [];
    const handler = middy().use(
      records({
        source: 'dynamodb',
        eachRecord: async (record) => {
          seen.push(record);
          if ((record.payload as { n: number }).n === 3) throw new Error('no');
        },
      }),
    );
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: seq[2] }] });
    expect(seen.map((r) => (r.source === 'dynamodb' ? r.keys.id : undefined))).toEqual(['k1', 'k2', 'k3', 'k4']);
  });

  test('the real DynamoDB sample (two records sharing a sequence number): reported once', async () => {
    const response = await processBatch(sample('dynamodb-event.json'), lambdaContext(), {
      eachRecord: (record) => {
        if (record.index === 1) throw new Error('second fails');
      },
    });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '1405400000000002063282832' }] });
  });
});

describe('when the batch cannot be answered in part, the invocation fails naming every bad record', () => {
  test('every record failed', async () => {
    const event = sqsEvent([{ n: 3 }, 'nope']);
    const ids = event.Records.map((r) => r.messageId);
    const { handler } = handlerFor();
    const error = await rejection(handler(event, lambdaContext()));
    expect(error).toBeInstanceOf(RecordsError);
    expect(error.message).toBe(
      `all 2 records of the SQS event failed: record 0 (sqs, id "${ids[0]}"): eachRecord threw Error: cannot process job 3; ` +
        `record 1 (sqs, id "${ids[1]}"): body is not JSON: Unexpected token at position 1`,
    );
    expect(error.cause.message).toBe('cannot process job 3');
  });

  test('a one-record batch whose record failed', async () => {
    const event = sqsEvent({ n: 3 });
    const error = await rejection(handlerFor().handler(event, lambdaContext()));
    expect(error.message).toBe(
      `1 of 1 records of the SQS event failed: record 0 (sqs, id "${event.Records[0].messageId}"): eachRecord threw Error: cannot process job 3`,
    );
  });

  test('SNS has no partial batch response: any failure fails the invocation', async () => {
    const event = snsEvent([{ n: 1 }, { n: 3 }]);
    const { handler, processed } = handlerFor();
    const error = await rejection(handler(event, lambdaContext()));
    expect(error.message).toBe(
      `1 of 2 records of the SNS event failed: record 1 (sns, id "${event.Records[1].Sns.MessageId}"): eachRecord threw Error: cannot process job 3`,
    );
    expect(processed).toEqual([1]);
  });

  test('a failed record without a message id cannot be reported alone', async () => {
    const event = sqsEvent([{ n: 1 }, { n: 2 }]) as any;
    delete event.Records[1].messageId;
    const error = await rejection(handlerFor().handler(event, lambdaContext()));
    expect(error.message).toBe('1 of 2 records of the SQS event failed: record 1 (sqs, id unknown): the record has no messageId');
  });
});

describe('the partial batch mode in use', () => {
  test('context.records holds the valid records; a handler runs after them and its result is replaced', async () => {
    const event = sqsEvent([{ n: 1 }, { n: 'bad' }]);
    let handlerSaw: unknown;
    const handler = middy()
      .use(records({ schema: Job, eachRecord: () => undefined }))
      .handler(async (_event: unknown, context: Context & { records: AnyRecord[] }) => {
        handlerSaw = context.records.map((r) => r.payload);
        return 'ignored';
      });
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1].messageId }] });
    expect(handlerSaw).toEqual([{ n: 1 }]);
  });

  test('an empty batch', async () => {
    expect(await processBatch({ Records: [] }, lambdaContext(), { eachRecord: () => undefined })).toEqual({ batchItemFailures: [] });
  });

  test('eachRecord gets the Lambda context', async () => {
    const context = lambdaContext({ functionName: 'orders' });
    let got: Context | undefined;
    await processBatch(sqsEvent({ n: 1 }), context, { eachRecord: (_r, c) => void (got = c) });
    expect(got?.functionName).toBe('orders');
  });
});
