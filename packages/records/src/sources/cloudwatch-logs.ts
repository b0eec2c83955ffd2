import { gunzipSync } from 'node:zlib';
import type { CloudWatchLogsLogEvent } from 'aws-lambda';
import type { BaseRecord, DecodeOptions, Source } from '../types.js';
import {
  type Descriptor,
  type Entry,
  type Obj,
  RecordProblem,
  base64Bytes,
  isObject,
  readMessage,
  str,
  utf8Text,
  tryParse,
  NOT_JSON,
  jsonError,
} from './common.js';

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

declare module '../types.js' {
  interface RecordsBySource<T> {
    'cloudwatch-logs': CloudWatchLogsRecord<T>;
  }
}

/** The most a gzip batch may decompress to (CloudWatch Logs batches are at most a few MB): beyond, it is refused. */
export const MAX_GUNZIPPED = 64 * 1024 * 1024;

export const gunzip = (bytes: Uint8Array, what: string, source: Source): Buffer => {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_GUNZIPPED });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const why = code === 'ERR_BUFFER_TOO_LARGE' ? `decompresses to more than ${MAX_GUNZIPPED} bytes` : `does not decompress (${String(code ?? (e as Error).message)})`;
    throw new RecordProblem('parse', `${what} is gzip data that ${why}`, source);
  }
};

/** A decoded CloudWatch Logs subscription batch, or undefined when the value is not one. */
export const isLogsBatch = (v: unknown): v is Obj =>
  isObject(v) &&
  (v.messageType === 'DATA_MESSAGE' || v.messageType === 'CONTROL_MESSAGE') &&
  typeof v.logGroup === 'string' &&
  Array.isArray(v.logEvents);

/** The log events of a batch: none for a CONTROL_MESSAGE (sent to check a destination when a subscription is set up). */
export const logEventsOf = (batch: Obj): unknown[] => (batch.messageType === 'CONTROL_MESSAGE' ? [] : (batch.logEvents as unknown[]));

/** Reads a gzip'd, base64'd subscription batch (`awslogs.data`) into its JSON. */
export const readLogsBatch = (gz: Uint8Array, what: string, source: Source): Obj => {
  const text = utf8Text(gunzip(gz, what, source), `${what} (decompressed)`, source);
  const batch = tryParse(text);
  if (batch === NOT_JSON) throw new RecordProblem('parse', `${what} (decompressed) is not JSON: ${jsonError(text)}`, source);
  if (!isLogsBatch(batch)) {
    throw new RecordProblem('shape', `${what} (decompressed) is not a CloudWatch Logs subscription batch (no messageType, logGroup, logEvents)`, source);
  }
  return batch;
};

/** The fields and payload of one log event of a batch (throws RecordProblem for a log event that is not one). */
export const logEventRecord = (
  batch: Obj,
  e: unknown,
  i: number,
  o: DecodeOptions,
  source: Source,
): CloudWatchLogsFields & { payload: unknown; raw: CloudWatchLogsLogEvent } => {
  if (!isObject(e) || typeof e.message !== 'string') {
    throw new RecordProblem('shape', `logEvents[${i}] has no string message`, source);
  }
  return {
    payload: readMessage(e.message, 'plain', `logEvents[${i}].message`, o, source),
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

const listOf = (event: Obj): unknown[] | undefined => {
  const awslogs = event.awslogs;
  if (!isObject(awslogs)) return undefined;
  try {
    if (typeof awslogs.data !== 'string') throw new RecordProblem('shape', 'awslogs.data is not a string');
    const batch = readLogsBatch(base64Bytes(awslogs.data, 'awslogs.data', 'cloudwatch-logs'), 'awslogs.data', 'cloudwatch-logs');
    return logEventsOf(batch).map((e) => new LogEventItem(batch, e, undefined));
  } catch (e) {
    if (!(e instanceof RecordProblem)) throw e;
    return [new LogEventItem(undefined, undefined, e)];
  }
};

const decode = (raw: unknown, index: number, o: DecodeOptions): Entry => {
  const item = raw as LogEventItem;
  if (item.problem !== undefined) throw item.problem;
  const fields = logEventRecord(item.batch!, item.event, index, o, 'cloudwatch-logs');
  return { ...fields, id: fields.logEventId, index, source: 'cloudwatch-logs' };
};

export const cloudwatchLogs = {
  kind: 'cloudwatch-logs',
  label: 'CloudWatch Logs',
  article: 'a',
  sources: ['cloudwatch-logs'],
  recognise: listOf,
  structured: false,
  partial: 'none',
  ordered: false,
  decode,
  idOf: (raw) => (raw instanceof LogEventItem && isObject(raw.event) ? str(raw.event.id) : undefined),
} as const satisfies Descriptor;

