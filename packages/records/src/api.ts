import type { MiddlewareObj } from '@middy/core';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Context } from 'aws-lambda';
import { type OptionRule, type OptionsChecker, is, optionsChecker } from '@lambdaware/shared';
import { type EachRecord, runBatch } from './batch.js';
import { type Batch, type BatchOptions, type Registry, collect, eventLabel, eventOf, readBatch } from './decode.js';
import { RecordsError, RecordsOptionError } from './errors.js';
import type { AnyRecord, BatchResponse, FirehoseTransformationResponse, PayloadFormat, PayloadOf, RecordOf, RecordsOptions, Source } from './types.js';

/**
 * records(), decapsulate() and processBatch() over the sources of one entry point (`makeApi(registry)`): the main
 * entry point's detect every source, a per-source one's (`@lambdaware/records/sqs`) know theirs alone.
 */

/** The options once checked, with what the entry point adds (its payload kinds and how carriers reach them). */
interface ResolvedOptions extends BatchOptions {
  eachRecord: EachRecord | undefined;
  concurrency: number;
}

const isStandardSchema = (v: unknown): boolean => typeof (v as { '~standard'?: { validate?: unknown } } | null)?.['~standard']?.validate === 'function';

/** The checked options of one function of the API. */
const resolver = (reg: Registry): ((options: unknown, fn: Fn) => ResolvedOptions) => {
  const source: OptionRule = reg.carry === undefined ? is.oneOf(['auto', ...reg.events.map((d) => d.name)]) : reg.carry.sourceRule(reg);
  const rules: Record<Exclude<keyof ResolvedOptions, 'kinds' | 'carry'>, OptionRule> = {
    source,
    schema: is.custom('a Standard Schema (zod, valibot, arktype...: an object with ~standard.validate)', isStandardSchema),
    payload: is.oneOf(['json', 'text', 'bytes']),
    numbers: is.oneOf(['auto', 'string']),
    eachRecord: is.function('(record, context) => ...'),
    concurrency: is.integer(1),
    fifo: is.oneOf(['group', 'batch']),
  };
  const defaults: ResolvedOptions = {
    source: 'auto',
    schema: undefined,
    payload: 'json',
    numbers: 'auto',
    eachRecord: undefined,
    concurrency: 1,
    fifo: 'group',
    kinds: reg.kinds,
    carry: reg.carry,
  };
  const structured = (s: string): boolean => eventOf(s, reg)!.structured || reg.kinds.some((k) => k.structured && s.startsWith(`${k.name}-over-`));
  return (options, fn) => {
    if (options === undefined) return defaults;
    const given = checkers[fn].options(options, rules);
    const o = { ...defaults };
    for (const [name, value] of Object.entries(given)) {
      if (value !== undefined) (o as unknown as Record<string, unknown>)[name] = value;
    }
    if (o.payload !== 'json' && o.source !== 'auto' && structured(o.source)) {
      throw checkers[fn].error('payload', { problem: `"${o.payload}" applies to ${reg.messageKinds} messages, not to source "${o.source}"` });
    }
    return o;
  };
};

type Fn = 'records' | 'decapsulate' | 'processBatch';
const checkers: Record<Fn, OptionsChecker> = {
  records: optionsChecker('@lambdaware/records', 'records', (init) => new RecordsOptionError(init)),
  decapsulate: optionsChecker('@lambdaware/records', 'decapsulate', (init) => new RecordsOptionError(init)),
  processBatch: optionsChecker('@lambdaware/records', 'processBatch', (init) => new RecordsOptionError(init)),
};

/** The records of a decoded batch, or RecordsError naming every bad record. */
const recordsOf = (batch: Batch): AnyRecord[] => {
  if (batch.plain) return batch.entries as AnyRecord[];
  const { records, failures } = collect(batch);
  if (failures.length > 0) throw RecordsError.forFailures(eventLabel(batch), failures, batch.entries.length);
  return records;
};

/**
 * What partial batch mode answers: `{ batchItemFailures }`, or for a Kinesis Firehose transformation
 * `{ records: [{ recordId, result, data }] }` (typed so with `source: 'firehose'`; with `'auto'` the type says
 * `{ batchItemFailures }`, the common case, and a Firehose event still gets its own answer).
 */
export type ResponseOf<Src extends Source | 'auto'> = Src extends 'firehose' | `${string}-over-firehose` ? FirehoseTransformationResponse : BatchResponse;

/** The context the handler gets: `context.records`, typed by the schema and the source option. */
export type RecordsContext<R> = Context & { records: R[] };

/** The source of the records: the one given, or what `auto` means at this entry point (`Auto`). */
type Named<Src extends Source | 'auto', Auto extends Source | 'auto'> = Src extends 'auto' ? Auto : Src;

/** The three functions, over the sources `Allowed` of an entry point (`Auto`: what `source: 'auto'` yields). */
export interface RecordsApi<Allowed extends Source, Auto extends Source | 'auto'> {
  /**
   * Middy middleware: decodes the records of the event (detected source, or the `source` option), validates each
   * payload with `schema`, and puts them on `context.records` (the event is left untouched). A bad record throws
   * RecordsError naming every bad record. With `eachRecord`, runs it per record and responds `{ batchItemFailures }`.
   */
  records<S extends StandardSchemaV1 | undefined = undefined, P extends PayloadFormat = 'json', Src extends Allowed | 'auto' = 'auto'>(
    options?: RecordsOptions<S, P, Src>,
  ): MiddlewareObj<unknown, any, Error, RecordsContext<RecordOf<Named<Src, Auto>, PayloadOf<S, P>>>>;
  /**
   * Decodes (and validates, when a schema is given) the records of an event, outside Middy.
   * Rejects with RecordsError naming every bad record.
   */
  decapsulate<S extends StandardSchemaV1 | undefined = undefined, P extends PayloadFormat = 'json', Src extends Allowed | 'auto' = 'auto'>(
    event: unknown,
    options?: Omit<RecordsOptions<S, P, Src>, 'eachRecord' | 'concurrency' | 'fifo'>,
  ): Promise<RecordOf<Named<Src, Auto>, PayloadOf<S, P>>[]>;
  /**
   * Partial batch mode outside Middy: runs `options.eachRecord` for each record and returns the source's answer
   * (`{ batchItemFailures }` naming the records that could not be decoded, failed the schema or whose function threw;
   * Firehose's transformation response). Throws RecordsError when every record failed (or any record of an event
   * without partial batch responses: SNS, EventBridge, S3, CloudWatch Logs).
   */
  processBatch<S extends StandardSchemaV1 | undefined = undefined, P extends PayloadFormat = 'json', Src extends Allowed | 'auto' = 'auto'>(
    event: unknown,
    context: Context,
    options: RecordsOptions<S, P, Src> & { eachRecord: NonNullable<RecordsOptions<S, P, Src>['eachRecord']> },
  ): Promise<ResponseOf<Named<Src, Auto>>>;
}

export const makeApi = <Allowed extends Source, Auto extends Source | 'auto'>(reg: Registry): RecordsApi<Allowed, Auto> => {
  const resolve = resolver(reg);

  /** Decodes the event: its records (synchronously, unless the schema validates asynchronously). */
  const decodeOrThrow = (event: unknown, o: ResolvedOptions): AnyRecord[] | Promise<AnyRecord[]> => {
    const batch = readBatch(event, o, reg);
    return batch instanceof Promise ? batch.then(recordsOf) : recordsOf(batch);
  };

  const decapsulate = (event: unknown, options?: unknown): Promise<AnyRecord[]> => {
    const o = resolve(options, 'decapsulate');
    try {
      return Promise.resolve(decodeOrThrow(event, o));
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const processBatch = async (event: unknown, context: Context, options: unknown): Promise<unknown> => {
    const o = resolve(options, 'processBatch');
    if (o.eachRecord === undefined) throw checkers.processBatch.error('eachRecord', { problem: 'is required by processBatch()' });
    return (await runBatch(event, context, o, o.eachRecord, reg)).response;
  };

  const records = (options?: unknown): MiddlewareObj<any, any, Error, any> => {
    const o = resolve(options, 'records');
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
      return { name: 'records', before: recordsBefore };
    }

    // Partial batch mode: records are processed in `before` and the response set in `after`, so the other
    // middlewares' `after` hooks (which an early response would skip) still run.
    const responses = new WeakMap<object, BatchResponse | FirehoseTransformationResponse>();
    const recordsBefore = async (request: Request): Promise<void> => {
      const { response, records: decoded } = await runBatch(request.event, request.context, o, each, reg);
      request.context.records = decoded;
      responses.set(request, response);
    };
    const recordsAfter = (request: Request): void => {
      const response = responses.get(request);
      if (response !== undefined) request.response = response;
    };
    return { name: 'records', before: recordsBefore, after: recordsAfter };
  };

  return { records, decapsulate, processBatch } as unknown as RecordsApi<Allowed, Auto>;
};
