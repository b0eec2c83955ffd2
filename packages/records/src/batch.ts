import type { Context } from 'aws-lambda';
import { getLogSink } from '@lambdaware/shared';
import { type Batch, type DecodeOptions, type Entry, Item, collect, eventLabel, readBatch } from './decode.js';
import { RecordsError, describeRecord, formatPath, messageOf } from './errors.js';
import { firehoseData } from './sources/firehose.js';
import type { ItemIdentifier } from './sources/index.js';
import type { AnyRecord, BatchResponse, FirehoseTransformationResponse, RecordFailure } from './types.js';

/**
 * Partial batch mode (`eachRecord`): the records run one at a time, in a pool, in order per FIFO group or Kafka
 * partition, and the answer is the source's (`{ batchItemFailures }`, a Firehose transformation) or RecordsError.
 */

export type EachRecord = (record: AnyRecord, context: Context) => unknown;

/** What eachRecord returned per item index (kept only where the answer needs it: Firehose). */
type Results = Map<number, unknown> | undefined;

/** Runs the function on the entry's records; a throw becomes its failure. */
const runEntry = async (entry: Entry, each: EachRecord, context: Context, results?: Results): Promise<RecordFailure | undefined> => {
  if (!(entry instanceof Item)) return runRecord(entry, each, context, results);
  if (entry.failure !== undefined) return entry.failure;
  for (const record of entry.records) {
    const failure = await runRecord(record, each, context, results);
    if (failure !== undefined) return failure;
  }
  return undefined;
};

const runRecord = async (record: AnyRecord, each: EachRecord, context: Context, results: Results): Promise<RecordFailure | undefined> => {
  try {
    const result = await each(record, context);
    results?.set(record.index, result);
  } catch (error) {
    return { index: record.index, id: record.id, source: record.source, kind: 'handler', reason: `eachRecord threw ${messageOf(error)}`, cause: error };
  }
  return undefined;
};

/** FIFO: in order, and after the first failure nothing more is processed (reported failed, to keep the order). */
const runFifo = async (entries: Entry[], each: EachRecord, context: Context): Promise<RecordFailure[]> => {
  const failures: RecordFailure[] = [];
  let firstFailed: RecordFailure | undefined;
  for (const entry of entries) {
    if (firstFailed !== undefined) {
      failures.push(
        (entry instanceof Item ? entry.failure : undefined) ?? {
          index: entry.index,
          id: entry.id,
          source: entry.source,
          kind: 'skipped',
          reason: `not processed: ${describeRecord(firstFailed)} failed before it in this FIFO queue`,
        },
      );
      continue;
    }
    const failure = await runEntry(entry, each, context);
    if (failure !== undefined) failures.push((firstFailed = failure));
  }
  return failures;
};

/** At most `concurrency` records at once (1: in order). */
const runPool = async (entries: Entry[], each: EachRecord, context: Context, concurrency: number, results?: Results): Promise<RecordFailure[]> => {
  const failures: RecordFailure[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const failure = await runEntry(entries[next++]!, each, context, results);
      if (failure !== undefined) failures.push(failure);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  return failures.sort((a, b) => a.index - b.index);
};

/** In order within each group (a Kafka partition); at most `concurrency` groups at once. */
const runGroups = async (batch: Batch, each: EachRecord, context: Context, concurrency: number): Promise<RecordFailure[]> => {
  const groupOf = batch.kind!.groupOf!;
  const groups = new Map<string, Entry[]>();
  for (let i = 0; i < batch.entries.length; i++) {
    const key = groupOf(batch.list[i]);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [batch.entries[i]!]);
    else group.push(batch.entries[i]!);
  }
  const lists = [...groups.values()];
  const failures: RecordFailure[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < lists.length) {
      failures.push(...(await runPool(lists[next++]!, each, context, 1)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, lists.length) }, worker));
  return failures.sort((a, b) => a.index - b.index);
};

const logFailure = (f: RecordFailure): void => {
  const fields: Record<string, unknown> = { index: f.index, id: f.id, source: f.source, kind: f.kind, reason: f.reason };
  // Issues as path and message only: libraries put the whole input on them (valibot), which has no place in a log.
  if (f.issues !== undefined) fields.issues = f.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  if (f.cause !== undefined) fields.error = f.cause;
  getLogSink().log(f.kind === 'handler' ? 'error' : 'warn', `records: ${describeRecord(f)} failed: ${f.reason}`, fields);
};

/** The value a Firehose transformation answers a record with: what eachRecord returned, else the record's data. */
const firehoseOutput = (value: unknown, original: string): string => {
  if (value === undefined) return original;
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('base64');
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return Buffer.from(JSON.stringify(value) ?? '', 'utf8').toString('base64');
};

/** Return this from eachRecord to drop a Firehose record (`result: 'Dropped'`). */
export const DROP: unique symbol = Symbol.for('lambdaware.records.drop');

const firehoseResponse = (batch: Batch, failures: RecordFailure[], results: Map<number, unknown>): FirehoseTransformationResponse => {
  const failed = new Set(failures.map((f) => f.index));
  return {
    records: batch.entries.map((entry, i) => {
      const recordId = entry.id ?? '';
      const data = firehoseData(batch.list[i]) ?? '';
      if (failed.has(i)) return { recordId, result: 'ProcessingFailed' as const, data };
      const value = results.get(i);
      if (value === DROP) return { recordId, result: 'Dropped' as const, data };
      return { recordId, result: 'Ok' as const, data: firehoseOutput(value, data) };
    }),
  };
};

/** Partial batch mode: runs `each` per record, logs every failure and answers the event's source. */
export const runBatch = async (
  event: unknown,
  context: Context,
  o: DecodeOptions & { concurrency: number },
  each: EachRecord,
): Promise<{ response: BatchResponse | FirehoseTransformationResponse; records: AnyRecord[] }> => {
  const batch = await readBatch(event, o);
  const kind = batch.kind;
  const results: Results = kind?.partial === 'firehose' ? new Map() : undefined;
  const failures = batch.fifo
    ? await runFifo(batch.entries, each, context)
    : kind?.groupOf !== undefined
      ? await runGroups(batch, each, context, o.concurrency)
      : await runPool(batch.entries, each, context, kind?.ordered ? 1 : o.concurrency, results);
  for (const f of failures) logFailure(f);
  const total = batch.entries.length;
  const partial = kind?.partial ?? 'batchItemFailures';
  if (failures.length > 0) {
    const reportable = partial !== 'none' && failures.length < total && failures.every((f) => f.id !== undefined);
    if (!reportable) throw RecordsError.forFailures(eventLabel(batch), failures, total);
  }
  if (partial === 'firehose') return { response: firehoseResponse(batch, failures, results!), records: collect(batch).records };
  const seen = new Set<string>();
  const batchItemFailures: { itemIdentifier: ItemIdentifier }[] = [];
  for (const f of failures) {
    if (seen.has(f.id!)) continue;
    seen.add(f.id!);
    batchItemFailures.push({ itemIdentifier: kind?.itemIdentifier?.(batch.list[f.index], f.id!) ?? f.id! });
  }
  return { response: { batchItemFailures }, records: collect(batch).records };
};

