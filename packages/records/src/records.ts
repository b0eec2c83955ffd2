import type { MiddlewareObj } from '@middy/core';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Context } from 'aws-lambda';
import { describeValue, getLogSink } from '@lambdaware/shared';
import { type Batch, type DecodeOptions, type Entry, Item, collect, eventLabel, readBatch } from './decode.js';
import { RecordsError, RecordsOptionError, describeRecord, formatPath, messageOf } from './errors.js';
import {
  type AnyRecord,
  type BatchResponse,
  type PayloadFormat,
  type PayloadOf,
  type RecordFailure,
  type RecordOf,
  type RecordsOptions,
  SOURCES,
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

const OPTION_NAMES = Object.keys(defaults);
const PAYLOADS: readonly PayloadFormat[] = ['json', 'text', 'bytes'];
const STRUCTURED = new Set<Source>(['dynamodb', 'eventbridge', 's3', 's3-over-sqs', 's3-over-sns', 's3-over-sns-over-sqs']);

/** An option value in a message (never throws, whatever the value). */
const show = (v: unknown): string => describeValue(v, 200);

/** Options spread over the defaults, checked once (when the middleware is created). */
const resolveOptions = (options: unknown): ResolvedOptions => {
  if (options === undefined) return defaults;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new RecordsOptionError('options', `must be an object, got ${show(options)}`);
  }
  const o = { ...defaults };
  for (const [name, value] of Object.entries(options)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new RecordsOptionError(name, `is not an option of records() (options: ${OPTION_NAMES.join(', ')})`);
    }
    if (value !== undefined) (o as Record<string, unknown>)[name] = value;
  }
  if (o.source !== 'auto' && !(SOURCES as readonly unknown[]).includes(o.source)) {
    throw new RecordsOptionError('source', `must be 'auto' or one of ${SOURCES.map((s) => `'${s}'`).join(', ')}, got ${show(o.source)}`);
  }
  const validate = (o.schema as { '~standard'?: { validate?: unknown } } | undefined)?.['~standard']?.validate;
  if (o.schema !== undefined && typeof validate !== 'function') {
    throw new RecordsOptionError('schema', 'must be a Standard Schema (zod, valibot, arktype...: an object with ~standard.validate)');
  }
  if (!PAYLOADS.includes(o.payload)) {
    throw new RecordsOptionError('payload', `must be 'json', 'text' or 'bytes', got ${show(o.payload)}`);
  }
  if (o.payload !== 'json' && o.source !== 'auto' && STRUCTURED.has(o.source)) {
    throw new RecordsOptionError('payload', `'${o.payload}' applies to SQS, SNS and Kinesis messages, not to source '${o.source}'`);
  }
  if (o.numbers !== 'auto' && o.numbers !== 'string') {
    throw new RecordsOptionError('numbers', `must be 'auto' or 'string', got ${show(o.numbers)}`);
  }
  if (o.eachRecord !== undefined && typeof o.eachRecord !== 'function') {
    throw new RecordsOptionError('eachRecord', `must be a function (record, context) => ..., got ${show(o.eachRecord)}`);
  }
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1) {
    throw new RecordsOptionError('concurrency', `must be a positive integer, got ${show(o.concurrency)}`);
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
  const o = resolveOptions(options);
  try {
    return Promise.resolve(decodeOrThrow(event, o)) as Promise<RecordOf<Src, PayloadOf<S, P>>[]>;
  } catch (error) {
    return Promise.reject(error);
  }
};

/** Runs the function on the entry's records; a throw becomes its failure. */
const runEntry = async (entry: Entry, each: EachRecord, context: Context): Promise<RecordFailure | undefined> => {
  if (!(entry instanceof Item)) return runRecord(entry, each, context);
  if (entry.failure !== undefined) return entry.failure;
  for (const record of entry.records) {
    const failure = await runRecord(record, each, context);
    if (failure !== undefined) return failure;
  }
  return undefined;
};

const runRecord = async (record: AnyRecord, each: EachRecord, context: Context): Promise<RecordFailure | undefined> => {
  try {
    await each(record, context);
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
const runPool = async (entries: Entry[], each: EachRecord, context: Context, concurrency: number): Promise<RecordFailure[]> => {
  const failures: RecordFailure[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const failure = await runEntry(entries[next++], each, context);
      if (failure !== undefined) failures.push(failure);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  return failures.sort((a, b) => a.index - b.index);
};

const logFailure = (f: RecordFailure): void => {
  const fields: Record<string, unknown> = { index: f.index, id: f.id, source: f.source, kind: f.kind, reason: f.reason };
  // Issues as path and message only: libraries put the whole input on them (valibot), which has no place in a log.
  if (f.issues !== undefined) fields.issues = f.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  if (f.cause !== undefined) fields.error = f.cause;
  getLogSink().log(f.kind === 'handler' ? 'error' : 'warn', `records: ${describeRecord(f)} failed: ${f.reason}`, fields);
};

const PARTIAL = new Set(['sqs', 'kinesis', 'dynamodb']);

const runBatch = async (
  event: unknown,
  context: Context,
  o: ResolvedOptions,
  each: EachRecord,
): Promise<{ response: BatchResponse; records: AnyRecord[] }> => {
  const batch = await readBatch(event, o);
  const ordered = batch.fifo || batch.kind === 'kinesis' || batch.kind === 'dynamodb';
  const failures = batch.fifo
    ? await runFifo(batch.entries, each, context)
    : await runPool(batch.entries, each, context, ordered ? 1 : o.concurrency);
  for (const f of failures) logFailure(f);
  const total = batch.entries.length;
  if (failures.length > 0) {
    const reportable = PARTIAL.has(batch.kind ?? '') && failures.length < total && failures.every((f) => f.id !== undefined);
    if (!reportable) throw RecordsError.forFailures(eventLabel(batch), failures, total);
  }
  const seen = new Set<string>();
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const f of failures) {
    if (!seen.has(f.id!)) batchItemFailures.push({ itemIdentifier: f.id! });
    seen.add(f.id!);
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
): Promise<BatchResponse> => {
  const o = resolveOptions(options);
  if (o.eachRecord === undefined) throw new RecordsOptionError('eachRecord', 'is required by processBatch()');
  return (await runBatch(event, context, o, o.eachRecord)).response;
};

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
  const o = resolveOptions(options);
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
  const responses = new WeakMap<object, BatchResponse>();
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
