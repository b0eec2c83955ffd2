import { createHash } from 'node:crypto';
import { type Payload, payloadBytes, toList, DEFAULT_PAYLOAD, uuid, optionError } from './util.js';
import { describeValue } from '@lambdaware/shared';

export interface KplOptions {
  /** Partition key of every user record, or a function of the index (default: one new uuid for the aggregate). */
  partitionKey?: string | ((index: number) => string);
}

const MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);

const varint = (n: number): Buffer => {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
};

/** A length-delimited protobuf field. */
const field = (number: number, bytes: Buffer): Buffer => Buffer.concat([varint(number * 8 + 2), varint(bytes.length), bytes]);
const uintField = (number: number, value: number): Buffer => Buffer.concat([varint(number * 8), varint(value)]);

/**
 * The data of one Kinesis record aggregating the payloads as the Kinesis Producer Library (KPL) does: magic bytes,
 * a protobuf `AggregatedRecord` (partition key table and one record per payload), its MD5. Pass it to
 * `kinesisEvent` as a payload.
 *
 * @example kinesisEvent(kplAggregate([{ id: 1 }, { id: 2 }], { partitionKey: 'tenant-1' }))
 */
export function kplAggregate(payloads?: Payload | readonly Payload[], options?: KplOptions): Buffer {
  const builder = 'kplAggregate';
  const list = toList(payloads, DEFAULT_PAYLOAD as Payload);
  const fixed = typeof options?.partitionKey === 'function' ? undefined : (options?.partitionKey ?? uuid());
  const keys: string[] = [];
  const records: Buffer[] = [];
  list.forEach((payload, index) => {
    const key = fixed ?? (options!.partitionKey as (index: number) => string)(index);
    if (typeof key !== 'string' || key === '') {
      throw optionError(builder, 'partitionKey', { problem: `gave ${describeValue(key)} for index ${index}; it must be a non-empty string` });
    }
    let keyIndex = keys.indexOf(key);
    if (keyIndex < 0) keyIndex = keys.push(key) - 1;
    records.push(field(3, Buffer.concat([uintField(1, keyIndex), field(3, payloadBytes(builder, payload, index))])));
  });
  const message = Buffer.concat([...keys.map((k) => field(1, Buffer.from(k, 'utf8'))), ...records]);
  return Buffer.concat([MAGIC, message, createHash('md5').update(message).digest()]);
}
