import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { EventBuildError, md5OfMessageAttributes, sqsEvent } from '@lambdaware/events';
import { keys, sample } from './samples.js';

const md5 = (text: string | Uint8Array) => createHash('md5').update(text).digest('hex');

describe('sqsEvent', () => {
  it('has the keys of the real sample event, at every level', () => {
    const real = sample('sqs-event.json').Records[0];
    const record = sqsEvent({ a: 1 }, { messageAttributes: { Attribute1: 'AttributeValue1' } }).Records[0]!;
    expect(keys(record)).toEqual(keys(real));
    expect(keys(record.attributes)).toEqual(keys(real.attributes));
    expect(keys(record.messageAttributes.Attribute1!)).toEqual(keys(real.messageAttributes.Attribute1));
    expect(record.messageAttributes.Attribute1).toEqual(real.messageAttributes.Attribute1);
  });

  it('JSON-encodes objects, keeps strings, decodes bytes as UTF-8, one record per array item', () => {
    const event = sqsEvent([{ id: 1, name: 'é' }, 'plain text', '{"raw":true}', 42, null, Buffer.from('bytes ✓'), [1, 2]]);
    expect(event.Records.map((r) => r.body)).toEqual(['{"id":1,"name":"é"}', 'plain text', '{"raw":true}', '42', 'null', 'bytes ✓', '[1,2]']);
    expect(sqsEvent('one').Records).toHaveLength(1);
    expect(sqsEvent([]).Records).toEqual([]);
  });

  it('md5OfBody is the MD5 of the UTF-8 body', () => {
    const event = sqsEvent(['Test message.', 'ünïcödé ✓ 😀', { deep: { list: [1, 'two'] } }]);
    for (const record of event.Records) expect(record.md5OfBody).toBe(md5(Buffer.from(record.body, 'utf8')));
    // The pair of the AWS Lambda developer guide's SQS example event.
    expect(event.Records[0]!.md5OfBody).toBe('e4e68fb7bd0e697a0ae8f1bb342846b3');
  });

  it('md5OfMessageAttributes follows the SQS algorithm (published test vectors), null without attributes', () => {
    expect(md5OfMessageAttributes({ SellerName: { dataType: 'String', stringValue: 'Example Store' } })).toBe('cd28f3b68aeee4b2eac9c66f2f694b58');
    expect(
      md5OfMessageAttributes({
        ordinal: { dataType: 'Number', stringValue: '1' },
        category: { dataType: 'String', stringValue: 'test' },
      }),
    ).toBe('d21ae90c49061e927f57df5f5d72be1f');
    const withAttributes = sqsEvent('x', { messageAttributes: { ordinal: 1, category: 'test' } }).Records[0]!;
    expect(withAttributes.md5OfMessageAttributes).toBe('d21ae90c49061e927f57df5f5d72be1f');
    expect(sqsEvent('x').Records[0]!.md5OfMessageAttributes).toBeNull();
  });

  it('converts attribute shorthands: string, number, bigint, bytes, full attribute', () => {
    const { messageAttributes } = sqsEvent('x', {
      messageAttributes: {
        s: 'v',
        n: 1.5,
        big: 2n ** 64n,
        bin: new Uint8Array([1, 2, 3]),
        full: { dataType: 'String.custom', stringValue: 'c' },
      },
    }).Records[0]!;
    expect(messageAttributes.s).toMatchObject({ dataType: 'String', stringValue: 'v' });
    expect(messageAttributes.n).toMatchObject({ dataType: 'Number', stringValue: '1.5' });
    expect(messageAttributes.big).toMatchObject({ dataType: 'Number', stringValue: '18446744073709551616' });
    expect(messageAttributes.bin).toMatchObject({ dataType: 'Binary', binaryValue: 'AQID' });
    expect(messageAttributes.full).toEqual({ dataType: 'String.custom', stringValue: 'c', stringListValues: [], binaryListValues: [] });
  });

  it('gives unique message ids and receipt handles, within and across calls', () => {
    const records = [...sqsEvent(Array.from({ length: 50 }, (_, i) => i)).Records, ...sqsEvent([1, 2]).Records];
    expect(new Set(records.map((r) => r.messageId)).size).toBe(52);
    expect(new Set(records.map((r) => r.receiptHandle)).size).toBe(52);
    for (const r of records) expect(r.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('has realistic attributes and the queue ARN from options', () => {
    const now = Date.UTC(2024, 4, 1, 12);
    const r = sqsEvent('x', { queueName: 'orders', region: 'eu-west-1', accountId: '111122223333', now, receiveCount: 3 }).Records[0]!;
    expect(r.eventSourceARN).toBe('arn:aws:sqs:eu-west-1:111122223333:orders');
    expect(r.awsRegion).toBe('eu-west-1');
    expect(r.eventSource).toBe('aws:sqs');
    expect(r.attributes.ApproximateReceiveCount).toBe('3');
    expect(Number(r.attributes.SentTimestamp)).toBeLessThanOrEqual(now);
    expect(Number(r.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThan(Number(r.attributes.SentTimestamp));
    expect(r.attributes.MessageGroupId).toBeUndefined();
    expect(r.attributes.SequenceNumber).toBeUndefined();
  });

  describe('FIFO', () => {
    it('names a .fifo queue and adds MessageGroupId, MessageDeduplicationId and increasing SequenceNumbers', () => {
      const event = sqsEvent([{ n: 1 }, { n: 2 }, { n: 3 }], { fifo: true, messageGroupId: 'orders', queueName: 'q' });
      const sequences = event.Records.map((r) => BigInt(r.attributes.SequenceNumber!));
      for (const r of event.Records) {
        expect(r.eventSourceARN).toMatch(/:q\.fifo$/);
        expect(r.attributes.MessageGroupId).toBe('orders');
        expect(r.attributes.MessageDeduplicationId).toBe(createHash('sha256').update(r.body).digest('hex'));
        expect(r.attributes.SequenceNumber).toMatch(/^\d{20}$/);
      }
      expect(sequences[0]! < sequences[1]! && sequences[1]! < sequences[2]!).toBe(true);
      const later = BigInt(sqsEvent('x', { fifo: true }).Records[0]!.attributes.SequenceNumber!);
      expect(later > sequences[2]!).toBe(true);
    });

    it('treats a .fifo queue name as FIFO, with a default group', () => {
      const r = sqsEvent('x', { queueName: 'jobs.fifo' }).Records[0]!;
      expect(r.attributes.MessageGroupId).toBe('default');
      expect(r.eventSourceARN.endsWith(':jobs.fifo')).toBe(true);
      expect(sqsEvent('x', { fifo: true }).Records[0]!.eventSourceARN.endsWith(':test-queue.fifo')).toBe(true);
    });

    it('rejects a .fifo name with fifo: false', () => {
      expect(() => sqsEvent('x', { queueName: 'a.fifo', fifo: false })).toThrow(/option "queueName" "a\.fifo" names a FIFO queue but option "fifo" is false/);
    });
  });

  describe('overrides', () => {
    it('deep-merges an object into every record, removing keys set to undefined', () => {
      const event = sqsEvent([1, 2], {
        record: { attributes: { ApproximateReceiveCount: '5', AWSTraceHeader: 'Root=1-abc' }, awsRegion: 'ap-south-1', md5OfMessageAttributes: undefined },
      });
      for (const r of event.Records) {
        expect(r.attributes.ApproximateReceiveCount).toBe('5');
        expect(r.attributes.AWSTraceHeader).toBe('Root=1-abc');
        expect(r.attributes.SenderId).toBeDefined();
        expect(r.awsRegion).toBe('ap-south-1');
        expect('md5OfMessageAttributes' in r).toBe(false);
      }
    });

    it('runs a function (record, index) => record on every record', () => {
      const event = sqsEvent(['a', 'b'], { record: (r, i) => ({ ...r, messageId: `id-${i}` }) });
      expect(event.Records.map((r) => r.messageId)).toEqual(['id-0', 'id-1']);
    });

    it('recomputes md5OfBody and md5OfMessageAttributes when body or attributes are overridden, not when the md5 is', () => {
      const changed = sqsEvent('a', { record: { body: 'b', messageAttributes: { category: { dataType: 'String', stringValue: 'test' } } } }).Records[0]!;
      expect(changed.md5OfBody).toBe(md5('b'));
      expect(changed.md5OfMessageAttributes).toBe(md5OfMessageAttributes(changed.messageAttributes));
      const viaFunction = sqsEvent('a', { record: (r) => ({ ...r, body: 'c' }) }).Records[0]!;
      expect(viaFunction.md5OfBody).toBe(md5('c'));
      const wrong = sqsEvent('a', { record: { body: 'b', md5OfBody: 'bad' } }).Records[0]!;
      expect(wrong.md5OfBody).toBe('bad');
    });

    it('rejects an override that is neither object nor function, and a function returning no record', () => {
      expect(() => sqsEvent('a', { record: 'x' as never })).toThrow(/option "record" must be an object to deep-merge/);
      expect(() => sqsEvent(['a', 'b'], { record: (r, i) => (i === 1 ? (undefined as never) : r) })).toThrow(
        'sqsEvent(): option "record" function returned undefined for the record at index 1; it must return the record',
      );
    });
  });

  describe('bad input', () => {
    it('names the payload index when a payload has no JSON form', () => {
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      expect(() => sqsEvent(['ok', circular])).toThrow(EventBuildError);
      expect(() => sqsEvent(['ok', circular])).toThrow(/sqsEvent: payload at index 1 cannot be JSON-encoded/);
      expect(() => sqsEvent(['ok', 'ok', undefined])).toThrow('sqsEvent: payload at index 2 is undefined, which has no JSON form');
      expect(() => sqsEvent({ n: 1n })).toThrow(/payload at index 0 cannot be JSON-encoded: .*BigInt/);
      expect(() => sqsEvent(Buffer.from([0xff, 0xfe]))).toThrow(/payload at index 0 is bytes that are not valid UTF-8/);
    });

    it('names the option that is wrong', () => {
      expect(() => sqsEvent('x', { receiveCount: 0 })).toThrow('sqsEvent(): option "receiveCount" must be an integer >= 1, got 0');
      expect(() => sqsEvent('x', { queueName: '' })).toThrow(/option "queueName" must be a non-empty string/);
      expect(() => sqsEvent('x', { accountId: '12' })).toThrow(/option "accountId" must be a 12-digit string/);
      expect(() => sqsEvent('x', { fifo: 'yes' as never })).toThrow(/option "fifo" must be true or false/);
      expect(() => sqsEvent('x', { messageAttributes: { a: {} as never } })).toThrow(/message attribute "a" must be/);
      expect(() => sqsEvent('x', { now: Number.NaN })).toThrow(/option "now" must be a valid Date/);
    });
  });
});
