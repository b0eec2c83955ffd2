import type { MiddlewareObj } from '@middy/core';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Context } from 'aws-lambda';
import { type OptionRule, type OptionsChecker, is, optionsChecker } from '@lambdaware/shared';
import { type Batch, type DecodeOptions, MESSAGE_KINDS, collect, eventLabel, readBatch } from './decode.js';
import { type EachRecord, runBatch } from './batch.js';
import { DESCRIPTOR_OF_SOURCE, SOURCES } from './sources/index.js';
import { RecordsError, RecordsOptionError } from './errors.js';
import {
  type AnyRecord,
  type BatchResponse,
  type FirehoseTransformationResponse,
  type PayloadFormat,
  type PayloadOf,
  type RecordOf,
  type RecordsOptions,
  type Source,
} from './types.js';


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

export { DROP } from './batch.js';

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
