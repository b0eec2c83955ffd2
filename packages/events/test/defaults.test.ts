import { describe, expect, it } from '@jest/globals';
import { dynamodbStreamEvent, eventBridgeEvent, kinesisEvent, s3Event, snsEvent, snsOverSqsEvent, sqsEvent } from '@lambdaware/events';

// A test that does not care about the event can call a builder without payload: one record with a default payload.
describe('builders called without payload', () => {
  it('give one record carrying an empty JSON object (or a default change / object)', () => {
    expect(sqsEvent().Records.map((r) => r.body)).toEqual(['{}']);
    expect(sqsEvent(undefined, { queueName: 'q' }).Records[0]!.eventSourceARN).toMatch(/:q$/);
    expect(snsEvent().Records.map((r) => r.Sns.Message)).toEqual(['{}']);
    expect(JSON.parse(snsOverSqsEvent().Records[0]!.body).Message).toBe('{}');
    expect(kinesisEvent().Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString())).toEqual(['{}']);
    const change = dynamodbStreamEvent().Records;
    expect(change).toHaveLength(1);
    expect(change[0]!.eventName).toBe('INSERT');
    expect(change[0]!.dynamodb!.Keys).toEqual({ id: { S: '1' } });
    const object = s3Event().Records;
    expect(object).toHaveLength(1);
    expect(object[0]!.s3.bucket.name).toBe('test-bucket');
    expect(eventBridgeEvent().detail).toEqual({});
  });

  it('while an undefined inside a batch is still an error naming its index', () => {
    expect(() => sqsEvent([{}, undefined])).toThrow('sqsEvent: payload at index 1 is undefined, which has no JSON form');
  });
});
