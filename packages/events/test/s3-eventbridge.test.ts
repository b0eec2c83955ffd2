import { describe, expect, it } from '@jest/globals';
import { eventBridgeEvent, s3EncodeKey, s3Event } from '@lambdaware/events';
import { keys, sample } from './samples.js';

describe('s3Event', () => {
  it('has the keys of the real sample event, at every level', () => {
    const real = sample('s3-event.json').Records[0];
    const record = s3Event({ bucket: 'sourcebucket', key: 'Happy Face.jpg', versionId: 'version' }).Records[0]!;
    expect(keys(record)).toEqual(keys(real));
    for (const part of ['userIdentity', 'requestParameters', 'responseElements', 's3'] as const) {
      expect(keys(record[part])).toEqual(keys(real[part]));
    }
    expect(keys(record.s3.bucket)).toEqual(keys(real.s3.bucket));
    expect(keys(record.s3.object)).toEqual(keys(real.s3.object));
  });

  it('describes each object: bucket, URL-encoded key, size, event name', () => {
    const event = s3Event([
      { bucket: 'uploads', key: 'photos/red flower (1).jpg', size: 2048 },
      { bucket: 'uploads', key: 'a+b&c=ü.txt', eventName: 'ObjectCreated:Copy', eTag: 'abc' },
    ]);
    const [first, second] = event.Records;
    expect(first!.eventName).toBe('ObjectCreated:Put');
    expect(first!.eventSource).toBe('aws:s3');
    expect(first!.s3.bucket).toEqual({ name: 'uploads', ownerIdentity: { principalId: expect.any(String) }, arn: 'arn:aws:s3:::uploads' });
    expect(first!.s3.object.key).toBe('photos/red+flower+%281%29.jpg');
    expect(first!.s3.object.size).toBe(2048);
    expect(first!.s3.object.eTag).toMatch(/^[0-9a-f]{32}$/);
    expect(second!.s3.object.key).toBe('a%2Bb%26c%3D%C3%BC.txt');
    expect(second!.s3.object.eTag).toBe('abc');
    expect(second!.s3.object.size).toBe(1024);
    expect(second!.eventName).toBe('ObjectCreated:Copy');
    // The key decodes back as a handler would decode it.
    for (const [r, key] of [
      [first!, 'photos/red flower (1).jpg'],
      [second!, 'a+b&c=ü.txt'],
    ] as const) {
      expect(decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '))).toBe(key);
    }
    expect(BigInt(`0x${second!.s3.object.sequencer}`) > BigInt(`0x${first!.s3.object.sequencer}`)).toBe(true);
  });

  it('leaves size and eTag out of ObjectRemoved events, as S3 does', () => {
    const { object } = s3Event({ bucket: 'b', key: 'k', eventName: 'ObjectRemoved:Delete' }).Records[0]!.s3;
    expect(keys(object)).toEqual(['key', 'sequencer']);
  });

  it('applies overrides and names bad input', () => {
    const r = s3Event({ bucket: 'b', key: 'k' }, { record: { s3: { object: { key: 'raw%20key' } }, awsRegion: 'eu-north-1' } }).Records[0]!;
    expect(r.s3.object.key).toBe('raw%20key');
    expect(r.s3.object.size).toBe(1024);
    expect(r.awsRegion).toBe('eu-north-1');
    expect(() => s3Event([{ bucket: 'b', key: 'k' }, { bucket: 'b' } as never])).toThrow(
      's3Event: object at index 1: "key" must be a non-empty string, got undefined',
    );
    expect(() => s3Event({ bucket: 'b', key: 'k', size: -1 })).toThrow(/object at index 0: "size" must be a non-negative integer/);
    expect(s3EncodeKey("it's!")).toBe('it%27s%21');
  });
});

describe('eventBridgeEvent', () => {
  it('builds one event around the detail, with realistic defaults', () => {
    const now = Date.UTC(2024, 2, 3, 4, 5, 6, 789);
    const event = eventBridgeEvent({ orderId: 1 }, { now });
    expect(keys(event)).toEqual(['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version']);
    expect(event.version).toBe('0');
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.time).toBe('2024-03-03T04:05:06Z');
    expect(event.account).toBe('123456789012');
    expect(event.region).toBe('us-east-1');
    expect(event.resources).toEqual([]);
    expect(event.detail).toEqual({ orderId: 1 });
    expect(eventBridgeEvent({}).id).not.toBe(event.id);
  });

  it('takes any field from the second argument, deep-merged', () => {
    const event = eventBridgeEvent<{ id: number }, 'OrderPlaced'>(
      { id: 1 },
      { 'detail-type': 'OrderPlaced', source: 'com.example.orders', region: 'eu-west-1', account: '111122223333', resources: ['arn:x'], 'replay-name': 'r' },
    );
    expect(event['detail-type']).toBe('OrderPlaced');
    expect(event.source).toBe('com.example.orders');
    expect(event.region).toBe('eu-west-1');
    expect(event.account).toBe('111122223333');
    expect(event.resources).toEqual(['arn:x']);
    expect(event['replay-name']).toBe('r');
    expect(event.detail.id).toBe(1);
  });

  it('without detail, carries an empty object', () => {
    expect(eventBridgeEvent().detail).toEqual({});
  });

  it('names bad input', () => {
    expect(() => eventBridgeEvent({}, 'x' as never)).toThrow(/second argument must be an object of event fields/);
    expect(() => eventBridgeEvent({}, { account: 'abc' })).toThrow(/option "accountId" must be a 12-digit string, got "abc"/);
  });
});
