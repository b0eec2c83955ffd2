// records() after a body parser that already parsed the bodies in place: the real @middy/event-normalizer (and the
// older @middy/sqs-json-body-parser's in-place JSON.parse of each SQS body). Payloads are those objects, validated by
// the schema the same way; the same events without the parser give the same payloads.
import { afterEach, describe, expect, test } from '@jest/globals';
import middy from '@middy/core';
import eventNormalizer from '@middy/event-normalizer';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { dynamodbStreamEvent, firehoseEvent, kafkaEvent, kinesisEvent, lambdaContext, s3Event, snsEvent, snsOverSqsEvent, sqsEvent } from '@lambdaware/events';
import { RecordsError, records, type RecordsOptions } from '@lambdaware/records';
import { captureSink, rejection } from './helpers.js';

const Order = z.object({ orderId: z.string(), total: z.number() });
const orders = [
  { orderId: 'o-1', total: 12 },
  { orderId: 'o-2', total: 30 },
];

/** The records the handler sees with the given middlewares in front of records(). */
const through = async (before: middy.MiddlewareObj[], event: unknown, options: RecordsOptions<any, any, any> = {}) => {
  let seen: any[] = [];
  let m = middy();
  for (const b of before) m = m.use(b);
  const handler = m.use(records(options)).handler(async (_e: unknown, context: Context & { records: any[] }) => {
    seen = context.records;
  });
  await handler(event, lambdaContext());
  return seen;
};

/** What @middy/sqs-json-body-parser does: each SQS body JSON-parsed in place. */
const sqsJsonBodyParser = (): middy.MiddlewareObj => ({
  before: (request) => {
    for (const r of (request.event as { Records: { body: unknown }[] }).Records) r.body = JSON.parse(r.body as string);
  },
});

let sink: ReturnType<typeof captureSink> | undefined;
afterEach(() => sink?.restore());

describe('after @middy/event-normalizer (real)', () => {
  const cases: [string, () => unknown, string][] = [
    ['SQS', () => sqsEvent(orders), 'sqs'],
    ['SNS', () => snsEvent(orders), 'sns'],
    ['SNS over SQS', () => snsOverSqsEvent(orders), 'sns-over-sqs'],
    ['Kinesis', () => kinesisEvent(orders), 'kinesis'],
    ['Firehose', () => firehoseEvent(orders), 'firehose'],
    ['Kafka', () => kafkaEvent(orders), 'kafka'],
  ];
  test.each(cases)('%s: the parsed objects are the payloads, validated by the schema', async (_name, build, source) => {
    const withParser = await through([eventNormalizer()], build(), { schema: Order });
    const without = await through([], build(), { schema: Order });
    expect(withParser.map((r) => [r.source, r.payload])).toEqual(orders.map((o) => [source, o]));
    expect(without.map((r) => [r.source, r.payload])).toEqual(orders.map((o) => [source, o]));
  });

  test('a payload failing the schema is named as without the parser', async () => {
    const event = sqsEvent([orders[0], { orderId: 'o-2' }]);
    const handler = middy()
      .use(eventNormalizer())
      .use(records({ schema: Order }))
      .handler(async () => 'ok');
    const error = await rejection(handler(event, lambdaContext()));
    expect(error).toBeInstanceOf(RecordsError);
    expect(error.message).toBe(
      `1 of 2 records of the SQS event failed: record 1 (sqs, id "${event.Records[1]!.messageId}"): ` +
        'the payload does not match the schema: total: Invalid input: expected number, received undefined',
    );
  });

  test('a body the parser left as text (not JSON) is still named as not JSON', async () => {
    const event = sqsEvent([orders[0], 'plain words']);
    const handler = middy()
      .use(eventNormalizer())
      .use(records())
      .handler(async () => 'ok');
    const error = await rejection(handler(event, lambdaContext()));
    expect(error.failures.map((f: any) => [f.index, f.reason])).toEqual([[1, 'body is not JSON: Unexpected token at position 0']]);
  });

  test('DynamoDB images already unmarshalled; an S3 key the parser decoded (no % or + in it) stays right', async () => {
    const event = dynamodbStreamEvent([{ keys: { id: 'a' }, newImage: { id: 'a', n: 2, tags: ['x'] } }]);
    const [r] = await through([eventNormalizer()], event);
    expect(r).toMatchObject({ source: 'dynamodb', payload: { id: 'a', n: 2, tags: ['x'] }, keys: { id: 'a' }, oldImage: undefined });
    const [s3] = await through([eventNormalizer()], s3Event({ bucket: 'b', key: 'photos/cat 1.jpg' }));
    expect(s3!.payload).toMatchObject({ bucket: 'b', key: 'photos/cat 1.jpg' });
  });

  test('partial batch mode after the parser', async () => {
    sink = captureSink();
    const event = sqsEvent([orders[0], { orderId: 'o-2' }]);
    const handler = middy()
      .use(eventNormalizer())
      .use(records({ schema: Order, eachRecord: () => undefined }));
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1]!.messageId }] });
  });
});

describe("after @middy/sqs-json-body-parser's in-place parse", () => {
  test('SQS bodies and SNS notifications in SQS bodies', async () => {
    expect((await through([sqsJsonBodyParser()], sqsEvent(orders), { schema: Order })).map((r) => r.payload)).toEqual(orders);
    const wrapped = await through([sqsJsonBodyParser()], snsOverSqsEvent(orders), { schema: Order });
    expect(wrapped.map((r) => [r.source, r.payload])).toEqual(orders.map((o) => ['sns-over-sqs', o]));
    const s3 = await through([sqsJsonBodyParser()], sqsEvent(s3Event({ bucket: 'b', key: 'a b.txt' })));
    expect(s3[0]).toMatchObject({ source: 's3-over-sqs', payload: { bucket: 'b' } });
  });
});
