import { describe, expect, test } from '@jest/globals';
import { dynamodbStreamEvent, eventBridgeEvent, kinesisEvent, s3Event, snsEvent, snsOverSqsEvent, sqsEvent } from '@lambdaware/events';
import { decapsulate } from '@lambdaware/records';
import { run, sample } from './helpers.js';

describe('SQS', () => {
  test('the real sample event: body as text, every metadata field, event untouched', async () => {
    const event = sample('sqs-event.json');
    const before = structuredClone(event);
    const { records, event: seen } = await run(event, { payload: 'text' });
    expect(seen).toEqual(before);
    expect(records).toHaveLength(1);
    const [r] = records;
    expect(r).toMatchObject({
      source: 'sqs',
      id: 'MessageID_1',
      index: 0,
      payload: 'Message Body',
      messageId: 'MessageID_1',
      receiptHandle: 'MessageReceiptHandle',
      receiveCount: 2,
      eventSourceArn: 'arn:aws:sqs:us-west-2:123456789012:SQSQueue',
      fifo: false,
      messageGroupId: undefined,
    });
    expect(r.attributes.SenderId).toBe('AROAIWPX5BD2BHG722MW4:sender');
    expect(r.messageAttributes.Attribute1.stringValue).toBe('AttributeValue1');
    expect(r.raw).toBe(event.Records[0]);
  });

  test('JSON bodies built with @lambdaware/events: parsed, in order, with ids and FIFO fields', async () => {
    const event = sqsEvent([{ n: 1 }, { n: 2 }, [3]], { fifo: true, messageGroupId: 'g1', receiveCount: 4 });
    const { records } = await run(event);
    expect(records.map((r) => r.payload)).toEqual([{ n: 1 }, { n: 2 }, [3]]);
    expect(records.map((r) => r.id)).toEqual(event.Records.map((r) => r.messageId));
    expect(records.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(records[0]).toMatchObject({ source: 'sqs', fifo: true, messageGroupId: 'g1', receiveCount: 4 });
  });

  test("payload: 'bytes' gives the body's UTF-8 bytes", async () => {
    const { records } = await run(sqsEvent('héllo'), { payload: 'bytes' });
    expect(Buffer.isBuffer(records[0].payload)).toBe(true);
    expect(records[0].payload.toString('utf8')).toBe('héllo');
  });

  test('an empty batch gives no records', async () => {
    expect((await run({ Records: [] })).records).toEqual([]);
  });
});

describe('SNS', () => {
  test('the real sample event (text) and the CloudWatch alarm sample (JSON Message parsed)', async () => {
    const { records } = await run(sample('sns-event.json'), { payload: 'text' });
    expect(records[0]).toMatchObject({
      source: 'sns',
      id: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
      payload: 'Hello from SNS!',
      topicArn: 'arn:aws:sns:EXAMPLE',
      subject: 'TestInvoke',
      timestamp: '2015-06-03T17:43:27.123Z',
      messageAttributes: { Test: { Type: 'String', Value: 'TestString' } },
    });
    const alarm = await run(sample('cloudwatch-alarm-sns-payload-single-metric.json'));
    expect(alarm.records[0].source).toBe('sns');
    expect(alarm.records[0].payload).toMatchObject({ AlarmName: 'EXAMPLE', NewStateValue: 'ALARM', Trigger: { Period: 60 } });
  });

  test('built with snsEvent', async () => {
    const event = snsEvent([{ a: 1 }, { a: 2 }], { subject: 'hi', topicName: 'orders' });
    const { records } = await run(event);
    expect(records.map((r) => r.payload)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(records[1]).toMatchObject({ source: 'sns', id: event.Records[1].Sns.MessageId, subject: 'hi', index: 1 });
    expect(records[1].topicArn).toMatch(/:orders$/);
  });
});

describe('SNS over SQS', () => {
  test('raw delivery off: the notification in the body is unwrapped and its Message parsed', async () => {
    const event = snsOverSqsEvent([{ order: 1 }, { order: 2 }], { subject: 'new order', messageAttributes: { tenant: 't1' } });
    const { records } = await run(event);
    expect(records.map((r) => r.payload)).toEqual([{ order: 1 }, { order: 2 }]);
    const [r] = records;
    const notification = JSON.parse(event.Records[0].body);
    expect(r).toMatchObject({
      source: 'sns-over-sqs',
      id: event.Records[0].messageId,
      messageId: event.Records[0].messageId,
      snsMessageId: notification.MessageId,
      topicArn: notification.TopicArn,
      subject: 'new order',
      snsMessageAttributes: { tenant: { Type: 'String', Value: 't1' } },
      receiveCount: 1,
    });
    expect(r.notification.Message).toBe('{"order":1}');
  });

  test('raw delivery on: plain SQS messages', async () => {
    const { records } = await run(snsOverSqsEvent({ order: 1 }, { raw: true }));
    expect(records[0]).toMatchObject({ source: 'sqs', payload: { order: 1 } });
  });

  test("payload: 'text' gives the innermost SNS Message string", async () => {
    const { records } = await run(snsOverSqsEvent('plain words'), { payload: 'text' });
    expect(records[0]).toMatchObject({ source: 'sns-over-sqs', payload: 'plain words' });
  });

  test("source: 'sqs' forces no unwrapping: the payload is the notification", async () => {
    const { records } = await run(snsOverSqsEvent({ order: 1 }), { source: 'sqs' });
    expect(records[0].source).toBe('sqs');
    expect(records[0].payload).toMatchObject({ Type: 'Notification', Message: '{"order":1}' });
  });

  test('a queue receiving both kinds: each record is detected on its own', async () => {
    const wrapped = snsOverSqsEvent({ via: 'sns' }).Records[0];
    const plain = sqsEvent({ via: 'sqs' }).Records[0];
    const { records } = await run({ Records: [wrapped, plain] });
    expect(records.map((r) => [r.source, r.payload.via])).toEqual([
      ['sns-over-sqs', 'sns'],
      ['sqs', 'sqs'],
    ]);
  });
});

describe('Kinesis', () => {
  test('the real sample event: data decoded, sequence numbers as ids, shard id', async () => {
    const event = sample('kinesis-event.json');
    const { records } = await run(event, { payload: 'text' });
    expect(records.map((r) => r.payload)).toEqual(['Hello World', 'Hello World']);
    expect(records[1]).toMatchObject({
      source: 'kinesis',
      id: '49568167373333333334444444444444444444444444444444444444',
      sequenceNumber: '49568167373333333334444444444444444444444444444444444444',
      partitionKey: 's1',
      shardId: 'shardId-000000000000',
      approximateArrivalTimestamp: 1480841523.477,
      eventSourceArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/simple-stream',
      index: 1,
    });
  });

  test("built with kinesisEvent: JSON parsed; payload: 'bytes' gives the decoded bytes", async () => {
    const event = kinesisEvent([{ id: 1 }, { id: 2 }], { partitionKey: 'tenant-1' });
    const { records } = await run(event);
    expect(records.map((r) => r.payload)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(records[0].partitionKey).toBe('tenant-1');
    const bytes = await run(kinesisEvent(Buffer.from([0xde, 0xad, 0xbe, 0xef])), { payload: 'bytes' });
    expect([...bytes.records[0].payload]).toEqual([0xde, 0xad, 0xbe, 0xef]);
  });
});

describe('DynamoDB streams', () => {
  test('the real sample event: every attribute type unmarshalled', async () => {
    const { records } = await run(sample('dynamodb-event.json'));
    expect(records).toHaveLength(2);
    const r = records[1];
    expect(r).toMatchObject({
      source: 'dynamodb',
      id: '1405400000000002063282832',
      eventId: 'f07f8ca4b0b26cb9c4e5e77e42f274ee',
      eventName: 'INSERT',
      keys: { val: 'data', key: 'binary' },
      streamViewType: 'NEW_AND_OLD_IMAGES',
      approximateCreationDateTime: 1480642020,
      oldImage: undefined,
    });
    const p = r.payload;
    expect(p).toBe(r.newImage);
    expect(p.String).toBe('Hello');
    expect(p.IntegerNumber).toBe(123);
    expect(p.FloatNumber).toBe(123.45);
    expect(p.Boolean).toBe(true);
    expect(p.Null).toBeNull();
    expect(p.List).toEqual(['Cookies', 'Coffee', 3.14159]);
    expect(p.Map).toEqual({ Name: 'Joe', Age: 35 });
    expect(p.StringSet).toEqual(new Set(['Giraffe', 'Zebra']));
    expect(p.NumberSet).toEqual(new Set([1234, 567.8]));
    expect(p.EmptyStringSet).toEqual(new Set());
    expect([...p.Binary]).toEqual([0x00, 0x01, 0x2a, 0x41]);
    expect([...p.BinarySet].map((b: Buffer) => b.toString('base64'))).toEqual(['AAEqQQ==', 'AAEqQQ==']);
  });

  test('numbers beyond 2^53 stay exact (bigint); numbers: "string" keeps every number as its text', async () => {
    const big = 2n ** 63n + 7n;
    const event = dynamodbStreamEvent({
      keys: { id: 'a' },
      newImage: { id: 'a', big, negative: -(2n ** 60n) - 1n, safe: 9007199254740991, small: 42, ratio: 0.5 },
    });
    const { records } = await run(event);
    expect(records[0].payload).toEqual({ id: 'a', big, negative: -(2n ** 60n) - 1n, safe: 9007199254740991, small: 42, ratio: 0.5 });
    const asText = await run(event, { numbers: 'string' });
    expect(asText.records[0].payload).toMatchObject({ big: big.toString(), small: '42', ratio: '0.5' });
  });

  test('REMOVE gives the OldImage; a KEYS_ONLY stream gives the Keys; MODIFY carries both images', async () => {
    const removed = await run(dynamodbStreamEvent({ eventName: 'REMOVE', keys: { id: 'x' }, oldImage: { id: 'x', v: 1 } }));
    expect(removed.records[0]).toMatchObject({ eventName: 'REMOVE', payload: { id: 'x', v: 1 }, newImage: undefined });
    const keysOnly = await run(dynamodbStreamEvent({ keys: { id: 'y' }, newImage: { id: 'y', v: 2 } }, { streamViewType: 'KEYS_ONLY' }));
    expect(keysOnly.records[0].payload).toEqual({ id: 'y' });
    const modified = await run(dynamodbStreamEvent({ keys: { id: 'z' }, oldImage: { id: 'z', v: 1 }, newImage: { id: 'z', v: 2 } }));
    expect(modified.records[0]).toMatchObject({ eventName: 'MODIFY', payload: { v: 2 }, oldImage: { v: 1 } });
  });
});

describe('EventBridge', () => {
  test('the payload is the detail; the record carries detail-type, source, account', async () => {
    const event = eventBridgeEvent({ orderId: 'o-1' }, { 'detail-type': 'Order Placed', source: 'com.example.orders' });
    const { records } = await run(event);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      source: 'eventbridge',
      id: event.id,
      index: 0,
      payload: { orderId: 'o-1' },
      detailType: 'Order Placed',
      eventSource: 'com.example.orders',
      account: event.account,
      region: event.region,
    });
    expect(records[0].raw).toBe(event);
  });
});

describe('S3', () => {
  const objects = [
    { bucket: 'uploads', key: 'photos/cat 1+2 (ü).jpg', size: 2048 },
    { bucket: 'uploads', key: 'b.txt', size: 3 },
  ];

  test('the real sample event: key URL-decoded, request id as id', async () => {
    const { records } = await run(sample('s3-event.json'));
    expect(records[0]).toMatchObject({
      source: 's3',
      id: 'C3D13FE58DE4C810',
      bucket: 'sourcebucket',
      key: 'Happy Face.jpg',
      eventName: 'ObjectCreated:Put',
      payload: { bucket: 'sourcebucket', key: 'Happy Face.jpg', size: 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e', versionId: 'version' },
    });
  });

  test('direct, via SQS, via SNS and via SNS over SQS', async () => {
    const expected = objects.map(({ bucket, key, size }) => ({ bucket, key, size }));
    const direct = await run(s3Event(objects));
    expect(direct.records.map((r) => r.source)).toEqual(['s3', 's3']);
    expect(direct.records.map((r) => r.payload)).toMatchObject(expected);

    const viaSqs = sqsEvent(s3Event(objects));
    const sqs = await run(viaSqs);
    expect(sqs.records.map((r) => r.source)).toEqual(['s3-over-sqs', 's3-over-sqs']);
    expect(sqs.records.map((r) => r.payload)).toMatchObject(expected);
    expect(sqs.records.map((r) => r.id)).toEqual([viaSqs.Records[0].messageId, viaSqs.Records[0].messageId]);
    expect(sqs.records[1]).toMatchObject({ index: 0, messageId: viaSqs.Records[0].messageId, eventName: 'ObjectCreated:Put' });

    const viaSns = snsEvent(s3Event(objects[0]));
    const sns = await run(viaSns);
    expect(sns.records[0]).toMatchObject({ source: 's3-over-sns', id: viaSns.Records[0].Sns.MessageId, key: objects[0].key });
    expect(sns.records[0].topicArn).toBe(viaSns.Records[0].Sns.TopicArn);

    const viaSnsSqs = snsOverSqsEvent([s3Event(objects[0]), s3Event(objects[1])]);
    const both = await run(viaSnsSqs);
    expect(both.records.map((r) => [r.source, r.id, r.key])).toEqual([
      ['s3-over-sns-over-sqs', viaSnsSqs.Records[0].messageId, objects[0].key],
      ['s3-over-sns-over-sqs', viaSnsSqs.Records[1].messageId, objects[1].key],
    ]);
  });

  test('the s3:TestEvent S3 sends when a notification is set up gives no record', async () => {
    const test = { Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2024-01-01T00:00:00.000Z', Bucket: 'uploads' };
    const event = sqsEvent([test, s3Event(objects[1])]);
    const { records } = await run(event);
    expect(records.map((r) => [r.index, r.key])).toEqual([[1, 'b.txt']]);
  });

  test('forced sources', async () => {
    const viaSqs = await run(sqsEvent(s3Event(objects[0])), { source: 's3-over-sqs' });
    expect(viaSqs.records[0]).toMatchObject({ source: 's3-over-sqs', key: objects[0].key });
    const plain = await run(sqsEvent(s3Event(objects[0])), { source: 'sqs' });
    expect(plain.records[0]).toMatchObject({ source: 'sqs', payload: { Records: [{ eventSource: 'aws:s3' }] } });
  });
});

describe('decapsulate() outside Middy', () => {
  test('returns the same records', async () => {
    const event = sqsEvent([{ a: 1 }, { a: 2 }]);
    const list = await decapsulate(event);
    expect(list.map((r) => [r.source, r.id, r.payload])).toEqual([
      ['sqs', event.Records[0].messageId, { a: 1 }],
      ['sqs', event.Records[1].messageId, { a: 2 }],
    ]);
  });
});
