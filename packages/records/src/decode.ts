import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describeValue } from '@lambdaware/shared';
import { RecordsError, formatIssues, messageOf } from './errors.js';
import { RecordProblem, describeShape, isObject } from './sources/common.js';
import {
  DESCRIPTORS,
  DESCRIPTOR_OF_EVENT_SOURCE,
  DESCRIPTOR_OF_SOURCE,
  type Descriptor,
  type Entry,
  Item,
  WITHOUT_RECORDS,
} from './sources/index.js';
import type { AnyRecord, DecodeOptions, RecordFailure, Source } from './types.js';

export { Item, type Entry, type DecodeOptions };

export interface Batch {
  /** The kind of event (undefined for an empty `Records` list). */
  kind: Descriptor | undefined;
  /** The raw items, in order (what `entries` were decoded from). */
  list: unknown[];
  /** A FIFO queue: partial batch mode stops at the first failure. */
  fifo: boolean;
  entries: Entry[];
  /** Every entry is a good record (so `entries` is the list of records). */
  plain: boolean;
}

const anEvent = (d: Descriptor): string => `${d.article} ${d.label} event`;

const KINDS_IN_WORDS = ((labels: string[]) => `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}`)(
  DESCRIPTORS.map((d) => d.label),
);

/** The kinds of event whose payloads are messages (the `payload` option applies): `SQS, SNS, ... and Kafka`. */
export const MESSAGE_KINDS = ((labels: string[]) => `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`)(
  DESCRIPTORS.filter((d) => !d.structured).map((d) => d.label),
);

const unknownShape = (what: string): RecordsError =>
  new RecordsError(`the event is not ${DESCRIPTORS[0].article} ${KINDS_IN_WORDS} event: ${what}`, 'unknown', [], 0);

/** What kind of event this is, and its items. Throws RecordsError for an event of unknown shape. */
const classify = (event: unknown): { kind: Descriptor | undefined; list: unknown[] } => {
  if (isObject(event)) {
    const list = event.Records;
    if (Array.isArray(list)) {
      if (list.length === 0) return { kind: undefined, list };
      const first: unknown = list[0];
      const eventSource = isObject(first) ? (first.eventSource ?? first.EventSource) : undefined;
      const kind = DESCRIPTOR_OF_EVENT_SOURCE.get(eventSource);
      if (kind !== undefined) return { kind, list };
      throw unknownShape(
        eventSource === undefined
          ? `event.Records[0] is ${describeShape(first)}, with no eventSource`
          : `event.Records[0].eventSource is ${describeValue(eventSource)}`,
      );
    }
    for (const d of WITHOUT_RECORDS) {
      const items = d.recognise!(event);
      if (items !== undefined) return { kind: d, list: items };
    }
  }
  throw unknownShape(`it is ${describeShape(event)}`);
};

/** What an unexpected error thrown while decoding a record says (e.g. a RangeError on absurdly nested input). */
const unexpected = (e: unknown): RecordProblem =>
  new RecordProblem('shape', `the record could not be decoded: ${messageOf(e).slice(0, 300)}`);

/** Decodes every record of the event (no schema yet); a bad record becomes an item with a failure. */
export const decodeBatch = (event: unknown, o: DecodeOptions): Batch => {
  const { kind, list } = classify(event);
  if (kind === undefined) return { kind, list, fifo: false, entries: [], plain: true };
  if (o.source !== 'auto' && DESCRIPTOR_OF_SOURCE.get(o.source) !== kind) {
    throw new RecordsError(
      `option source '${o.source}' expects ${anEvent(DESCRIPTOR_OF_SOURCE.get(o.source)!)}, but this is ${anEvent(kind)}`,
      kind.label,
      [],
      list.length,
    );
  }
  if (o.payload !== 'json' && kind.structured) {
    throw new RecordsError(
      `option payload '${o.payload}' applies to ${MESSAGE_KINDS} messages, but this is ${anEvent(kind)}, whose payloads are structured (use payload: 'json')`,
      kind.label,
      [],
      list.length,
    );
  }
  const decode = kind.decode;
  const expectedEventSource = kind.eventSource;
  const fallbackSource: Source = o.source === 'auto' ? (kind.sources[0] as Source) : o.source;
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
      const e = caught instanceof RecordProblem ? caught : unexpected(caught);
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
  const fifo = kind.stopsAtFirstFailure?.(list) ?? false;
  return { kind, list, fifo, entries, plain };
};

/** Marks the entry failed (the first failure of an item is the one kept). */
const fail = (batch: Batch, i: number, failure: RecordFailure): void => {
  const entry = batch.entries[i];
  if (entry instanceof Item) entry.failure ??= failure;
  else {
    batch.entries[i] = new Item(entry.index, entry.id, entry.source, [entry], failure);
    batch.plain = false;
  }
};

const schemaFailure = (entry: Entry, issues: readonly StandardSchemaV1.Issue[]): RecordFailure => ({
  index: entry.index,
  id: entry.id,
  source: entry.source,
  kind: 'schema',
  reason: `the payload does not match the schema: ${formatIssues(issues)}`,
  issues,
});

const schemaThrew = (entry: Entry, error: unknown): RecordFailure => ({
  index: entry.index,
  id: entry.id,
  source: entry.source,
  kind: 'schema',
  reason: `the schema threw ${messageOf(error)}`,
  cause: error,
});

type Validate = StandardSchemaV1['~standard']['validate'];
type Result = StandardSchemaV1.Result<unknown>;

const isThenable = (v: unknown): v is PromiseLike<Result> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

/**
 * Validates one record's payload (replacing it with the schema's output); a failure marks entry `i` failed.
 * Returns a promise only when the schema answered with one.
 */
const validateRecord = (batch: Batch, i: number, record: AnyRecord, validate: Validate): void | PromiseLike<void> => {
  let result: Result | PromiseLike<Result>;
  try {
    result = validate(record.payload);
  } catch (e) {
    fail(batch, i, schemaThrew(record, e));
    return;
  }
  if (isThenable(result)) {
    return result.then(
      (r) => settle(batch, i, record, r),
      (e: unknown) => fail(batch, i, schemaThrew(record, e)),
    );
  }
  settle(batch, i, record, result);
};

const settle = (batch: Batch, i: number, record: AnyRecord, result: Result): void => {
  if (result.issues) fail(batch, i, schemaFailure(record, result.issues));
  else record.payload = result.value;
};

/** Validates every decoded payload with the schema (in place); returns a promise only when a validation is async. */
export const validateBatch = (batch: Batch, schema: StandardSchemaV1): void | Promise<void> => {
  const validate = schema['~standard'].validate;
  const { entries } = batch;
  let pending: PromiseLike<void>[] | undefined;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry instanceof Item) {
      if (entry.failure !== undefined) continue;
      for (const record of entry.records) {
        const done = validateRecord(batch, i, record, validate);
        if (done !== undefined) (pending ??= []).push(done);
      }
    } else {
      const done = validateRecord(batch, i, entry, validate);
      if (done !== undefined) (pending ??= []).push(done);
    }
  }
  if (pending !== undefined) return Promise.all(pending).then(() => undefined);
};

/** Decodes and validates the event: its entries, each a good record or an Item. A promise only for an async schema. */
export const readBatch = (event: unknown, o: DecodeOptions): Batch | Promise<Batch> => {
  const batch = decodeBatch(event, o);
  if (o.schema === undefined) return batch;
  const done = validateBatch(batch, o.schema);
  return done === undefined ? batch : done.then(() => batch);
};

/** The good records of the batch (`entries` itself when every entry is one) and the failures, in index order. */
export const collect = (batch: Batch): { records: AnyRecord[]; failures: RecordFailure[] } => {
  if (batch.plain) return { records: batch.entries as AnyRecord[], failures: [] };
  const records: AnyRecord[] = [];
  const failures: RecordFailure[] = [];
  for (const entry of batch.entries) {
    if (!(entry instanceof Item)) records.push(entry);
    else if (entry.failure !== undefined) failures.push(entry.failure);
    else for (const r of entry.records) records.push(r);
  }
  return { records, failures };
};

export const eventLabel = (batch: Batch): string => (batch.kind === undefined ? 'empty' : batch.kind.label);
