// Records composed by carriers (issue 25): each payload kind is recognised once and any carrier holds any kind, so
// compositions nobody named work: CloudWatch Logs through Firehose (with Firehose's answer), SES through SNS (and SNS
// to a queue), EventBridge through SNS, S3 through EventBridge to a queue. The sources are generated from the files.
import { describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import {
  cloudWatchLogsData,
  eventBridgeEvent,
  firehoseEvent,
  lambdaContext,
  s3EventBridgeEvent,
  sesNotification,
  snsEvent,
  snsOverSqsEvent,
  sqsEvent,
} from '@lambdaware/events';
import { DROP, SOURCES, decapsulate, processBatch } from '@lambdaware/records';
import { captureSink, ownSample, rejection } from './helpers.js';

const Line = z.object({ level: z.string(), msg: z.string() });
const gunzipBase64 = async (data: string): Promise<string> => (await import('node:zlib')).gunzipSync(Buffer.from(data, 'base64')).toString('utf8');

describe('CloudWatch Logs through Firehose (a subscription whose destination is a delivery stream)', () => {
  test('each log event a record, with the Firehose and CloudWatch Logs fields; other records stay Firehose records', async () => {
    const event = firehoseEvent(
      [
        cloudWatchLogsData(
          [
            { level: 'INFO', msg: 'a' },
            { level: 'ERROR', msg: 'b' },
          ],
          { logGroup: '/aws/lambda/orders' },
        ),
        { level: 'INFO', msg: 'plain' },
      ],
      {
        sourceStreamName: 'logs',
      },
    );
    const list = await decapsulate(event);
    const ids = event.records.map((r) => r.recordId);
    expect(list.map((r) => [r.source, r.id, r.index, (r.payload as { msg: string }).msg])).toEqual([
      ['cloudwatch-logs-over-firehose', ids[0], 0, 'a'],
      ['cloudwatch-logs-over-firehose', ids[0], 0, 'b'],
      ['firehose', ids[1], 1, 'plain'],
    ]);
    const [first] = list;
    if (first!.source !== 'cloudwatch-logs-over-firehose') throw new Error('narrowing');
    expect(first).toMatchObject({ logGroup: '/aws/lambda/orders', recordId: ids[0], deliveryStreamArn: event.deliveryStreamArn, raw: event.records[0] });
    const typed = await decapsulate({ ...event, records: [event.records[0]!] }, { source: 'cloudwatch-logs-over-firehose', schema: Line });
    expect(typed.map((r) => [r.logGroup, r.recordId, r.payload.level])).toEqual([
      ['/aws/lambda/orders', ids[0], 'INFO'],
      ['/aws/lambda/orders', ids[0], 'ERROR'],
    ]);
  });

  test("Firehose's answer: Ok with what eachRecord returned for each log event, joined; Dropped for a CONTROL_MESSAGE or all DROP; ProcessingFailed for a bad log event", async () => {
    const sink = captureSink();
    try {
      const event = firehoseEvent([
        cloudWatchLogsData([
          { level: 'INFO', msg: 'a' },
          { level: 'ERROR', msg: 'b' },
        ]),
        cloudWatchLogsData([], { messageType: 'CONTROL_MESSAGE' }),
        cloudWatchLogsData([{ level: 'DEBUG', msg: 'noise' }]),
        cloudWatchLogsData([{ level: 'INFO', msg: 'c' }, 'not json']),
      ]);
      const response = await processBatch(event, lambdaContext(), {
        source: 'cloudwatch-logs-over-firehose',
        schema: Line,
        eachRecord: (r) => (r.payload.level === 'DEBUG' ? DROP : `${r.payload.level} ${r.payload.msg}\n`),
      });
      const ids = event.records.map((r) => r.recordId);
      expect(response.records.map((r) => [r.recordId, r.result])).toEqual([
        [ids[0], 'Ok'],
        [ids[1], 'Dropped'],
        [ids[2], 'Dropped'],
        [ids[3], 'ProcessingFailed'],
      ]);
      expect(Buffer.from(response.records[0]!.data, 'base64').toString('utf8')).toBe('INFO a\nERROR b\n');
      expect(JSON.parse(await gunzipBase64(response.records[3]!.data)).logEvents).toHaveLength(2); // the original data
      expect(sink.lines.map((l) => [l.fields?.index, l.fields?.source, l.fields?.kind])).toEqual([[3, 'cloudwatch-logs-over-firehose', 'parse']]);
    } finally {
      sink.restore();
    }
  });
});

describe('SES through SNS', () => {
  test("the sample (written from the SES Developer Guide shape): a received mail through its receipt rule's topic", async () => {
    const event = ownSample('ses-over-sns-event.json');
    const [r] = await decapsulate(event);
    expect(r).toMatchObject({
      source: 'ses-over-sns',
      id: '9a8b7c6d-5e4f-5a3b-9c2d-1e0f9a8b7c6d',
      sesType: 'Received',
      mailMessageId: 'o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1',
      mailSource: 'orders@example.com',
      destination: ['inbox@example.org'],
      subject: 'Amazon SES Email Receipt Notification',
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:ses-inbound',
      payload: { receipt: { action: { type: 'SNS' } }, mail: { commonHeaders: { subject: 'Order 1001' } } },
    });
    expect(r!.raw).toBe(event.Records[0]);
  });

  const Mail = z.object({ notificationType: z.literal('Received'), mail: z.object({ source: z.string(), commonHeaders: z.object({ subject: z.string() }) }) });

  test('a topic: the notification is the payload, with the SES and SNS fields', async () => {
    const event = snsEvent(sesNotification({ from: 'orders@example.com', subject: 'Order 1001' }), { topicName: 'ses-inbound' });
    const [r] = await decapsulate(event, { schema: Mail });
    expect(r).toMatchObject({
      source: 'ses-over-sns',
      id: event.Records[0]!.Sns.MessageId,
      payload: { mail: { source: 'orders@example.com', commonHeaders: { subject: 'Order 1001' } } },
      sesType: 'Received',
      mailSource: 'orders@example.com',
      destination: ['recipient@example.com'],
      topicArn: event.Records[0]!.Sns.TopicArn,
    });
    const [forced] = await decapsulate(event, { source: 'ses-over-sns' });
    expect(forced!.mailMessageId).toBe(forced!.mail.messageId);
  });

  test('a topic to a queue: ses-over-sns-over-sqs, named by the SQS message id; a message that is not SES is named', async () => {
    const event = snsOverSqsEvent([sesNotification({ notificationType: 'Bounce', to: ['gone@example.com'] }), { order: 1 }]);
    const list = await decapsulate(event);
    expect(list.map((r) => [r.source, r.id])).toEqual([
      ['ses-over-sns-over-sqs', event.Records[0]!.messageId],
      ['sns-over-sqs', event.Records[1]!.messageId],
    ]);
    expect(list[0]).toMatchObject({
      sesType: 'Bounce',
      destination: ['gone@example.com'],
      receiptHandle: event.Records[0]!.receiptHandle,
      snsMessageId: expect.any(String),
    });
    const error = await rejection(decapsulate(event, { source: 'ses-over-sns-over-sqs' }));
    expect(error.failures).toEqual([
      expect.objectContaining({
        index: 1,
        id: event.Records[1]!.messageId,
        source: 'ses-over-sns-over-sqs',
        kind: 'shape',
        reason: 'the SNS Message in the body is not an SES notification',
      }),
    ]);
  });
});

describe('other compositions nobody named', () => {
  test('EventBridge through SNS: the payload is the detail, with the EventBridge and SNS fields', async () => {
    const inner = eventBridgeEvent({ orderId: 'o-1' }, { 'detail-type': 'Order Placed', source: 'com.example.orders' });
    const event = snsEvent(inner);
    const [r] = await decapsulate(event);
    expect(r).toMatchObject({
      source: 'eventbridge-over-sns',
      payload: { orderId: 'o-1' },
      detailType: 'Order Placed',
      eventId: inner.id,
      topicArn: event.Records[0]!.Sns.TopicArn,
    });
  });

  test('S3 through EventBridge to a queue: s3-over-eventbridge-over-sqs', async () => {
    const event = sqsEvent(s3EventBridgeEvent({ bucket: 'inbox', key: 'a b.csv' }));
    const [r] = await decapsulate(event);
    expect(r).toMatchObject({
      source: 's3-over-eventbridge-over-sqs',
      id: event.Records[0]!.messageId,
      payload: { bucket: 'inbox', key: 'a b.csv' },
      eventName: 'Object Created',
      receiptHandle: event.Records[0]!.receiptHandle,
    });
  });

  test('SOURCES: the event sources, then each kind through each carrier path (generated)', () => {
    expect(SOURCES.slice(0, 9)).toEqual(['sqs', 'sns', 'kinesis', 'dynamodb', 'eventbridge', 's3', 'cloudwatch-logs', 'firehose', 'kafka']);
    for (const s of [
      'sns-over-sqs',
      's3-over-sqs',
      's3-over-sns-over-sqs',
      'eventbridge-over-sqs',
      's3-over-sns',
      'cloudwatch-logs-over-kinesis',
      's3-over-eventbridge',
      'cloudwatch-logs-over-firehose',
      'ses-over-sns',
      'ses-over-sns-over-sqs',
    ]) {
      expect(SOURCES).toContain(s);
    }
    expect(SOURCES).not.toContain('sns-over-sns');
    expect(SOURCES).not.toContain('s3-over-dynamodb');
  });
});
