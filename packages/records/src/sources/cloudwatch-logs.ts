import type { CloudWatchLogsLogEvent } from 'aws-lambda';
import { isObject } from '@lambdaware/shared';
import { noPartialAnswer } from '../batch.js';
import { type Ctx, type EventSource, type Kind, type Obj, carriedRecord, entryOf, payloadOf, str } from '../source.js';
import { NOT_JSON, RecordProblem, base64Bytes, gunzip, jsonError, tryParse, utf8Text } from '../text.js';
import type { AnyRecord, BaseRecord, CarriedRecord } from '../types.js';

/**
 * CloudWatch Logs: the event source (a subscription whose destination is the function, `awslogs.data`), and a payload
 * kind: a subscription batch written to a Kinesis stream or a Firehose delivery stream (gzip, unzipped by the carrier).
 */

/** What every CloudWatch Logs record carries: one log event of a subscription filter's batch. */
export interface CloudWatchLogsFields {
  /** The log event's id. */
  logEventId: string;
  /** The log event's timestamp (epoch milliseconds). */
  timestamp: number;
  logGroup: string;
  logStream: string;
  /** The account the logs belong to. */
  owner: string;
  subscriptionFilters: string[];
  /** The log event's `extractedFields`, when the filter pattern extracts fields. */
  extractedFields: Record<string, string> | undefined;
  /** The decoded batch the log event came in (`{ messageType, owner, logGroup, logStream, logEvents, ... }`). */
  batch: Obj;
}

/** A log event of a CloudWatch Logs subscription delivered to the function (`awslogs.data`): `payload` is its message. */
export interface CloudWatchLogsRecord<T> extends BaseRecord<T>, CloudWatchLogsFields {
  source: 'cloudwatch-logs';
  raw: CloudWatchLogsLogEvent;
}

/** A log event of a batch a carrier delivered (`cloudwatch-logs-over-kinesis`): `id` is the carrier's (the sequence number). */
export type CloudWatchLogsCarriedRecord<T, Src extends string, V extends string> = CarriedRecord<T, Src, V, CloudWatchLogsFields>;

/** A log event of a subscription whose destination is a Kinesis stream. */
export type CloudWatchLogsOverKinesisRecord<T> = CloudWatchLogsCarriedRecord<T, 'cloudwatch-logs-over-kinesis', 'kinesis'>;
/** A log event of a subscription whose destination is a Firehose delivery stream (the function transforms it). */
export type CloudWatchLogsOverFirehoseRecord<T> = CloudWatchLogsCarriedRecord<T, 'cloudwatch-logs-over-firehose', 'firehose'>;

declare module '../types.js' {
  interface EventRecords<T> {
    'cloudwatch-logs': CloudWatchLogsRecord<T>;
  }
  interface KindRecords<T, Src extends string, V extends string> {
    'cloudwatch-logs': CloudWatchLogsCarriedRecord<T, Src, V>;
  }
}

const isLogsBatch = (v: unknown): v is Obj =>
  isObject(v) && (v.messageType === 'DATA_MESSAGE' || v.messageType === 'CONTROL_MESSAGE') && typeof v.logGroup === 'string' && Array.isArray(v.logEvents);

/** The log events of a batch: none for a CONTROL_MESSAGE (sent to check a destination when a subscription is set up). */
const logEventsOf = (batch: Obj): unknown[] => (batch.messageType === 'CONTROL_MESSAGE' ? [] : (batch.logEvents as unknown[]));

/** The fields and payload of one log event of a batch (throws RecordProblem for a log event that is not one). */
const logEvent = (batch: Obj, e: unknown, i: number, o: Ctx, source: string): CloudWatchLogsFields & { payload: unknown; raw: CloudWatchLogsLogEvent } => {
  if (!isObject(e) || typeof e.message !== 'string') throw new RecordProblem('shape', `logEvents[${i}] has no string message`, source);
  return {
    payload: payloadOf({ text: e.message, what: `logEvents[${i}].message` }, o, source),
    logEventId: str(e.id) ?? '',
    timestamp: typeof e.timestamp === 'number' ? e.timestamp : Number(e.timestamp),
    logGroup: str(batch.logGroup) ?? '',
    logStream: str(batch.logStream) ?? '',
    owner: str(batch.owner) ?? '',
    subscriptionFilters: Array.isArray(batch.subscriptionFilters) ? (batch.subscriptionFilters as string[]) : [],
    extractedFields: isObject(e.extractedFields) ? (e.extractedFields as Record<string, string>) : undefined,
    batch,
    raw: e as unknown as CloudWatchLogsLogEvent,
  };
};

/** An item of a direct subscription: one log event of the batch, or the batch that could not be read. */
class LogEventItem {
  constructor(
    readonly batch: Obj | undefined,
    readonly event: unknown,
    readonly problem: RecordProblem | undefined,
  ) {}
}

/** Reads a gzip'd, base64'd subscription batch (`awslogs.data`) into its JSON. */
const readLogsBatch = (data: string): Obj => {
  const what = 'awslogs.data';
  const text = utf8Text(gunzip(base64Bytes(data, what, 'cloudwatch-logs'), what, 'cloudwatch-logs'), `${what} (decompressed)`, 'cloudwatch-logs');
  const batch = tryParse(text);
  if (batch === NOT_JSON) throw new RecordProblem('parse', `${what} (decompressed) is not JSON: ${jsonError(text)}`, 'cloudwatch-logs');
  if (!isLogsBatch(batch)) {
    throw new RecordProblem(
      'shape',
      `${what} (decompressed) is not a CloudWatch Logs subscription batch (no messageType, logGroup, logEvents)`,
      'cloudwatch-logs',
    );
  }
  return batch;
};

const listOf = (event: Obj): unknown[] | undefined => {
  const awslogs = event.awslogs;
  if (!isObject(awslogs)) return undefined;
  try {
    if (typeof awslogs.data !== 'string') throw new RecordProblem('shape', 'awslogs.data is not a string');
    const batch = readLogsBatch(awslogs.data);
    return logEventsOf(batch).map((e) => new LogEventItem(batch, e, undefined));
  } catch (e) {
    if (!(e instanceof RecordProblem)) throw e;
    return [new LogEventItem(undefined, undefined, e)];
  }
};

export const cloudwatchLogs = {
  name: 'cloudwatch-logs',
  label: 'CloudWatch Logs',
  article: 'a',
  recognise: listOf,
  structured: false,
  carrier: false,
  ordered: false,
  decode: (raw, index, o) => {
    const item = raw as LogEventItem;
    if (item.problem !== undefined) throw item.problem;
    const fields = logEvent(item.batch!, item.event, index, o, 'cloudwatch-logs');
    return { ...fields, id: fields.logEventId, index, source: 'cloudwatch-logs' };
  },
  idOf: (raw) => (raw instanceof LogEventItem && isObject(raw.event) ? str(raw.event.id) : undefined),
  answer: noPartialAnswer,
} as const satisfies EventSource;

/** A subscription batch in a message (unzipped by its carrier): one record per log event, each named by the carrier's id. */
export const cloudWatchLogsKind = {
  name: 'cloudwatch-logs',
  is: 'a CloudWatch Logs subscription batch',
  structured: false,
  test: isLogsBatch,
  read: (batch, _m, via, o) => {
    const source = `cloudwatch-logs-over-${via.source}`;
    const records: AnyRecord[] = logEventsOf(batch).map((e, i) => {
      const { payload, ...own } = logEvent(batch, e, i, o, source);
      return carriedRecord(via, source, payload, own as unknown as Obj);
    });
    return entryOf(records, via, source);
  },
} as const satisfies Kind;
