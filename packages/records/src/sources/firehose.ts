import type { FirehoseTransformationEventRecord } from 'aws-lambda';
import type { BaseRecord, DecodeOptions } from '../types.js';
import { gunzip } from './cloudwatch-logs.js';
import { type Descriptor, type Entry, type Obj, RecordProblem, base64Bytes, isGzip, isObject, readMessage, str, utf8Text } from './common.js';

/**
 * A record of a Kinesis Data Firehose data transformation: `payload` is its decoded data (gunzipped when gzip, e.g. a
 * CloudWatch Logs batch). In partial batch mode the answer is Firehose's `{ records: [{ recordId, result, data }] }`.
 */
export interface FirehoseRecord<T> extends BaseRecord<T> {
  source: 'firehose';
  recordId: string;
  approximateArrivalTimestamp: number;
  invocationId: string;
  deliveryStreamArn: string;
  region: string;
  /** The source stream, when the delivery stream reads from Kinesis Data Streams. */
  sourceKinesisStreamArn: string | undefined;
  /** Kinesis metadata (shardId, partitionKey, sequenceNumber...), when the source is a Kinesis stream. */
  kinesisRecordMetadata: FirehoseTransformationEventRecord['kinesisRecordMetadata'];
  raw: FirehoseTransformationEventRecord;
}

declare module '../types.js' {
  interface RecordsBySource<T> {
    firehose: FirehoseRecord<T>;
  }
}

/** A record of the event, with the event's own fields. */
class FirehoseItem {
  constructor(
    readonly event: Obj,
    readonly record: unknown,
  ) {}
}

const decode = (raw: unknown, index: number, o: DecodeOptions): Entry => {
  const { event, record } = raw as FirehoseItem;
  if (!isObject(record)) throw new RecordProblem('shape', 'the record is not an object');
  const id = str(record.recordId);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no recordId');
  const data = record.data;
  let payload: unknown;
  if (typeof data !== 'string') {
    // @middy/event-normalizer decodes and parses the data in place: that value is the payload.
    if (typeof data !== 'object' || data === null) throw new RecordProblem('shape', 'the record has no base64 data');
    payload = data;
  } else {
    let bytes = base64Bytes(data, 'data', 'firehose');
    if (o.payload === 'bytes') payload = bytes;
    else {
      let what = 'data';
      if (isGzip(bytes)) {
        bytes = gunzip(bytes, what, 'firehose');
        what = 'data (decompressed)';
      }
      payload = readMessage(utf8Text(bytes, what, 'firehose'), 'plain', what, o, 'firehose');
    }
  }
  return {
    payload,
    id,
    index,
    source: 'firehose',
    recordId: id,
    approximateArrivalTimestamp: Number(record.approximateArrivalTimestamp),
    invocationId: str(event.invocationId) ?? '',
    deliveryStreamArn: str(event.deliveryStreamArn) ?? '',
    region: str(event.region) ?? '',
    sourceKinesisStreamArn: str(event.sourceKinesisStreamArn),
    kinesisRecordMetadata: isObject(record.kinesisRecordMetadata)
      ? (record.kinesisRecordMetadata as unknown as FirehoseTransformationEventRecord['kinesisRecordMetadata'])
      : undefined,
    raw: record as unknown as FirehoseTransformationEventRecord,
  };
};

export const firehose = {
  kind: 'firehose',
  label: 'Kinesis Firehose',
  article: 'a',
  sources: ['firehose'],
  recognise: (event) =>
    Array.isArray(event.records) && typeof event.deliveryStreamArn === 'string' && typeof event.invocationId === 'string'
      ? event.records.map((r: unknown) => new FirehoseItem(event, r))
      : undefined,
  structured: false,
  partial: 'firehose',
  ordered: false,
  decode,
  idOf: (raw) => (raw instanceof FirehoseItem && isObject(raw.record) ? str(raw.record.recordId) : undefined),
} as const satisfies Descriptor;

/** The original data of a Firehose item (what a failed or unchanged record is answered with). */
export const firehoseData = (raw: unknown): string | undefined =>
  raw instanceof FirehoseItem && isObject(raw.record) ? str(raw.record.data) : undefined;
