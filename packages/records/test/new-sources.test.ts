// The sources data pipelines meet: CloudWatch Logs (direct and through Kinesis), Kinesis Firehose (and its
// transformation response), Amazon MSK and self-managed Kafka, KPL-aggregated Kinesis records, EventBridge through
// SQS and S3 through EventBridge. Each on the real sample event where one exists (fixtures/events), and on events
// built by @lambdaware/events; each validated by a schema, with its bad input named record by record.
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, test } from '@jest/globals';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import {
  cloudWatchLogsData,
  cloudWatchLogsEvent,
  eventBridgeEvent,
  eventBridgeOverSqsEvent,
  firehoseEvent,
  kafkaEvent,
  kinesisEvent,
  lambdaContext,
  s3EventBridgeEvent,
  sqsEvent,
} from '@lambdaware/events';
import { DROP, RecordsError, decapsulate, processBatch, records } from '@lambdaware/records';
import { captureSink, ownSample, rejection, run, sample } from './helpers.js';

let sink: ReturnType<typeof captureSink> | undefined;
afterEach(() => sink?.restore());
const quiet = () => (sink = captureSink());

const Line = z.object({ level: z.enum(['INFO', 'ERROR']), msg: z.string() });

describe('CloudWatch Logs, direct subscription (awslogs.data)', () => {
  test('the real sample event: each log event a record, with the batch fields', async () => {
    const event = sample('cloudwatch-logs-event.json');
    const { records: list } = await run(event, { payload: 'text' });
    expect(list.map((r) => [r.source, r.id, r.index, r.payload])).toEqual([
      ['cloudwatch-logs', 'eventId1', 0, '[ERROR] First test message'],
      ['cloudwatch-logs', 'eventId2', 1, '[ERROR] Second test message'],
    ]);
    expect(list[0]).toMatchObject({
      logEventId: 'eventId1',
      timestamp: 1440442987000,
      logGroup: 'testLogGroup',
      logStream: 'testLogStream',
      owner: '123456789123',
      subscriptionFilters: ['testFilter'],
      raw: { id: 'eventId1', timestamp: 1440442987000, message: '[ERROR] First test message' },
    });
  });

  test('JSON messages validated by the schema; the CONTROL_MESSAGE gives no record', async () => {
    const event = cloudWatchLogsEvent(
      [
        { level: 'INFO', msg: 'a' },
        { level: 'ERROR', msg: 'b' },
      ],
      { logGroup: '/aws/lambda/orders' },
    );
    const list = await decapsulate(event, { schema: Line, source: 'cloudwatch-logs' });
    expect(list.map((r) => r.payload.msg)).toEqual(['a', 'b']);
    expect(list[1].logGroup).toBe('/aws/lambda/orders');
    expect(await decapsulate(cloudWatchLogsEvent([], { messageType: 'CONTROL_MESSAGE' }))).toEqual([]);
  });

  test('bad input: each bad log event named by index and log event id; a batch that cannot be read says why', async () => {
    const event = cloudWatchLogsEvent([{ level: 'INFO', msg: 'a' }, 'not json', { level: 'LOUD', msg: 'c' }]);
    const error = await rejection(decapsulate(event, { schema: Line }));
    expect(error).toBeInstanceOf(RecordsError);
    const ids = JSON.parse(gunzipOf(event.awslogs.data)).logEvents.map((e: { id: string }) => e.id);
    expect(error.failures.map((f: any) => [f.index, f.id, f.kind])).toEqual([
      [1, ids[1], 'parse'],
      [2, ids[2], 'schema'],
    ]);
    expect(error.message).toContain(`record 1 (cloudwatch-logs, id "${ids[1]}"): logEvents[1].message is not JSON: Unexpected token at position 1`);
    expect(error.total).toBe(3);

    const reasons = async (data: string) => (await rejection(decapsulate({ awslogs: { data } }))).failures[0].reason;
    expect(await reasons('%%%')).toBe('awslogs.data is not valid base64 (a character outside the base64 alphabet at position 0)');
    expect(await reasons(Buffer.from('{"plain":"json"}').toString('base64'))).toMatch(/^awslogs\.data is gzip data that does not decompress/);
    expect(await reasons(gzipSync('{"plain":"json"}').toString('base64'))).toBe(
      'awslogs.data (decompressed) is not a CloudWatch Logs subscription batch (no messageType, logGroup, logEvents)',
    );
  });
});

const gunzipOf = (data: string): string => gunzipSync(Buffer.from(data, 'base64')).toString('utf8');

describe('CloudWatch Logs through a Kinesis stream: gzip detected', () => {
  test('a gzip batch becomes its log events (id: the sequence number); other records of the stream stay as they are', async () => {
    const event = kinesisEvent([
      cloudWatchLogsData([
        { level: 'INFO', msg: 'a' },
        { level: 'ERROR', msg: 'b' },
      ]),
      { level: 'INFO', msg: 'plain' },
    ]);
    const list = await decapsulate(event);
    const seq = event.Records.map((r) => r.kinesis.sequenceNumber);
    expect(list.map((r) => [r.source, r.id, r.index, (r.payload as any).msg])).toEqual([
      ['cloudwatch-logs-over-kinesis', seq[0], 0, 'a'],
      ['cloudwatch-logs-over-kinesis', seq[0], 0, 'b'],
      ['kinesis', seq[1], 1, 'plain'],
    ]);
    const [first] = list;
    if (first.source !== 'cloudwatch-logs-over-kinesis') throw new Error('narrowing');
    expect(first.logGroup).toBe('/aws/lambda/test-function');
    expect(first.shardId).toBe('shardId-000000000000');
  });

  test('gzip data that is not a log batch is unzipped; partial batch mode names the Kinesis record of a bad log event', async () => {
    const [plain] = await decapsulate(kinesisEvent(gzipSync('{"zipped":true}')));
    expect(plain).toMatchObject({ source: 'kinesis', payload: { zipped: true } });

    quiet();
    const event = kinesisEvent([
      cloudWatchLogsData([
        { level: 'INFO', msg: 'a' },
        { level: 'NOPE', msg: 'b' },
      ]),
      { level: 'INFO', msg: 'c' },
    ]);
    const seen: string[] = [];
    const response = await processBatch(event, lambdaContext(), { schema: Line, eachRecord: (r) => void seen.push(r.payload.msg) });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }] });
    expect(seen).toEqual(['c']);
  });
});

describe('Kinesis Firehose data transformation', () => {
  test('the real sample event: recordId as id, the event and Kinesis metadata on each record', async () => {
    const event = sample('kinesis-firehose-event.json');
    const { records: list } = await run(event, { payload: 'text' });
    expect(list.map((r) => [r.source, r.id, r.index, r.payload])).toEqual([
      ['firehose', 'record1', 0, 'Hello World'],
      ['firehose', 'record2', 1, 'Hello World'],
    ]);
    expect(list[1]).toMatchObject({
      recordId: 'record2',
      invocationId: 'invoked123',
      deliveryStreamArn: 'aws:lambda:events',
      region: 'us-west-2',
      sourceKinesisStreamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/test',
      approximateArrivalTimestamp: 1507217624302,
      kinesisRecordMetadata: { shardId: 'shardId-000000000001', subsequenceNumber: 123457 },
    });
  });

  test('the transformation response, built from each record: Ok with what eachRecord returned, Dropped, ProcessingFailed', async () => {
    quiet();
    const event = firehoseEvent([
      { level: 'INFO', msg: 'keep' },
      { level: 'INFO', msg: 'drop' },
      'not json',
      { level: 'INFO', msg: 'same' },
      { level: 'INFO', msg: 'throw' },
    ]);
    const handler = middy().use(
      records({
        schema: Line,
        source: 'firehose',
        eachRecord: (r) => {
          if (r.payload.msg === 'drop') return DROP;
          if (r.payload.msg === 'throw') throw new Error('downstream refused');
          if (r.payload.msg === 'same') return undefined;
          return `${r.payload.level} ${r.payload.msg}\n`;
        },
      }),
    );
    const response = (await handler(event, lambdaContext())) as any;
    const data = event.records.map((r) => r.data);
    expect(response).toEqual({
      records: [
        { recordId: event.records[0]!.recordId, result: 'Ok', data: Buffer.from('INFO keep\n').toString('base64') },
        { recordId: event.records[1]!.recordId, result: 'Dropped', data: data[1] },
        { recordId: event.records[2]!.recordId, result: 'ProcessingFailed', data: data[2] },
        { recordId: event.records[3]!.recordId, result: 'Ok', data: data[3] },
        { recordId: event.records[4]!.recordId, result: 'ProcessingFailed', data: data[4] },
      ],
    });
    expect(sink!.lines.map((l) => l.fields?.index)).toEqual([2, 4]);
  });

  test('gzip data is unzipped (a CloudWatch Logs batch through Firehose); bad base64 named by recordId; all failed is an error', async () => {
    const [zipped] = await decapsulate(firehoseEvent(gzipSync('{"a":1}')));
    expect(zipped!.payload).toEqual({ a: 1 });
    const event = firehoseEvent([{ a: 1 }, { a: 2 }], { record: (r, i) => (i === 1 ? { ...r, data: 'not base64!' } : r) });
    const error = await rejection(decapsulate(event));
    expect(error.failures).toEqual([
      expect.objectContaining({
        index: 1,
        id: event.records[1]!.recordId,
        kind: 'parse',
        reason: 'data is not valid base64 (a character outside the base64 alphabet at position 3)',
      }),
    ]);
    quiet();
    const all = await rejection(processBatch(firehoseEvent(['x', 'y']), lambdaContext(), { eachRecord: () => undefined }));
    expect(all).toBeInstanceOf(RecordsError);
    expect(all.message).toMatch(/^all 2 records of the Kinesis Firehose event failed/);
  });
});

describe('Amazon MSK and self-managed Apache Kafka', () => {
  test('the real MSK sample: value decoded, key and headers as bytes (signed bytes read as bytes)', async () => {
    const [r] = await decapsulate(sample('kafka-event.json'), { payload: 'text', source: 'kafka' });
    expect(r).toMatchObject({
      source: 'kafka',
      id: 'AWSKafkaTopic-0@0',
      topic: 'AWSKafkaTopic',
      partition: 0,
      offset: 0,
      timestamp: 1595035749700,
      timestampType: 'CREATE_TIME',
      payload: '8d5596b4-1813-4238-b24b-6dad8e3d1c0c',
      selfManaged: false,
      eventSourceArn: 'arn:aws:kafka:us-west-2:012345678901:cluster/ExampleMSKCluster/e9f754c6-d29a-4430-a7db-958a19fd2c54-4',
    });
    expect(r!.key!.toString()).toBe('8d5596b4-1813-4238-b24b-6dad8e3d1c0c');
    expect([...r!.headers.headerKey!]).toEqual([118, 220, 0, 127, 128]);
  });

  test('self-managed Kafka (sample written from the documented shape): JSON values by schema, no key, no headers', async () => {
    const Order = z.object({ orderId: z.string(), total: z.number() });
    const list = await decapsulate(ownSample('self-managed-kafka-event.json'), { schema: Order });
    expect(list.map((r) => [r.id, r.payload.orderId, r.key?.toString(), Object.keys(r.headers)])).toEqual([
      ['orders-0@15', 'o-1001', 'tenant-1', ['source']],
      ['orders-0@16', 'o-1002', undefined, []],
    ]);
    expect(list[0]!.selfManaged).toBe(true);
    expect(list[0]!.headers.source!.toString()).toBe('web');
  });

  test('partial batch response names { partition, offset }; records run in order within a partition', async () => {
    quiet();
    const event = kafkaEvent(
      Array.from({ length: 6 }, (_, i) => ({ n: i })),
      { topic: 'orders', partition: (i) => i % 2 },
    );
    const order: string[] = [];
    const response = await processBatch(event, lambdaContext(), {
      concurrency: 2,
      eachRecord: async (r) => {
        order.push(`${r.partition}:${r.offset}`);
        await new Promise((resolve) => setTimeout(resolve, 3 - (r.payload as any).n / 2));
        if ((r.payload as any).n === 3) throw new Error('bad order');
      },
    });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 'orders-1', offset: 1 } }] });
    const within = (p: number) => order.filter((o) => o.startsWith(`${p}:`));
    expect(within(0)).toEqual(['0:0', '0:1', '0:2']);
    expect(within(1)).toEqual(['1:0', '1:1', '1:2']);
  });

  test('bad input: a value that is not base64, a header that is not bytes; named by topic-partition@offset', async () => {
    const event: any = kafkaEvent([{ a: 1 }, { a: 2 }, { a: 3 }], { topic: 't' });
    event.records['t-0'][1].value = 'eyJh*';
    event.records['t-0'][2].headers = [{ h: 'text' }];
    const error = await rejection(decapsulate(event));
    expect(error.failures.map((f: any) => [f.index, f.id, f.reason])).toEqual([
      [1, 't-0@1', 'value is not valid base64 (a character outside the base64 alphabet at position 4)'],
      [2, 't-0@2', 'header "h" is not an array of bytes'],
    ]);
  });
});

describe('EventBridge through SQS', () => {
  test('the sample (written from the documented shapes): the payload is the detail, with the SQS and EventBridge fields', async () => {
    const Order = z.object({ orderId: z.string(), total: z.number() });
    const [r] = await decapsulate(ownSample('eventbridge-over-sqs-event.json'), { schema: Order });
    expect(r).toMatchObject({
      source: 'eventbridge-over-sqs',
      id: '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      payload: { orderId: 'o-1001', total: 42.5 },
      detailType: 'Order Placed',
      eventSource: 'com.example.orders',
      eventId: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
      receiveCount: 1,
      eventSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:orders-events',
    });
  });

  test("built with eventBridgeOverSqsEvent; source: 'sqs' keeps the whole event; partial batch mode by messageId", async () => {
    const event = eventBridgeOverSqsEvent([{ n: 1 }, { n: 'x' }], { eventBridge: { 'detail-type': 'Tick' } });
    const [whole] = await decapsulate(event, { source: 'sqs' });
    expect(whole!.payload).toMatchObject({ 'detail-type': 'Tick', detail: { n: 1 } });
    quiet();
    const response = await processBatch(event, lambdaContext(), { schema: z.object({ n: z.number() }), eachRecord: () => undefined });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1]!.messageId }] });
  });
});

describe('S3 through EventBridge', () => {
  test('the sample (written from the S3 User Guide shape): the object, its request, the EventBridge fields', async () => {
    const [r] = await decapsulate(ownSample('s3-eventbridge-object-created.json'));
    expect(r).toMatchObject({
      source: 's3-over-eventbridge',
      id: '2d4eba74-fd51-3966-4bfa-b013c9da8ff1',
      payload: {
        bucket: 'orders-inbox',
        key: '2024/05/01/batch 7.csv',
        size: 48213,
        eTag: '7e9d2f0c1b7a4e5f8d3c2b1a09f8e7d6',
        versionId: 'Ld2x.vyUt0h5Q9kXbC3aY7mN1pR4sT6w',
        sequencer: '00663216BE0A8F3D21',
      },
      eventName: 'Object Created',
      reason: 'PutObject',
      requestId: 'Q7N3K5P9R2T4V6X8',
      region: 'eu-west-1',
    });
  });

  test("built with s3EventBridgeEvent; source: 'eventbridge' keeps the detail; a detail without an object is named", async () => {
    const event = s3EventBridgeEvent({ bucket: 'b', key: 'gone.txt', detailType: 'Object Deleted' });
    const [r] = await decapsulate(event, { schema: z.object({ bucket: z.literal('b'), key: z.string() }) });
    expect(r).toMatchObject({ source: 's3-over-eventbridge', payload: { bucket: 'b', key: 'gone.txt' }, reason: 'DeleteObject' });
    const [detail] = await decapsulate(event, { source: 'eventbridge' });
    expect(detail!.payload).toMatchObject({ bucket: { name: 'b' } });
    const bad = eventBridgeEvent({ bucket: {} }, { source: 'aws.s3', 'detail-type': 'Object Created' });
    const error = await rejection(decapsulate(bad, { source: 's3-over-eventbridge' }));
    expect(error.failures[0]).toMatchObject({ index: 0, id: bad.id, reason: 'the S3 event has no detail.bucket.name or detail.object.key' });
  });
});

describe('through Middy, typed per source', () => {
  test('context.records of a Kafka handler', async () => {
    const handler = middy()
      .use(records({ source: 'kafka', schema: z.object({ n: z.number() }) }))
      .handler(async (_e: unknown, context: Context & { records: { payload: { n: number }; offset: number }[] }) =>
        context.records.map((r) => r.payload.n + r.offset),
      );
    expect(await handler(kafkaEvent([{ n: 10 }, { n: 20 }]), lambdaContext())).toEqual([10, 21]);
    expect((await rejection(handler(sqsEvent({ n: 1 }), lambdaContext()))).message).toBe(
      "option source 'kafka' expects a Kafka event, but this is an SQS event",
    );
  });
});
