import type { Context } from 'aws-lambda';
import { getLogSink } from '@lambdaware/shared';
import { type Batch, type BatchOptions, type Registry, byPosition, collect, eventLabel, readBatch, subRecordOf } from './decode.js';
import { RecordsError, describeRecord, formatPath, messageOf } from './errors.js';
import { type Entry, Item } from './source.js';
import type { AnyRecord, BatchResponse, FirehoseTransformationResponse, ItemIdentifier, RecordFailure } from './types.js';

/**
 * Partial batch mode (`eachRecord`): the records run in a pool, or in order (streams), or in order within groups (a
 * Kafka partition, an SQS FIFO message group); the answer is the event source's own (`answer`).
 */

export type EachRecord = (record: AnyRecord, context: Context) => unknown;

/** What eachRecord returned for each record of an item (kept only where the answer needs it: Firehose). */
export type Results = Map<number, unknown[]>;

/** How an event source answers a batch in partial batch mode (throws RecordsError when it cannot answer in part). */
export interface Answer {
  (batch: Batch, failures: RecordFailure[], results: Results | undefined): BatchResponse | FirehoseTransformationResponse;
  /** It needs what eachRecord returned (Firehose answers with it). */
  keepsResults?: boolean;
}

/** Return this from eachRecord to drop a Firehose record (`result: 'Dropped'`). */
export const DROP: unique symbol = Symbol.for('lambdaware.records.drop');

const runRecord = async (record: AnyRecord, each: EachRecord, context: Context, results: Results | undefined): Promise<RecordFailure | undefined> => {
  try {
    const result = await each(record, context);
    if (results !== undefined) {
      const list = results.get(record.index);
      if (list === undefined) results.set(record.index, [result]);
      else list.push(result);
    }
  } catch (error) {
    const failure: RecordFailure = {
      index: record.index,
      id: record.id,
      source: record.source,
      kind: 'handler',
      reason: `eachRecord threw ${messageOf(error)}`,
      cause: error,
    };
    const sub = subRecordOf(record);
    if (sub !== undefined) failure.subRecord = sub;
    return failure;
  }
  return undefined;
};

const skipped = (entry: Entry, before: RecordFailure, where: string, subRecord?: number): RecordFailure => {
  const f: RecordFailure = {
    index: entry.index,
    id: entry.id,
    source: entry.source,
    kind: 'skipped',
    reason: `not processed: ${describeRecord(before)} failed before it in this ${where}`,
  };
  if (subRecord !== undefined) f.subRecord = subRecord;
  return f;
};

/**
 * Runs the function on the entry's records; returns the entry's failures (none: it succeeded). An item that failed to
 * decode is not run. A KPL aggregate runs every good sub-record; when eachRecord throws, the aggregate's later
 * sub-records are not run (Lambda redelivers the aggregate whole: they would run twice), reported `skipped`.
 */
const runEntry = async (entry: Entry, each: EachRecord, context: Context, results: Results | undefined): Promise<RecordFailure[]> => {
  if (!(entry instanceof Item)) {
    const failure = await runRecord(entry, each, context, results);
    return failure === undefined ? [] : [failure];
  }
  if (entry.failure !== undefined) return [entry.failure];
  const failures = entry.subFailures === undefined ? [] : [...entry.subFailures];
  const { records } = entry;
  for (let n = 0; n < records.length; n++) {
    const failure = await runRecord(records[n]!, each, context, results);
    if (failure === undefined) continue;
    failures.push(failure);
    if (entry.subFailures !== undefined) {
      const done = new Set([subRecordOf(records[n]!), ...failures.map((f) => f.subRecord)]);
      for (const r of records.slice(n + 1)) {
        const sub = subRecordOf(r);
        if (!done.has(sub)) failures.push(skipped(entry, failure, 'KPL aggregate', sub));
        done.add(sub);
      }
    }
    break;
  }
  return failures;
};

/** At most `concurrency` workers, each taking the next task. */
const pool = async (tasks: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks) }, worker));
};

/** In order within each group, at most `concurrency` groups at once; `stops`: a failure stops the rest of its group. */
const runGroups = async (
  batch: Batch,
  groupOf: (raw: unknown) => string,
  stops: boolean,
  run: (entry: Entry) => Promise<RecordFailure[]>,
  concurrency: number,
): Promise<RecordFailure[]> => {
  const groups = new Map<string, Entry[]>();
  batch.entries.forEach((entry, i) => {
    const key = groupOf(batch.list[i]);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [entry]);
    else group.push(entry);
  });
  const lists = [...groups.values()];
  const failures: RecordFailure[] = [];
  await pool(lists.length, concurrency, async (g) => {
    let stopped: RecordFailure | undefined;
    for (const entry of lists[g]!) {
      if (stopped !== undefined) {
        failures.push((entry instanceof Item ? entry.failure : undefined) ?? skipped(entry, stopped, 'FIFO queue'));
        continue;
      }
      const found = await run(entry);
      failures.push(...found);
      if (stops && found.length > 0) stopped = found[0];
    }
  });
  return failures;
};

const logFailure = (f: RecordFailure): void => {
  const fields: Record<string, unknown> = { index: f.index, id: f.id, source: f.source, kind: f.kind, reason: f.reason };
  if (f.subRecord !== undefined) fields.subRecord = f.subRecord;
  // Issues as path and message only: libraries put the whole input on them (valibot), which has no place in a log.
  if (f.issues !== undefined) fields.issues = f.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  if (f.cause !== undefined) fields.error = f.cause;
  getLogSink().log(f.kind === 'handler' ? 'error' : 'warn', `records: ${describeRecord(f)} failed: ${f.reason}`, fields);
};

/**
 * Throws RecordsError naming every failure when the batch cannot be answered in part: every item failed, a failed
 * item has no id to report, or (`partial` false: SNS, EventBridge, S3, CloudWatch Logs) any failed.
 */
export const failWhole = (batch: Batch, failures: RecordFailure[], partial = true): void => {
  if (failures.length === 0) return;
  const failed = new Set(failures.map((f) => f.index)).size;
  if (!partial || failed >= batch.entries.length || failures.some((f) => f.id === undefined)) {
    throw RecordsError.forFailures(eventLabel(batch), failures, batch.entries.length);
  }
};

/** `{ batchItemFailures }`: each failed item once, by its id (or what `identify` names it by: Kafka's partition and offset). */
export const itemFailures = (
  batch: Batch,
  failures: RecordFailure[],
  _results?: Results,
  identify?: (raw: unknown) => ItemIdentifier | undefined,
): BatchResponse => {
  failWhole(batch, failures);
  const seen = new Set<string>(); // each item once: by id (two records of the DynamoDB sample share a sequence number)
  const batchItemFailures: { itemIdentifier: ItemIdentifier }[] = [];
  for (const f of failures) {
    if (seen.has(f.id!)) continue;
    seen.add(f.id!);
    batchItemFailures.push({ itemIdentifier: identify?.(batch.list[f.index]) ?? f.id! });
  }
  return { batchItemFailures };
};

/** An event without partial batch responses (SNS, EventBridge, S3, CloudWatch Logs): any failure fails the invocation. */
export const noPartialAnswer: Answer = (batch, failures) => {
  failWhole(batch, failures, false);
  return { batchItemFailures: [] };
};

/** Partial batch mode: runs `each` per record, logs every failure and answers as the event's source does. */
export const runBatch = async (
  event: unknown,
  context: Context,
  o: BatchOptions & { concurrency: number },
  each: EachRecord,
  reg: Registry,
): Promise<{ response: BatchResponse | FirehoseTransformationResponse; records: AnyRecord[] }> => {
  const batch = await readBatch(event, o, reg);
  const kind = batch.kind;
  if (kind === undefined) return { response: { batchItemFailures: [] }, records: [] };
  const results: Results | undefined = kind.answer.keepsResults ? new Map() : undefined;
  const run = (entry: Entry): Promise<RecordFailure[]> => runEntry(entry, each, context, results);
  const groups = kind.groups?.(batch.list, o);
  let failures: RecordFailure[];
  if (groups !== undefined) {
    failures = await runGroups(batch, groups.groupOf, groups.stops, run, o.concurrency);
  } else {
    failures = [];
    await pool(batch.entries.length, kind.ordered ? 1 : o.concurrency, async (i) => void failures.push(...(await run(batch.entries[i]!))));
  }
  failures.sort(byPosition);
  for (const f of failures) logFailure(f);
  return { response: kind.answer(batch, failures, results), records: collect(batch).records };
};
