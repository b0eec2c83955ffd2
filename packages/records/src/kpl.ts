// De-aggregation of Kinesis Producer Library (KPL) aggregated records.
//
// Why a small decoder here and not the `aws-kinesis-agg` package (awslabs/kinesis-aggregation): that package pins
// protobufjs 7.2.4 (with a postinstall script), async 2.x and agentkeepalive as runtime dependencies, its type
// declarations import the AWS SDK v2 (`aws-sdk`), which a Node 22 Lambda does not have, and its API is callback based.
// The format is small and stable: 4 magic bytes, one protobuf message of three field kinds, an MD5 of it. The test
// (test/kpl.test.ts) checks this decoder against aws-kinesis-agg's own aggregator and de-aggregator.
//
//   data = F3 89 9A C2 | AggregatedRecord (protobuf) | MD5(AggregatedRecord) (16 bytes)
//   message AggregatedRecord { repeated string partition_key_table = 1; repeated string explicit_hash_key_table = 2;
//                              repeated Record records = 3; }
//   message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
//                    required bytes data = 3; repeated Tag tags = 4; }
import { createHash } from 'node:crypto';
import { nameErrorClass } from '@lambdaware/shared';

const MAGIC = [0xf3, 0x89, 0x9a, 0xc2];
const DIGEST = 16;

export interface UserRecord {
  partitionKey: string;
  explicitHashKey: string | undefined;
  data: Buffer;
}

/** Thrown for data that carries the KPL magic bytes and a good checksum but is not a well-formed aggregate. */
export class KplAggregateError extends Error {}
nameErrorClass(KplAggregateError, 'KplAggregateError');

/**
 * True when the data is a KPL aggregate: the magic bytes, and an MD5 that matches (like the KCL, data whose checksum
 * does not match is an ordinary record).
 */
export const isAggregated = (data: Uint8Array): boolean => {
  if (data.length < MAGIC.length + DIGEST) return false;
  for (let i = 0; i < MAGIC.length; i++) if (data[i] !== MAGIC[i]) return false;
  const message = data.subarray(MAGIC.length, data.length - DIGEST);
  const digest = createHash('md5').update(message).digest();
  return digest.equals(data.subarray(data.length - DIGEST));
};

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw new KplAggregateError('a varint runs past the end of the data');
      const b = this.buf[this.pos++]!;
      if (shift < 53) result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new KplAggregateError('a varint is longer than 10 bytes');
    }
  }

  bytes(): Uint8Array {
    const length = this.varint();
    if (this.pos + length > this.buf.length) throw new KplAggregateError(`a field of ${length} bytes runs past the end of the data`);
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.advance(8);
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.advance(4);
    else throw new KplAggregateError(`unsupported protobuf wire type ${wireType}`);
  }

  private advance(n: number): void {
    if (this.pos + n > this.buf.length) throw new KplAggregateError('a field runs past the end of the data');
    this.pos += n;
  }
}

const text = new TextDecoder('utf-8', { fatal: true });

const string = (r: Reader, what: string): string => {
  try {
    return text.decode(r.bytes());
  } catch (e) {
    if (e instanceof KplAggregateError) throw e;
    throw new KplAggregateError(`${what} is not UTF-8`);
  }
};

interface RawRecord {
  partitionKeyIndex: number | undefined;
  explicitHashKeyIndex: number | undefined;
  data: Uint8Array | undefined;
}

const readRecord = (buf: Uint8Array): RawRecord => {
  const r = new Reader(buf);
  const out: RawRecord = { partitionKeyIndex: undefined, explicitHashKeyIndex: undefined, data: undefined };
  while (!r.done) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 1 && wireType === 0) out.partitionKeyIndex = r.varint();
    else if (field === 2 && wireType === 0) out.explicitHashKeyIndex = r.varint();
    else if (field === 3 && wireType === 2) out.data = r.bytes();
    else r.skip(wireType); // tags (4) and anything newer
  }
  return out;
};

/** The user records of an aggregate (call isAggregated first). Throws KplAggregateError for a malformed one. */
export const deaggregate = (data: Uint8Array): UserRecord[] => {
  const r = new Reader(data.subarray(MAGIC.length, data.length - DIGEST));
  const partitionKeys: string[] = [];
  const hashKeys: string[] = [];
  const raws: RawRecord[] = [];
  while (!r.done) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 1 && wireType === 2) partitionKeys.push(string(r, 'a partition key'));
    else if (field === 2 && wireType === 2) hashKeys.push(string(r, 'an explicit hash key'));
    else if (field === 3 && wireType === 2) raws.push(readRecord(r.bytes()));
    else r.skip(wireType);
  }
  return raws.map((raw, i) => {
    if (raw.data === undefined) throw new KplAggregateError(`sub-record ${i} has no data`);
    const partitionKey = raw.partitionKeyIndex === undefined ? undefined : partitionKeys[raw.partitionKeyIndex];
    if (partitionKey === undefined) {
      throw new KplAggregateError(`sub-record ${i} has partition key index ${raw.partitionKeyIndex ?? 'none'} of a table of ${partitionKeys.length}`);
    }
    let explicitHashKey: string | undefined;
    if (raw.explicitHashKeyIndex !== undefined) {
      explicitHashKey = hashKeys[raw.explicitHashKeyIndex];
      if (explicitHashKey === undefined) {
        throw new KplAggregateError(`sub-record ${i} has explicit hash key index ${raw.explicitHashKeyIndex} of a table of ${hashKeys.length}`);
      }
    }
    return { partitionKey, explicitHashKey, data: Buffer.from(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength) };
  });
};
