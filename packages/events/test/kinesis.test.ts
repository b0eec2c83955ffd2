import { describe, expect, it } from '@jest/globals';
import { kinesisEvent } from '@lambdaware/events';
import { keys, sample } from './samples.js';

describe('kinesisEvent', () => {
  it('has the keys of the real sample event', () => {
    const real = sample('kinesis-event.json').Records[0];
    const record = kinesisEvent('Hello World').Records[0]!;
    expect(keys(record)).toEqual(keys(real));
    expect(keys(record.kinesis)).toEqual(keys(real.kinesis));
    expect(record.kinesis.data).toBe(real.kinesis.data);
  });

  it('base64-encodes JSON for objects, UTF-8 for strings, and bytes as they are', () => {
    const bytes = new Uint8Array([0, 0xff, 0x80, 0x7f]);
    const event = kinesisEvent([{ id: 1 }, 'héllo', bytes, Buffer.from([1, 2]), bytes.buffer]);
    const decoded = event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64'));
    expect(decoded[0]!.toString()).toBe('{"id":1}');
    expect(decoded[1]!.toString('utf8')).toBe('héllo');
    expect([...decoded[2]!]).toEqual([0, 0xff, 0x80, 0x7f]);
    expect([...decoded[3]!]).toEqual([1, 2]);
    expect([...decoded[4]!]).toEqual([0, 0xff, 0x80, 0x7f]);
  });

  it('keeps only the bytes of a view into a larger buffer', () => {
    const big = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const view = big.subarray(2, 5);
    expect([...Buffer.from(kinesisEvent(view).Records[0]!.kinesis.data, 'base64')]).toEqual([1, 2, 3]);
  });

  it('gives 56-digit sequence numbers that increase within and across calls, and matching event ids', () => {
    const records = [...kinesisEvent([1, 2, 3, 4]).Records, ...kinesisEvent([5]).Records];
    const sequences = records.map((r) => r.kinesis.sequenceNumber);
    for (const [i, r] of records.entries()) {
      expect(r.kinesis.sequenceNumber).toMatch(/^\d{56}$/);
      expect(r.eventID).toBe(`shardId-000000000000:${r.kinesis.sequenceNumber}`);
      if (i > 0) expect(BigInt(sequences[i]!) > BigInt(sequences[i - 1]!)).toBe(true);
    }
  });

  it('has realistic metadata from options', () => {
    const now = Date.UTC(2024, 0, 1);
    const event = kinesisEvent(['a', 'b'], { streamName: 'clicks', region: 'eu-west-1', shardId: 'shardId-000000000003', partitionKey: 'user-1', now });
    const [a, b] = event.Records;
    expect(a!.eventSourceARN).toBe('arn:aws:kinesis:eu-west-1:123456789012:stream/clicks');
    expect(a!.eventID.startsWith('shardId-000000000003:')).toBe(true);
    expect(a!.kinesis.partitionKey).toBe('user-1');
    expect(a!.eventName).toBe('aws:kinesis:record');
    expect(a!.eventSource).toBe('aws:kinesis');
    expect(a!.invokeIdentityArn).toMatch(/^arn:aws:iam::123456789012:role\//);
    expect(a!.kinesis.approximateArrivalTimestamp).toBeLessThan(now / 1000);
    expect(b!.kinesis.approximateArrivalTimestamp).toBeGreaterThan(a!.kinesis.approximateArrivalTimestamp);
    // Seconds with milliseconds, like the real event.
    expect(a!.kinesis.approximateArrivalTimestamp).toBeGreaterThan(1e9);
  });

  it('takes a partition key function, and a new uuid per record by default', () => {
    expect(kinesisEvent([1, 2], { partitionKey: (i) => `k${i}` }).Records.map((r) => r.kinesis.partitionKey)).toEqual(['k0', 'k1']);
    const [a, b] = kinesisEvent([1, 2]).Records;
    expect(a!.kinesis.partitionKey).not.toBe(b!.kinesis.partitionKey);
    expect(() => kinesisEvent([1, 2], { partitionKey: (i) => (i ? '' : 'k') })).toThrow(
      'kinesisEvent(): option "partitionKey" returned "" for index 1; it must return a non-empty string',
    );
  });

  it('applies overrides, keeping eventID in step with an overridden sequence number', () => {
    const r = kinesisEvent('a', { record: { kinesis: { sequenceNumber: '123' }, awsRegion: 'x-1' } }).Records[0]!;
    expect(r.eventID).toBe('shardId-000000000000:123');
    expect(r.awsRegion).toBe('x-1');
    expect(r.kinesis.data).toBe(Buffer.from('a').toString('base64'));
  });
});
