import type { KinesisStreamRecord } from 'aws-lambda';
import { AggregateError, deaggregate, isAggregated } from '../kpl.js';
import type { AnyRecord, BaseRecord, DecodeOptions, KinesisDataRecord, Source } from '../types.js';
import { type CloudWatchLogsFields, gunzip, isLogsBatch, logEventRecord, logEventsOf } from './cloudwatch-logs.js';
import { type Descriptor, type Entry, Item, NOT_JSON, type Obj, RecordProblem, base64Bytes, isGzip, isObject, readMessage, str, tryParse, utf8Text } from './common.js';

/** The Kinesis fields of a record that came through a stream. */
interface KinesisFields {
  sequenceNumber: string;
  partitionKey: string;
  shardId: string;
  eventId: string;
  approximateArrivalTimestamp: number;
  eventSourceArn: string;
}

/**
 * A log event of a CloudWatch Logs subscription whose destination is a Kinesis stream (gzip'd batch in the data):
 * `payload` is its message, `id` the Kinesis sequence number (what partial batch responses name).
 */
export interface CloudWatchLogsOverKinesisRecord<T> extends BaseRecord<T>, CloudWatchLogsFields, KinesisFields {
  source: 'cloudwatch-logs-over-kinesis';
  raw: KinesisStreamRecord;
}

declare module '../types.js' {
  interface RecordsBySource<T> {
    kinesis: KinesisDataRecord<T>;
    'cloudwatch-logs-over-kinesis': CloudWatchLogsOverKinesisRecord<T>;
  }
}

const kinesisFields = (r: Obj, k: Obj, id: string): KinesisFields => {
  const eventId = str(r.eventID) ?? '';
  return {
    sequenceNumber: id,
    partitionKey: str(k.partitionKey) ?? '',
    shardId: eventId.includes(':') ? eventId.slice(0, eventId.indexOf(':')) : '',
    eventId,
    approximateArrivalTimestamp: Number(k.approximateArrivalTimestamp),
    eventSourceArn: str(r.eventSourceARN) ?? '',
  };
};

/**
 * The payload (or log records) of one data blob: `bytes` as they are; else gunzipped when gzip (a CloudWatch Logs
 * batch becomes its log events), then strict UTF-8, then the payload format.
 */
const readData = (bytes: Buffer, what: string, o: DecodeOptions): { payload: unknown } | { logs: Obj } => {
  if (o.payload === 'bytes') return { payload: bytes };
  const wantLogs = o.source === 'auto' || o.source === 'cloudwatch-logs-over-kinesis';
  const source: Source = o.source === 'cloudwatch-logs-over-kinesis' ? o.source : 'kinesis';
  if (isGzip(bytes)) {
    const text = utf8Text(gunzip(bytes, what, source), `${what} (decompressed)`, source);
    if (wantLogs) {
      const value = tryParse(text);
      if (value !== NOT_JSON && isLogsBatch(value)) return { logs: value };
      if (o.source === 'cloudwatch-logs-over-kinesis') {
        throw new RecordProblem('shape', `${what} (decompressed) is not a CloudWatch Logs subscription batch`, source);
      }
      return { payload: readMessage(text, 'plain', `${what} (decompressed)`, o, source, o.payload === 'json' ? value : undefined) };
    }
    return { payload: readMessage(text, 'plain', `${what} (decompressed)`, o, source) };
  }
  if (o.source === 'cloudwatch-logs-over-kinesis') throw new RecordProblem('shape', `${what} is not gzip (a CloudWatch Logs subscription batch is)`, source);
  return { payload: readMessage(utf8Text(bytes, what, source), 'plain', what, o, source) };
};

const decode = (raw: unknown, index: number, o: DecodeOptions): Entry => {
  const r = raw as Obj;
  const k = r.kinesis;
  if (!isObject(k)) throw new RecordProblem('shape', 'the record has no kinesis object');
  const id = str(k.sequenceNumber);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no kinesis.sequenceNumber');
  const data = k.data;
  const fields = kinesisFields(r, k, id);
  const record = raw as KinesisStreamRecord;
  if (typeof data !== 'string') {
    // @middy/event-normalizer decodes and parses the data in place: that value is the payload.
    if (typeof data !== 'object' || data === null) throw new RecordProblem('shape', 'the record has no base64 kinesis.data');
    return { payload: data, id, index, source: 'kinesis', ...fields, raw: record };
  }
  const bytes = base64Bytes(data, 'kinesis.data', o.source === 'auto' ? 'kinesis' : o.source);
  if (isAggregated(bytes)) {
    let subRecords;
    try {
      subRecords = deaggregate(bytes);
    } catch (e) {
      if (!(e instanceof AggregateError)) throw e;
      throw new RecordProblem('parse', `kinesis.data is a KPL aggregate that cannot be read: ${e.message}`);
    }
    const records: AnyRecord[] = [];
    for (let i = 0; i < subRecords.length; i++) {
      const sub = subRecords[i]!;
      const read = readData(sub.data, `kinesis.data (KPL sub-record ${i})`, o);
      const subFields = { ...fields, partitionKey: sub.partitionKey };
      if ('logs' in read) records.push(...logRecords(read.logs, index, id, subFields, record, o));
      else {
        records.push({
          payload: read.payload,
          id,
          index,
          source: 'kinesis',
          ...subFields,
          subSequenceNumber: i,
          explicitHashKey: sub.explicitHashKey,
          raw: record,
        });
      }
    }
    return records.length === 1 ? records[0]! : new Item(index, id, o.source === 'auto' ? 'kinesis' : o.source, records, undefined);
  }
  const read = readData(bytes, 'kinesis.data', o);
  if ('logs' in read) {
    const records = logRecords(read.logs, index, id, fields, record, o);
    return records.length === 1 ? records[0]! : new Item(index, id, 'cloudwatch-logs-over-kinesis', records, undefined);
  }
  return { payload: read.payload, id, index, source: 'kinesis', ...fields, raw: record };
};

const logRecords = (batch: Obj, index: number, id: string, fields: KinesisFields, raw: KinesisStreamRecord, o: DecodeOptions): AnyRecord[] =>
  logEventsOf(batch).map((e, i) => ({
    ...logEventRecord(batch, e, i, o, 'cloudwatch-logs-over-kinesis'),
    id,
    index,
    source: 'cloudwatch-logs-over-kinesis',
    ...fields,
    raw,
  }));

export const kinesis = {
  kind: 'kinesis',
  label: 'Kinesis',
  article: 'a',
  sources: ['kinesis', 'cloudwatch-logs-over-kinesis'],
  eventSource: 'aws:kinesis',
  structured: false,
  partial: 'batchItemFailures',
  ordered: true,
  decode,
  idOf: (raw) => (isObject(raw) && isObject(raw.kinesis) ? str(raw.kinesis.sequenceNumber) : undefined),
} as const satisfies Descriptor;
