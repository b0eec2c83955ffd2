import type { MiddlewareObj } from '@middy/core';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Context } from 'aws-lambda';
import { type OptionRule, type OptionsChecker, getLogSink, is, optionsChecker } from '@lambdaware/shared';
import { type Batch, type DecodeOptions, type Entry, Item, MESSAGE_KINDS, collect, eventLabel, readBatch } from './decode.js';
import { firehoseData } from './sources/firehose.js';
import { DESCRIPTOR_OF_SOURCE, type ItemIdentifier, SOURCES } from './sources/index.js';
import { RecordsError, RecordsOptionError, describeRecord, formatPath, messageOf } from './errors.js';
import {
  type AnyRecord,
  type BatchResponse,
  type FirehoseTransformationResponse,
  type PayloadFormat,
  type PayloadOf,
  type RecordFailure,
  type RecordOf,
  type RecordsOptions,
  type Source,
} from './types.js';

type EachRecord = (record: AnyRecord, context: Context) => unknown;

interface ResolvedOptions extends DecodeOptions {
  eachRecord: EachRecord | undefined;
  concurrency: number;
}

const defaults: ResolvedOptions = {
  source: 'auto',
  schema: undefined,
  payload: 'json',
  numbers: 'auto',
  eachRecord: undefined,
  concurrency: 1,
};

const PAYLOADS: readonly PayloadFormat[] = ['json', 'text', 'bytes'];
/** Sources whose payloads are structured (no 'text'/'bytes'): those of structured events, and S3 or EventBridge inside a message. */
const STRUCTURED = new Set<Source>([
  ...SOURCES.filter((s) => DESCRIPTOR_OF_SOURCE.get(s)!.structured),
  ...SOURCES.filter((s) => /^(s3|eventbridge)-over-/.test(s)),
]);

const isStandardSchema = (v: unknown): boolean =>
  typeof (v as { '~standard'?: { validate?: unknown } } | null)?.['~standard']?.validate === 'function';

/** The rule of each option (every key of the defaults). */
const RULES: Record<keyof ResolvedOptions, OptionRule> = {
  source: is.oneOf(['auto', ...SOURCES]),
  schema: is.custom('a Standard Schema (zod, valibot, arktype...: an object with ~standard.validate)', isStandardSchema),
  payload: is.oneOf(PAYLOADS),
  numbers: is.oneOf(['auto', 'string']),
  eachRecord: is.function('(record, context) => ...'),
  concurrency: is.integer(1),
};

type Fn = 'records' | 'decapsulate' | 'processBatch';
const checkers: Record<Fn, OptionsChecker> = {
  records: optionsChecker('@lambdaware/records', 'records', (init) => new RecordsOptionError(init)),
  decapsulate: optionsChecker('@lambdaware/records', 'decapsulate', (init) => new RecordsOptionError(init)),
  processBatch: optionsChecker('@lambdaware/records', 'processBatch', (init) => new RecordsOptionError(init)),
};

/** Options spread over the defaults, checked once (when the middleware is created). */
const resolveOptions = (options: unknown, fn: Fn): ResolvedOptions => {
  if (options === undefined) return defaults;
  const given = checkers[fn].options(options, RULES);
  const o = { ...defaults };
  for (const [name, value] of Object.entries(given)) {
    if (value !== undefined) (o as Record<string, unknown>)[name] = value;
  }
  if (o.payload !== 'json' && o.source !== 'auto' && STRUCTURED.has(o.source)) {
    throw checkers[fn].error('payload', { problem: `"${o.payload}" applies to ${MESSAGE_KINDS} messages, not to source "${o.source}"` });
  }
  return o;
};

/** The records of a decoded batch, or RecordsError naming every bad record. */
const recordsOf = (batch: Batch): AnyRecord[] => {
  if (batch.plain) return batch.entries as AnyRecord[];
  const { records, failures } = collect(batch);
  if (failures.length > 0) throw RecordsError.forFailures(eventLabel(batch), failures, batch.entries.length);
  return records;
};

/** Decodes the event: its records (synchronously, unless the schema validates asynchronously). */
const decodeOrThrow = (event: unknown, o: ResolvedOptions): AnyRecord[] | Promise<AnyRecord[]> => {
  const batch = readBatch(event, o);
  return batch instanceof Promise ? batch.then(recordsOf) : recordsOf(batch);
};

/**
 * Decodes (and validates, when a schema is given) the records of an event, outside Middy.
 * Rejects with RecordsError naming every bad record.
 */
export const decapsulate = <
  S extends StandardSchemaV1 | undefined = undefined,
  P extends PayloadFormat = 'json',
  Src extends Source | 'auto' = 'auto',
>(
  event: unknown,
  options?: Omit<RecordsOptions<S, P, Src>, 'eachRecord' | 'concurrency'>,
): Promise<RecordOf<Src, PayloadOf<S, P>>[]> => {
  const o = resolveOptions(options, 'decapsulate');
  try {
    return Promise.resolve(decodeOrThrow(event, o)) as Promise<RecordOf<Src, PayloadOf<S, P>>[]>;
  } catch (error) {
    return Promise.reject(error);
  }
};

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

const runBatch = async (
  event: unknown,
  context: Context,
  o: ResolvedOptions,
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

/**
 * Partial batch mode outside Middy: runs `options.eachRecord` for each record of an SQS, Kinesis or DynamoDB
 * stream event and returns `{ batchItemFailures }` naming the records that could not be decoded, failed the schema
 * or whose function threw. Throws RecordsError when every record failed (or any record of an event without partial
 * batch responses: SNS, EventBridge, S3).
 */
export const processBatch = async <
  S extends StandardSchemaV1 | undefined = undefined,
  P extends PayloadFormat = 'json',
  Src extends Source | 'auto' = 'auto',
>(
  event: unknown,
  context: Context,
  options: RecordsOptions<S, P, Src> & { eachRecord: NonNullable<RecordsOptions<S, P, Src>['eachRecord']> },
): Promise<ResponseOf<Src>> => {
  const o = resolveOptions(options, 'processBatch');
  if (o.eachRecord === undefined) throw checkers.processBatch.error('eachRecord', { problem: 'is required by processBatch()' });
  return (await runBatch(event, context, o, o.eachRecord)).response as ResponseOf<Src>;
};

/**
 * What partial batch mode answers: `{ batchItemFailures }`, or for a Kinesis Firehose transformation
 * `{ records: [{ recordId, result, data }] }` (typed so with `source: 'firehose'`; with `'auto'` the type says
 * `{ batchItemFailures }`, the common case, and a Firehose event still gets its own answer).
 */
export type ResponseOf<Src extends Source | 'auto'> = Src extends 'firehose'
  ? FirehoseTransformationResponse
  : BatchResponse;

/** The context the handler gets: `context.records`, typed by the schema and the source option. */
export type RecordsContext<R> = Context & { records: R[] };

/**
 * Middy middleware: decodes the records of the event (detected source, or the `source` option), validates each
 * payload with `schema`, and puts them on `context.records` (the event is left untouched). A bad record throws
 * RecordsError naming every bad record. With `eachRecord`, runs it per record and responds `{ batchItemFailures }`.
 */
export const records = <
  S extends StandardSchemaV1 | undefined = undefined,
  P extends PayloadFormat = 'json',
  Src extends Source | 'auto' = 'auto',
>(
  options?: RecordsOptions<S, P, Src>,
): MiddlewareObj<unknown, any, Error, RecordsContext<RecordOf<Src, PayloadOf<S, P>>>> => {
  const o = resolveOptions(options, 'records');
  const each = o.eachRecord;
  type Request = { event: unknown; context: Context & { records?: unknown }; response: unknown };

  if (each === undefined) {
    // Synchronous unless the schema validates asynchronously (middy awaits only a returned promise).
    const recordsBefore = (request: Request): void | Promise<void> => {
      const decoded = decodeOrThrow(request.event, o);
      if (decoded instanceof Promise) {
        return decoded.then((list) => {
          request.context.records = list;
        });
      }
      request.context.records = decoded;
    };
    return { name: 'records', before: recordsBefore } as MiddlewareObj<any, any, Error, any>;
  }

  // Partial batch mode: records are processed in `before` and the response set in `after`, so the other
  // middlewares' `after` hooks (which an early response would skip) still run.
  const responses = new WeakMap<object, BatchResponse | FirehoseTransformationResponse>();
  const recordsBefore = async (request: Request): Promise<void> => {
    const { response, records: decoded } = await runBatch(request.event, request.context, o, each);
    request.context.records = decoded;
    responses.set(request, response);
  };
  const recordsAfter = (request: Request): void => {
    const response = responses.get(request);
    if (response !== undefined) request.response = response;
  };
  return { name: 'records', before: recordsBefore, after: recordsAfter } as MiddlewareObj<any, any, Error, any>;
};
