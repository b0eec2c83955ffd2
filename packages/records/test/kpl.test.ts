// KPL-aggregated Kinesis records: records() de-aggregates them with its own small decoder (src/kpl.ts says why not
// the aws-kinesis-agg package). This checks that decoder against awslabs' aws-kinesis-agg in both directions: data
// aggregated by aws-kinesis-agg is de-aggregated by records(), and data built by @lambdaware/events' kplAggregate is
// de-aggregated by aws-kinesis-agg to the same user records.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import { kinesisEvent, kplAggregate, lambdaContext } from '@lambdaware/events';
import { decapsulate, processBatch } from '@lambdaware/records';
import { captureSink, rejection } from './helpers.js';

const agg = createRequire(import.meta.url)('aws-kinesis-agg') as {
  aggregate: (
    records: unknown[],
    handler: (encoded: { partitionKey: string; data: Buffer }, done: (err?: Error) => void) => void,
    after: () => void,
    onError: (e: Error) => void,
  ) => void;
  deaggregateSync: (
    record: { data: string; sequenceNumber?: string; partitionKey?: string },
    checksums: boolean,
    done: (err: Error | null, records?: { partitionKey: string; explicitPartitionKey?: string; data: string; subSequenceNumber: number }[]) => void,
  ) => void;
};

/** The aggregated records aws-kinesis-agg produces for these user records. */
const aggregateWithLibrary = (records: { partitionKey: string; data: string; explicitHashKey?: string }[]): Promise<Buffer[]> =>
  new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    agg.aggregate(
      records,
      (encoded, done) => {
        out.push(encoded.data);
        done();
      },
      () => resolve(out),
      reject,
    );
  });

let sink: ReturnType<typeof captureSink> | undefined;
afterEach(() => sink?.restore());

describe('KPL aggregates are de-aggregated: each user record its own record', () => {
  test('data aggregated by aws-kinesis-agg (a partition key table, an explicit hash key, UTF-8 JSON data)', async () => {
    const users = [
      { partitionKey: 'tenant-1', data: JSON.stringify({ n: 1 }) },
      { partitionKey: 'tenant-2', data: JSON.stringify({ n: 2 }), explicitHashKey: '170141183460469231731687303715884105728' },
      { partitionKey: 'tenant-1', data: JSON.stringify({ n: 3, text: 'héllo' }) },
    ];
    const [data] = await aggregateWithLibrary(users);
    const event = kinesisEvent([data, { plain: true }]);
    const list = await decapsulate(event, { source: 'kinesis' });
    const seq = event.Records[0]!.kinesis.sequenceNumber;
    expect(list.map((r) => [r.id, r.index, r.subSequenceNumber, r.partitionKey, r.explicitHashKey, r.payload])).toEqual([
      [seq, 0, 0, 'tenant-1', undefined, { n: 1 }],
      [seq, 0, 1, 'tenant-2', '170141183460469231731687303715884105728', { n: 2 }],
      [seq, 0, 2, 'tenant-1', undefined, { n: 3, text: 'héllo' }],
      [event.Records[1]!.kinesis.sequenceNumber, 1, undefined, event.Records[1]!.kinesis.partitionKey, undefined, { plain: true }],
    ]);
  });

  test("kplAggregate's data is read back by aws-kinesis-agg to the same user records", () => {
    const data = kplAggregate([{ a: 1 }, 'two', Buffer.from([0, 255])], { partitionKey: (i) => `pk-${i % 2}` });
    let users: { partitionKey: string; data: string }[] = [];
    agg.deaggregateSync({ data: data.toString('base64'), sequenceNumber: '1' }, true, (err, records) => {
      if (err) throw err;
      users = records!;
    });
    expect(users.map((u) => [u.partitionKey, Buffer.from(u.data, 'base64').toString('hex')])).toEqual([
      ['pk-0', Buffer.from('{"a":1}').toString('hex')],
      ['pk-1', Buffer.from('two').toString('hex')],
      ['pk-0', '00ff'],
    ]);
  });

  test("payload: 'bytes' gives each sub-record's bytes; a bad sub-record fails alone, its aggregate reported once by sequence number", async () => {
    const bytes = await decapsulate(kinesisEvent(kplAggregate([Buffer.from([1, 2]), Buffer.from([3])])), { payload: 'bytes' });
    expect(bytes.map((r) => [...(r.payload as Buffer)])).toEqual([[1, 2], [3]]);

    sink = captureSink();
    const event = kinesisEvent([kplAggregate([{ n: 1 }, { n: 'bad' }, { n: 3 }]), kplAggregate([{ n: 4 }])]);
    const seen: number[] = [];
    const response = await processBatch(event, lambdaContext(), {
      schema: z.object({ n: z.number() }),
      eachRecord: (r) => void seen.push(r.payload.n),
    });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }] });
    // issue 20: the aggregate's good sub-records are processed (they were not: [4])
    expect(seen).toEqual([1, 3, 4]);
  });

  test('magic bytes with a checksum that does not match: an ordinary record (as the KCL does); a malformed aggregate: named', async () => {
    const data = kplAggregate([{ n: 1 }]);
    const tampered = Buffer.from(data);
    tampered[tampered.length - 1] ^= 0xff;
    const [plain] = await decapsulate(kinesisEvent(tampered), { payload: 'bytes' });
    expect(Buffer.compare(plain!.payload as Buffer, tampered)).toBe(0);

    // a record pointing at partition key 5 of a table of 1, with a correct checksum
    const message = Buffer.from([0x0a, 0x01, 0x6b, 0x1a, 0x05, 0x08, 0x05, 0x1a, 0x01, 0x78]);
    const bad = Buffer.concat([Buffer.from([0xf3, 0x89, 0x9a, 0xc2]), message, createHash('md5').update(message).digest()]);
    const event = kinesisEvent([bad, { ok: 1 }]);
    const error = await rejection(decapsulate(event));
    expect(error.failures).toEqual([
      expect.objectContaining({
        index: 0,
        id: event.Records[0]!.kinesis.sequenceNumber,
        reason: 'kinesis.data is a KPL aggregate that cannot be read: sub-record 0 has partition key index 5 of a table of 1',
      }),
    ]);
  });
});
