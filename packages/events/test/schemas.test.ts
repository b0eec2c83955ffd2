// Each builder's output passes the matching schema of @aws-lambda-powertools/parser (a devDependency).
import { describe, expect, it } from '@jest/globals';
import {
  DynamoDBStreamSchema,
  EventBridgeSchema,
  KinesisDataStreamSchema,
  S3Schema,
  S3SqsEventNotificationSchema,
  SnsSchema,
  SnsSqsNotificationSchema,
  SqsSchema,
} from '@aws-lambda-powertools/parser/schemas';
import fc from 'fast-check';
import { dynamodbStreamEvent, eventBridgeEvent, kinesisEvent, s3Event, snsEvent, snsOverSqsEvent, sqsEvent } from '@lambdaware/events';

/** Parses with a Powertools schema, failing with the issues when it does not pass. */
function parse<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: unknown[] } } }, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`schema rejected the event: ${JSON.stringify(result.error.issues, null, 2)}`);
  return result.data;
}

const s3 = () =>
  s3Event([
    { bucket: 'uploads', key: 'a b.txt' },
    { bucket: 'uploads', key: 'gone', eventName: 'ObjectRemoved:Delete' },
  ]);

describe('Powertools parser schemas accept every builder', () => {
  it('sqsEvent: SqsSchema, standard and FIFO, with attributes', () => {
    parse(SqsSchema, sqsEvent([{ a: 1 }, 'b'], { messageAttributes: { s: 's', n: 1, b: new Uint8Array([1]) } }));
    const fifo = parse(SqsSchema, sqsEvent(['a', 'b'], { fifo: true, messageGroupId: 'g' }));
    expect(fifo.Records[1].attributes.MessageGroupId).toBe('g');
  });

  it('snsEvent: SnsSchema, with and without subject', () => {
    parse(SnsSchema, snsEvent([{ a: 1 }, 'b'], { subject: 's', messageAttributes: { k: 'v' } }));
    parse(SnsSchema, snsEvent('no subject'));
  });

  it('snsOverSqsEvent: SqsSchema, and the body passes SnsSqsNotificationSchema', () => {
    for (const options of [{}, { subject: 's', messageAttributes: { k: 'v' } }, { fifo: true }]) {
      const event = parse(SqsSchema, snsOverSqsEvent([{ a: 1 }, 'b'], options));
      for (const record of event.Records) parse(SnsSqsNotificationSchema, JSON.parse(record.body));
    }
    parse(SqsSchema, snsOverSqsEvent('raw', { raw: true, messageAttributes: { k: 'v' } }));
  });

  it('kinesisEvent: KinesisDataStreamSchema, which decodes (and JSON-parses) the data back', () => {
    const event = parse(KinesisDataStreamSchema, kinesisEvent([{ a: 1 }, 'text']));
    expect(event.Records.map((r) => r.kinesis.data)).toEqual([{ a: 1 }, 'text']);
  });

  it('dynamodbStreamEvent: DynamoDBStreamSchema, whose unmarshalling gives back the input (bigint exact)', () => {
    const newImage = { id: 'a', n: 1.5, big: 2n ** 60n + 7n, ok: true, none: null, list: [1, 'x'], map: { deep: { v: 'y' } }, tags: new Set(['t']) };
    const event = parse(
      DynamoDBStreamSchema,
      dynamodbStreamEvent([
        { keys: { id: 'a' }, newImage },
        { keys: { id: 'a' }, newImage, oldImage: { id: 'a' } },
        { keys: { id: 'a' }, oldImage: newImage, ttl: true },
      ]),
    );
    expect(event.Records[0].dynamodb.NewImage).toEqual(newImage);
    expect(event.Records[0].dynamodb.Keys).toEqual({ id: 'a' });
    expect(event.Records[2].eventName).toBe('REMOVE');
  });

  it('eventBridgeEvent: EventBridgeSchema', () => {
    parse(EventBridgeSchema, eventBridgeEvent({ a: 1 }, { 'detail-type': 'T', source: 's' }));
  });

  it('s3Event: S3Schema; sqsEvent(s3Event()): S3SqsEventNotificationSchema; inside SNS too', () => {
    parse(S3Schema, s3());
    const viaSqs = parse(S3SqsEventNotificationSchema, sqsEvent(s3()));
    expect(viaSqs.Records[0].body.Records[0].s3.object.key).toBe('a+b.txt');
    const viaSns = parse(SnsSchema, snsEvent(s3(), { subject: 'Amazon S3 Notification' }));
    parse(S3Schema, JSON.parse(viaSns.Records[0].Sns.Message));
    const viaSnsSqs = parse(SqsSchema, snsOverSqsEvent(s3()));
    parse(S3Schema, JSON.parse(parse(SnsSqsNotificationSchema, JSON.parse(viaSnsSqs.Records[0].body)).Message));
  });

  it('any JSON payload: SQS, SNS-over-SQS and Kinesis events pass and carry it back exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 4 }), (payloads) => {
        const items = payloads.map((p) => [p]); // each item wrapped: one record per payload, arrays included
        const sqs = parse(SqsSchema, sqsEvent(items));
        expect(sqs.Records.map((r) => JSON.parse(r.body)[0])).toEqual(payloads.map((p) => JSON.parse(JSON.stringify(p))));
        const wrapped = parse(SqsSchema, snsOverSqsEvent(items));
        expect(wrapped.Records.map((r) => JSON.parse(JSON.parse(r.body).Message)[0])).toEqual(payloads.map((p) => JSON.parse(JSON.stringify(p))));
        parse(KinesisDataStreamSchema, kinesisEvent(items));
      }),
      { numRuns: 60 },
    );
  });
});
