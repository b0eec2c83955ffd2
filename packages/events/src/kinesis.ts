import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import {
  type CommonOptions,
  type Payload,
  type RecordOverride,
  applyOverride,
  common,
  digits,
  payloadBytes,
  stringOption,
  toList,
  DEFAULT_PAYLOAD,
  uuid,
  optionError,
} from './util.js';
import { describeValue } from '@lambdaware/shared';

export interface KinesisOptions extends CommonOptions {
  /** Stream name in `eventSourceARN` (default `test-stream`). */
  streamName?: string;
  /** Shard id in `eventID` (default `shardId-000000000000`). */
  shardId?: string;
  /** Partition key: one for every record, or a function of the index (default: a new uuid per record). */
  partitionKey?: string | ((index: number) => string);
  /** Field overrides for each record: an object deep-merged into it, or a function `(record, index) => record`. */
  record?: RecordOverride<KinesisStreamRecord>;
}

// Kinesis sequence numbers are 56-digit decimals that grow within a shard; this process is one shard.
let sequence = BigInt(`49${digits(54)}`);

function nextSequenceNumber(): string {
  sequence += 1_000_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
  return sequence.toString();
}

/**
 * A Kinesis Data Streams event with one record per payload: `data` is the base64 of the payload's bytes
 * (bytes as they are, strings as UTF-8, anything else as JSON); sequence numbers increase.
 *
 * @example kinesisEvent([{ id: 1 }, Buffer.from([0xde, 0xad])], { partitionKey: 'tenant-1' })
 */
export function kinesisEvent(payloads?: Payload | readonly Payload[], options?: KinesisOptions): KinesisStreamEvent {
  const builder = 'kinesisEvent';
  const { region, accountId, nowMs } = common(builder, options);
  const streamName = stringOption(builder, 'streamName', options?.streamName, 'test-stream');
  const shardId = stringOption(builder, 'shardId', options?.shardId, 'shardId-000000000000');
  const partitionKeyOption = options?.partitionKey;
  if (partitionKeyOption !== undefined && typeof partitionKeyOption !== 'function') {
    stringOption(builder, 'partitionKey', partitionKeyOption, '');
  }
  const partitionKeyOf = (index: number): string => {
    if (partitionKeyOption === undefined) return uuid();
    if (typeof partitionKeyOption === 'string') return partitionKeyOption;
    const key = partitionKeyOption(index);
    if (typeof key !== 'string' || key === '') {
      throw optionError(builder, 'partitionKey', { problem: `returned ${describeValue(key)} for index ${index}; it must return a non-empty string` });
    }
    return key;
  };
  const records = toList(payloads, DEFAULT_PAYLOAD as Payload).map((payload, index): KinesisStreamRecord => {
    const data = payloadBytes(builder, payload, index).toString('base64');
    const sequenceNumber = nextSequenceNumber();
    const record: KinesisStreamRecord = {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: partitionKeyOf(index),
        sequenceNumber,
        data,
        approximateArrivalTimestamp: (nowMs - 200 + index) / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shardId}:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::${accountId}:role/lambda-kinesis-role`,
      awsRegion: region,
      eventSourceARN: `arn:aws:kinesis:${region}:${accountId}:stream/${streamName}`,
    };
    const result = applyOverride(builder, record, index, options?.record);
    // eventID follows an overridden sequence number, unless it was overridden too.
    const overridden = result.kinesis?.sequenceNumber;
    if (overridden !== sequenceNumber && result.eventID === record.eventID && typeof overridden === 'string') {
      result.eventID = `${shardId}:${overridden}`;
    }
    return result;
  });
  return { Records: records };
}
