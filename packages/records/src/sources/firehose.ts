import type { FirehoseTransformationEventRecord } from 'aws-lambda';
import { isObject } from '@lambdaware/shared';
import { type Answer, DROP, failWhole } from '../batch.js';
import { type Ctx, type Entry, type EventSource, FieldsVia, Item, type Obj, payloadOf, str } from '../source.js';
import { RecordProblem, base64Bytes, dataText } from '../text.js';
import type { BaseRecord, FirehoseTransformationResponse } from '../types.js';

/**
 * Kinesis Data Firehose data transformation: the event source, a carrier (gzip data is unzipped: a CloudWatch Logs
 * subscription batch becomes its log events, `cloudwatch-logs-over-firehose`), and its own answer in partial batch
 * mode: `{ records: [{ recordId, result, data }] }`, one per record of the event.
 */

/** The Firehose fields of a record of a data transformation. */
export interface FirehoseFields {
  recordId: string;
  approximateArrivalTimestamp: number;
  invocationId: string;
  deliveryStreamArn: string;
  region: string;
  /** The source stream, when the delivery stream reads from Kinesis Data Streams. */
  sourceKinesisStreamArn: string | undefined;
  /** Kinesis metadata (shardId, partitionKey, sequenceNumber...), when the source is a Kinesis stream. */
  kinesisRecordMetadata: FirehoseTransformationEventRecord['kinesisRecordMetadata'];
}

/**
 * A record of a Kinesis Data Firehose data transformation: `payload` is its decoded data (gunzipped when gzip). In
 * partial batch mode the answer is Firehose's `{ records: [{ recordId, result, data }] }`.
 */
export interface FirehoseRecord<T> extends BaseRecord<T>, FirehoseFields {
  source: 'firehose';
  raw: FirehoseTransformationEventRecord;
}

declare module '../types.js' {
  interface EventRecords<T> {
    firehose: FirehoseRecord<T>;
  }
  interface CarrierFields {
    firehose: FirehoseFields;
  }
  interface CarrierRaw {
    firehose: FirehoseTransformationEventRecord;
  }
}

/** A record of the event, with the event's own fields. */
class FirehoseItem {
  constructor(
    readonly event: Obj,
    readonly record: unknown,
  ) {}
}

const decode = (raw: unknown, index: number, o: Ctx): Entry => {
  const { event, record } = raw as FirehoseItem;
  if (!isObject(record)) throw new RecordProblem('shape', 'the record is not an object');
  const id = str(record.recordId);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no recordId');
  const fields: FirehoseFields = {
    recordId: id,
    approximateArrivalTimestamp: Number(record.approximateArrivalTimestamp),
    invocationId: str(event.invocationId) ?? '',
    deliveryStreamArn: str(event.deliveryStreamArn) ?? '',
    region: str(event.region) ?? '',
    sourceKinesisStreamArn: str(event.sourceKinesisStreamArn),
    kinesisRecordMetadata: isObject(record.kinesisRecordMetadata)
      ? (record.kinesisRecordMetadata as unknown as FirehoseFields['kinesisRecordMetadata'])
      : undefined,
  };
  const via = new FieldsVia('firehose', id, index, record, fields);
  const data = record.data;
  if (typeof data !== 'string') {
    // @middy/event-normalizer decodes and parses the data in place: that value is the payload.
    if (typeof data !== 'object' || data === null) throw new RecordProblem('shape', 'the record has no base64 data');
    return plain(data, via);
  }
  const bytes = base64Bytes(data, 'data', 'firehose');
  if (o.payload === 'bytes') return plain(bytes, via);
  const text = dataText(bytes, 'data', o.source === 'auto' ? 'firehose' : o.source);
  const m = { text: text.text, what: text.what };
  return o.carry === undefined ? plain(payloadOf(m, o, 'firehose'), via) : o.carry.message(m, via, o, plain);
};

/** The data itself is the payload: a Firehose record. */
const plain = (payload: unknown, via: FieldsVia<FirehoseFields>): Entry =>
  ({ payload, id: via.id, index: via.index, source: 'firehose', ...via.carrierFields, raw: via.raw }) as FirehoseRecord<unknown>;

/** The original data of a Firehose item (what a failed or unchanged record is answered with). */
const dataOf = (raw: unknown): string => (raw instanceof FirehoseItem && isObject(raw.record) ? (str(raw.record.data) ?? '') : '');

/** The bytes of what eachRecord returned: a string as UTF-8, bytes as they are, anything else as JSON. */
const bytesOf = (value: unknown): Buffer => {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return Buffer.from(JSON.stringify(value) ?? '', 'utf8');
};

/**
 * One answer per record of the event: `ProcessingFailed` (original data) when it failed; `Dropped` when eachRecord
 * returned DROP for each of its records (or it carried none: a CloudWatch Logs CONTROL_MESSAGE); else `Ok` with what
 * eachRecord returned (for a record carrying several, the log events of a batch, what it returned for each, joined),
 * or the original data when it returned nothing.
 */
const firehoseAnswer: Answer = (batch, failures, results) => {
  failWhole(batch, failures);
  const failed = new Set(failures.map((f) => f.index));
  const response: FirehoseTransformationResponse = {
    records: batch.entries.map((entry, i) => {
      const recordId = entry.id ?? '';
      const data = dataOf(batch.list[i]);
      if (failed.has(i)) return { recordId, result: 'ProcessingFailed' as const, data };
      const values = results!.get(i) ?? [];
      const kept = values.filter((v) => v !== DROP);
      if (kept.length === 0 && (values.length > 0 || (entry instanceof Item && entry.records.length === 0)))
        return { recordId, result: 'Dropped' as const, data };
      const given = kept.filter((v) => v !== undefined);
      if (given.length === 0) return { recordId, result: 'Ok' as const, data };
      return { recordId, result: 'Ok' as const, data: Buffer.concat(given.map(bytesOf)).toString('base64') };
    }),
  };
  return response;
};
firehoseAnswer.keepsResults = true;

export const firehose = {
  name: 'firehose',
  label: 'Kinesis Firehose',
  article: 'a',
  recognise: (event) =>
    Array.isArray(event.records) && typeof event.deliveryStreamArn === 'string' && typeof event.invocationId === 'string'
      ? event.records.map((r: unknown) => new FirehoseItem(event, r))
      : undefined,
  structured: false,
  carrier: true,
  ordered: false,
  decode,
  idOf: (raw) => (raw instanceof FirehoseItem && isObject(raw.record) ? str(raw.record.recordId) : undefined),
  answer: firehoseAnswer,
} as const satisfies EventSource;
