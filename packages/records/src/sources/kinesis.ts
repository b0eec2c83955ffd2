import type { KinesisStreamRecord } from 'aws-lambda';
import { isObject } from '@lambdaware/shared';
import { itemFailures } from '../batch.js';
import { KplAggregateError, deaggregate, isAggregated } from '../kpl.js';
import { type Ctx, type Entry, type EventSource, FieldsVia, Item, type Obj, payloadOf, str } from '../source.js';
import { RecordProblem, base64Bytes, dataText, problemOf } from '../text.js';
import type { AnyRecord, BaseRecord, RecordFailure } from '../types.js';

/**
 * Kinesis Data Streams: the event source, and a carrier (gzip data is unzipped: a CloudWatch Logs subscription batch
 * becomes its log events). KPL aggregates are de-aggregated: each user record is its own record, and a bad one fails
 * alone (issue 20: the aggregate is reported, its good sub-records are still processed; README, "KPL aggregates").
 */

/** The Kinesis fields of a record that came through a stream. */
export interface KinesisFields {
  sequenceNumber: string;
  partitionKey: string;
  shardId: string;
  eventId: string;
  approximateArrivalTimestamp: number;
  eventSourceArn: string;
  /** For a sub-record of a KPL aggregate: its position in the aggregate (all share the aggregate's sequence number). */
  subSequenceNumber?: number;
  /** For a sub-record of a KPL aggregate: its explicit hash key, when the producer set one. */
  explicitHashKey?: string | undefined;
}

/** A Kinesis record (or a sub-record of a KPL aggregate): `payload` is its decoded data. */
export interface KinesisDataRecord<T> extends BaseRecord<T>, KinesisFields {
  source: 'kinesis';
  raw: KinesisStreamRecord;
}

declare module '../types.js' {
  interface EventRecords<T> {
    kinesis: KinesisDataRecord<T>;
  }
  interface CarrierFields {
    kinesis: KinesisFields;
  }
  interface CarrierRaw {
    kinesis: KinesisStreamRecord;
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

/** One data blob: its bytes as they are (`payload: 'bytes'`), else its text (unzipped when gzip) to what it carries. */
/** The data itself is the payload: a Kinesis record. */
const plain = (payload: unknown, via: FieldsVia<KinesisFields>): AnyRecord =>
  ({ payload, id: via.id, index: via.index, source: 'kinesis', ...via.carrierFields, raw: via.raw }) as KinesisDataRecord<unknown>;

const readData = (bytes: Buffer, what: string, via: FieldsVia<KinesisFields>, o: Ctx): Entry => {
  if (o.payload === 'bytes') return plain(bytes, via);
  const data = dataText(bytes, what, o.source === 'auto' ? 'kinesis' : o.source);
  const m = { text: data.text, what: data.what };
  return o.carry === undefined ? plain(payloadOf(m, o, 'kinesis'), via) : o.carry.message(m, via, o, plain);
};

/**
 * The user records of a KPL aggregate: every sub-record is read on its own; one that cannot be (not JSON...) is a
 * failure of the aggregate naming its sub-record index, and the others stay good.
 */
const aggregate = (bytes: Buffer, via: FieldsVia<KinesisFields>, o: Ctx): Entry => {
  let subs;
  try {
    subs = deaggregate(bytes);
  } catch (e) {
    if (!(e instanceof KplAggregateError)) throw e;
    throw new RecordProblem('parse', `kinesis.data is a KPL aggregate that cannot be read: ${e.message}`);
  }
  const records: AnyRecord[] = [];
  const failures: RecordFailure[] = [];
  for (let i = 0; i < subs.length; i++) {
    const sub = subs[i]!;
    const subFields: KinesisFields = { ...via.carrierFields, partitionKey: sub.partitionKey, subSequenceNumber: i, explicitHashKey: sub.explicitHashKey };
    try {
      const entry = readData(sub.data, `kinesis.data (KPL sub-record ${i})`, new FieldsVia('kinesis', via.id, via.index, via.raw, subFields), o);
      if (entry instanceof Item) records.push(...entry.records);
      else records.push(entry);
    } catch (caught) {
      const p = problemOf(caught);
      failures.push({ index: via.index, id: via.id, subRecord: i, source: p.source ?? 'kinesis', kind: p.kind, reason: p.reason });
    }
  }
  return new Item(via.index, via.id, o.source === 'auto' ? 'kinesis' : o.source, records, undefined, failures);
};

const decode = (raw: unknown, index: number, o: Ctx): Entry => {
  const r = raw as Obj;
  const k = r.kinesis;
  if (!isObject(k)) throw new RecordProblem('shape', 'the record has no kinesis object');
  const id = str(k.sequenceNumber);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no kinesis.sequenceNumber');
  const data = k.data;
  const fields = kinesisFields(r, k, id);
  if (typeof data !== 'string') {
    // @middy/event-normalizer decodes and parses the data in place: that value is the payload.
    if (typeof data !== 'object' || data === null) throw new RecordProblem('shape', 'the record has no base64 kinesis.data');
    return { payload: data, id, index, source: 'kinesis', ...fields, raw: raw as KinesisStreamRecord };
  }
  const bytes = base64Bytes(data, 'kinesis.data', o.source === 'auto' ? 'kinesis' : o.source);
  const via = new FieldsVia('kinesis', id, index, raw, fields);
  return isAggregated(bytes) ? aggregate(bytes, via, o) : readData(bytes, 'kinesis.data', via, o);
};

export const kinesis = {
  name: 'kinesis',
  label: 'Kinesis',
  article: 'a',
  eventSource: 'aws:kinesis',
  structured: false,
  carrier: true,
  ordered: true,
  decode,
  idOf: (raw) => (isObject(raw) && isObject(raw.kinesis) ? str(raw.kinesis.sequenceNumber) : undefined),
  answer: itemFailures,
} as const satisfies EventSource;
