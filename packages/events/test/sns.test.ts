import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { md5OfMessageAttributes, s3Event, snsEvent, snsOverSqsEvent, sqsEvent } from '@lambdaware/events';
import { keys, sample } from './samples.js';

describe('snsEvent', () => {
  it('has the keys of the real sample event', () => {
    const real = sample('sns-event.json').Records[0];
    const record = snsEvent({ a: 1 }, { subject: 'TestInvoke', messageAttributes: { Test: 'TestString' } }).Records[0]!;
    expect(keys(record)).toEqual(keys(real));
    expect(keys(record.Sns)).toEqual(keys(real.Sns));
    expect(record.Sns.MessageAttributes.Test).toEqual(real.Sns.MessageAttributes.Test);
    expect(record.Sns.Subject).toBe('TestInvoke');
  });

  it('carries each payload as Message, with realistic ARNs, URLs and signature fields', () => {
    const now = Date.UTC(2024, 1, 2, 3, 4, 5, 600);
    const event = snsEvent([{ id: 1 }, 'text'], { topicName: 'orders', region: 'eu-central-1', now });
    const [first, second] = event.Records;
    expect(first!.Sns.Message).toBe('{"id":1}');
    expect(second!.Sns.Message).toBe('text');
    expect(first!.EventSource).toBe('aws:sns');
    expect(first!.EventVersion).toBe('1.0');
    expect(first!.Sns.Type).toBe('Notification');
    expect(first!.Sns.TopicArn).toBe('arn:aws:sns:eu-central-1:123456789012:orders');
    expect(first!.EventSubscriptionArn).toMatch(/^arn:aws:sns:eu-central-1:123456789012:orders:[0-9a-f-]{36}$/);
    expect(first!.Sns.UnsubscribeUrl).toBe(`https://sns.eu-central-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${first!.EventSubscriptionArn}`);
    expect(first!.Sns.SigningCertUrl).toMatch(/^https:\/\/sns\.eu-central-1\.amazonaws\.com\/SimpleNotificationService-[0-9a-f]{32}\.pem$/);
    expect(first!.Sns.SignatureVersion).toBe('1');
    expect(Buffer.from(first!.Sns.Signature, 'base64')).toHaveLength(256);
    expect(Date.parse(first!.Sns.Timestamp)).toBeLessThanOrEqual(now);
    expect(first!.Sns.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(first!.Sns.MessageId).not.toBe(second!.Sns.MessageId);
    // No subject given: SNS shows null.
    expect(first!.Sns.Subject).toBeNull();
  });

  it('converts message attribute shorthands', () => {
    const attributes = snsEvent('x', {
      messageAttributes: { s: 'v', n: 7, b: Buffer.from('hi'), list: ['a', 1], full: { Type: 'String', Value: 'f' } },
    }).Records[0]!.Sns.MessageAttributes;
    expect(attributes).toEqual({
      s: { Type: 'String', Value: 'v' },
      n: { Type: 'Number', Value: '7' },
      b: { Type: 'Binary', Value: 'aGk=' },
      list: { Type: 'String.Array', Value: '["a",1]' },
      full: { Type: 'String', Value: 'f' },
    });
    expect(() => snsEvent('x', { messageAttributes: { bad: { Type: 'String' } as never } })).toThrow(/snsEvent: message attribute "bad" must be/);
  });

  it('applies record overrides', () => {
    const event = snsEvent([1, 2], { record: { Sns: { Subject: 'S', MessageAttributes: { k: { Type: 'String', Value: 'v' } } } } });
    for (const r of event.Records) {
      expect(r.Sns.Subject).toBe('S');
      expect(r.Sns.MessageAttributes).toEqual({ k: { Type: 'String', Value: 'v' } });
      expect(r.Sns.Message).toBeDefined();
    }
    expect(snsEvent(['a', 'b'], { record: (r, i) => ({ ...r, EventSubscriptionArn: `sub-${i}` }) }).Records[1]!.EventSubscriptionArn).toBe('sub-1');
  });
});

describe('snsOverSqsEvent', () => {
  it("without raw delivery, the SQS body is the SNS notification JSON with SNS's own capitalisation", () => {
    const event = snsOverSqsEvent([{ orderId: 7 }, 'plain'], { subject: 'New order', topicName: 'orders', queueName: 'order-queue' });
    expect(event.Records).toHaveLength(2);
    const [record] = event.Records;
    const body = JSON.parse(record!.body);
    expect(body).toEqual({
      Type: 'Notification',
      MessageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:orders',
      Subject: 'New order',
      Message: '{"orderId":7}',
      Timestamp: expect.stringMatching(/Z$/),
      SignatureVersion: '1',
      Signature: expect.any(String),
      SigningCertURL: expect.stringMatching(/^https:\/\/sns\.us-east-1\.amazonaws\.com\/SimpleNotificationService-/),
      UnsubscribeURL: expect.stringMatching(
        /^https:\/\/sns\.us-east-1\.amazonaws\.com\/\?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:123456789012:orders:/,
      ),
    });
    expect(body).not.toHaveProperty('SigningCertUrl');
    expect(body).not.toHaveProperty('UnsubscribeUrl');
    expect(JSON.parse(event.Records[1]!.body).Message).toBe('plain');
    // SNS writes its own layout; the md5 is of that exact text.
    expect(record!.body).toMatch(/^\{\n {2}"Type" : "Notification",\n/);
    expect(record!.md5OfBody).toBe(createHash('md5').update(record!.body).digest('hex'));
    expect(record!.eventSourceARN).toBe('arn:aws:sqs:us-east-1:123456789012:order-queue');
    expect(record!.messageAttributes).toEqual({});
  });

  it('without raw delivery, a message without subject has no Subject, and message attributes stay in the JSON', () => {
    const body = JSON.parse(snsOverSqsEvent('m', { messageAttributes: { kind: 'order' } }).Records[0]!.body);
    expect(body).not.toHaveProperty('Subject');
    expect(body.MessageAttributes).toEqual({ kind: { Type: 'String', Value: 'order' } });
  });

  it('with raw delivery, the body is the message and SNS attributes become SQS attributes', () => {
    const event = snsOverSqsEvent([{ orderId: 7 }, 'plain'], { raw: true, messageAttributes: { kind: 'order', n: 2 } });
    expect(event.Records.map((r) => r.body)).toEqual(['{"orderId":7}', 'plain']);
    const attributes = event.Records[0]!.messageAttributes;
    expect(attributes.kind).toMatchObject({ dataType: 'String', stringValue: 'order' });
    expect(attributes.n).toMatchObject({ dataType: 'Number', stringValue: '2' });
    expect(event.Records[0]!.md5OfMessageAttributes).toBe(md5OfMessageAttributes(attributes));
  });

  it('FIFO: a FIFO topic delivering to a FIFO queue', () => {
    const record = snsOverSqsEvent('m', { fifo: true, messageGroupId: 'g' }).Records[0]!;
    expect(record.eventSourceARN.endsWith(':test-queue.fifo')).toBe(true);
    expect(record.attributes.MessageGroupId).toBe('g');
    const body = JSON.parse(record.body);
    expect(body.TopicArn.endsWith(':test-topic.fifo')).toBe(true);
    expect(body.SequenceNumber).toMatch(/^\d{20}$/);
  });

  it('rejects a non-boolean raw option', () => {
    expect(() => snsOverSqsEvent('m', { raw: 'yes' as never })).toThrow('snsOverSqsEvent(): option "raw" must be true or false, got "yes"');
  });
});

describe('S3 notifications through SQS and SNS (composition)', () => {
  const notification = s3Event([{ bucket: 'uploads', key: 'in/a b.txt', size: 5 }]);

  it('sqsEvent(s3Event(...)): the body is the S3 event JSON', () => {
    const event = sqsEvent(notification);
    expect(event.Records).toHaveLength(1);
    expect(JSON.parse(event.Records[0]!.body)).toEqual(notification);
  });

  it('snsEvent(s3Event(...)): the Message is the S3 event JSON', () => {
    expect(JSON.parse(snsEvent(notification).Records[0]!.Sns.Message)).toEqual(notification);
  });

  it('snsOverSqsEvent(s3Event(...)): unwrapped twice, raw or not', () => {
    const wrapped = snsOverSqsEvent(notification).Records[0]!;
    expect(JSON.parse(JSON.parse(wrapped.body).Message)).toEqual(notification);
    const raw = snsOverSqsEvent(notification, { raw: true }).Records[0]!;
    expect(JSON.parse(raw.body)).toEqual(notification);
  });
});
