import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describeValue, isObject } from '@lambdaware/shared';
import { RecordsError, formatIssues, messageOf } from './errors.js';
import { type Carriage, type Ctx, type Entry, type EventSource, Item, type Kind, describeShape } from './source.js';
import { RecordProblem, problemOf } from './text.js';
import type { AnyRecord, FifoMode, RecordFailure } from './types.js';

/** Decoding a batch: what kind of event it is (among the sources of the entry point), each item read, then validated. */

export interface Batch {
  /** The kind of event (undefined for an empty `Records` list). */
  kind: EventSource | undefined;
  /** The raw items, in order (what `entries` were decoded from). */
  list: unknown[];
  entries: Entry[];
  /** Every entry is a good record (so `entries` is the list of records). */
  plain: boolean;
}

/** The sources an entry point bundles, and what is said of them in messages. */
export interface Registry {
  readonly events: readonly EventSource[];
  readonly kinds: readonly Kind[];
  /** How carriers hand messages to the kinds (carry.ts): given with the kinds. */
  readonly carry: Carriage | undefined;
  readonly byEventSource: ReadonlyMap<unknown, EventSource>;
  readonly withoutRecords: readonly EventSource[];
  /** `SQS, SNS, ... or Kafka`. */
  readonly inWords: string;
  /** The kinds of event whose payloads are messages (the `payload` option applies): `SQS, SNS, ... and Kafka`. */
  readonly messageKinds: string;
}

const listed = (labels: string[], and: string): string =>
  labels.length === 1 ? labels[0]! : `${labels.slice(0, -1).join(', ')} ${and} ${labels[labels.length - 1]}`;

export const registry = (events: readonly EventSource[], kinds: readonly Kind[] = [], carry?: Carriage): Registry => ({
  events,
  kinds,
  carry,
  byEventSource: new Map(events.filter((d) => d.eventSource !== undefined).map((d) => [d.eventSource, d])),
  withoutRecords: events.filter((d) => d.recognise !== undefined),
  inWords: listed(
    events.map((d) => d.label),
    'or',
  ),
  messageKinds: listed(
    events.filter((d) => !d.structured).map((d) => d.label),
    'and',
  ),
});

/** The event source a `source` option names (its last part: `sqs` for `s3-over-sns-over-sqs`). */
export const eventOf = (source: string, reg: Registry): EventSource | undefined => {
  const at = source.lastIndexOf('-over-');
  const name = at < 0 ? source : source.slice(at + 6);
  return reg.events.find((d) => d.name === name);
};

/** The options the decoding reads. */
export type BatchOptions = Ctx & { fifo: FifoMode };

const anEvent = (d: EventSource): string => `${d.article} ${d.label} event`;

/** What kind of event this is, and its items. Throws RecordsError for an event of unknown shape. */
const classify = (event: unknown, reg: Registry): { kind: EventSource | undefined; list: unknown[] } => {
  const unknownShape = (what: string): RecordsError =>
    new RecordsError(`the event is not ${reg.events[0]!.article} ${reg.inWords} event: ${what}`, 'unknown', [], 0);
  if (isObject(event)) {
    const list = event.Records;
    if (Array.isArray(list)) {
      if (list.length === 0) return { kind: undefined, list };
      const first: unknown = list[0];
      const eventSource = isObject(first) ? (first.eventSource ?? first.EventSource) : undefined;
      const kind = reg.byEventSource.get(eventSource);
      if (kind !== undefined) return { kind, list };
      throw unknownShape(
        eventSource === undefined
          ? `event.Records[0] is ${describeShape(first)}, with no eventSource`
          : `event.Records[0].eventSource is ${describeValue(eventSource)}`,
      );
    }
    for (const d of reg.withoutRecords) {
      const items = d.recognise!(event);
      if (items !== undefined) return { kind: d, list: items };
    }
  }
  throw unknownShape(`it is ${describeShape(event)}`);
};

/** Decodes every record of the event (no schema yet); a bad record becomes an item with a failure. */
export const decodeBatch = (event: unknown, o: Ctx, reg: Registry): Batch => {
  const { kind, list } = classify(event, reg);
  if (kind === undefined) return { kind, list, entries: [], plain: true };
  if (o.source !== 'auto' && eventOf(o.source, reg) !== kind) {
    throw new RecordsError(
      `option source '${o.source}' expects ${anEvent(eventOf(o.source, reg)!)}, but this is ${anEvent(kind)}`,
      kind.label,
      [],
      list.length,
    );
  }
  if (o.payload !== 'json' && kind.structured) {
    throw new RecordsError(
      `option payload '${o.payload}' applies to ${reg.messageKinds} messages, but this is ${anEvent(kind)}, whose payloads are structured (use payload: 'json')`,
      kind.label,
      [],
      list.length,
    );
  }
  const decode = kind.decode;
  const expectedEventSource = kind.eventSource;
  const fallbackSource = o.source === 'auto' ? kind.name : o.source;
  const entries: Entry[] = [];
  let plain = true;
  for (let index = 0; index < list.length; index++) {
    const raw = list[index];
    let entry: Entry;
    try {
      if (expectedEventSource !== undefined) {
        const eventSource = isObject(raw) ? (raw.eventSource ?? raw.EventSource) : undefined;
        if (eventSource !== expectedEventSource) {
          throw new RecordProblem(
            'shape',
            isObject(raw) ? `the record has eventSource ${describeValue(eventSource)} in ${anEvent(kind)}` : `the record is ${describeShape(raw)}`,
          );
        }
      }
      entry = decode(raw, index, o);
    } catch (caught) {
      const e = problemOf(caught);
      let id: string | undefined;
      try {
        id = kind.idOf(raw);
      } catch {
        id = undefined;
      }
      const source = e.source ?? fallbackSource;
      entry = new Item(index, id, source, [], { index, id, source, kind: e.kind, reason: e.reason });
    }
    if (entry instanceof Item) plain = false;
    entries.push(entry);
  }
  return { kind, list, entries, plain };
};

/** The position in its aggregate of a KPL sub-record (undefined for any other record). */
export const subRecordOf = (record: AnyRecord): number | undefined => (record as { subSequenceNumber?: number }).subSequenceNumber;

/**
 * Marks the record of entry `i` failed (the first failure of an item is the one kept). In a KPL aggregate only that
 * sub-record fails: its failure is the aggregate's, naming it, and the aggregate's other sub-records stay good.
 */
const fail = (batch: Batch, i: number, record: AnyRecord, failure: RecordFailure): void => {
  const entry = batch.entries[i]!;
  if (entry instanceof Item) {
    const sub = subRecordOf(record);
    if (entry.subFailures !== undefined && sub !== undefined) {
      entry.subFailures.push({ ...failure, subRecord: sub });
      entry.records = entry.records.filter((r) => subRecordOf(r) !== sub);
    } else entry.failure ??= failure;
  } else {
    batch.entries[i] = new Item(entry.index, entry.id, entry.source, [entry], failure);
    batch.plain = false;
  }
};

const schemaFailure = (record: AnyRecord, issues: readonly StandardSchemaV1.Issue[]): RecordFailure => ({
  index: record.index,
  id: record.id,
  source: record.source,
  kind: 'schema',
  reason: `the payload does not match the schema: ${formatIssues(issues)}`,
  issues,
});

const schemaThrew = (record: AnyRecord, error: unknown): RecordFailure => ({
  index: record.index,
  id: record.id,
  source: record.source,
  kind: 'schema',
  reason: `the schema threw ${messageOf(error)}`,
  cause: error,
});

type Validate = StandardSchemaV1['~standard']['validate'];
type Result = StandardSchemaV1.Result<unknown>;

const isThenable = (v: unknown): v is PromiseLike<Result> => typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

/**
 * Validates one record's payload (replacing it with the schema's output); a failure marks entry `i` failed.
 * Returns a promise only when the schema answered with one.
 */
const validateRecord = (batch: Batch, i: number, record: AnyRecord, validate: Validate): void | PromiseLike<void> => {
  let result: Result | PromiseLike<Result>;
  try {
    result = validate(record.payload);
  } catch (e) {
    fail(batch, i, record, schemaThrew(record, e));
    return;
  }
  if (isThenable(result)) {
    return result.then(
      (r) => settle(batch, i, record, r),
      (e: unknown) => fail(batch, i, record, schemaThrew(record, e)),
    );
  }
  settle(batch, i, record, result);
};

const settle = (batch: Batch, i: number, record: AnyRecord, result: Result): void => {
  if (result.issues) fail(batch, i, record, schemaFailure(record, result.issues));
  else record.payload = result.value;
};

/** Validates every decoded payload with the schema (in place); returns a promise only when a validation is async. */
const validateBatch = (batch: Batch, schema: StandardSchemaV1): void | Promise<void> => {
  const validate = schema['~standard'].validate;
  const { entries } = batch;
  let pending: PromiseLike<void>[] | undefined;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const records = entry instanceof Item ? (entry.failure === undefined ? [...entry.records] : []) : [entry!];
    for (const record of records) {
      const done = validateRecord(batch, i, record, validate);
      if (done !== undefined) (pending ??= []).push(done);
    }
  }
  if (pending !== undefined) return Promise.all(pending).then(() => undefined);
};

/** Decodes and validates the event: its entries, each a good record or an Item. A promise only for an async schema. */
export const readBatch = (event: unknown, o: Ctx, reg: Registry): Batch | Promise<Batch> => {
  const batch = decodeBatch(event, o, reg);
  if (o.schema === undefined) return batch;
  const done = validateBatch(batch, o.schema);
  return done === undefined ? batch : done.then(() => batch);
};

/** In index order, a KPL aggregate's sub-records in theirs. */
export const byPosition = (a: RecordFailure, b: RecordFailure): number => a.index - b.index || (a.subRecord ?? -1) - (b.subRecord ?? -1);

/** The good records of the batch (`entries` itself when every entry is one) and the failures, in index order. */
export const collect = (batch: Batch): { records: AnyRecord[]; failures: RecordFailure[] } => {
  if (batch.plain) return { records: batch.entries as AnyRecord[], failures: [] };
  const records: AnyRecord[] = [];
  const failures: RecordFailure[] = [];
  for (const entry of batch.entries) {
    if (!(entry instanceof Item)) records.push(entry);
    else if (entry.failure !== undefined) failures.push(entry.failure);
    else {
      for (const r of entry.records) records.push(r);
      if (entry.subFailures !== undefined) failures.push(...[...entry.subFailures].sort(byPosition));
    }
  }
  return { records, failures };
};

export const eventLabel = (batch: Batch): string => (batch.kind === undefined ? 'empty' : batch.kind.label);
