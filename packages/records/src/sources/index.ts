// The sources of the main entry point (`@lambdaware/records`, source detected): every event source and every payload
// kind. A per-source entry point (`../sqs.ts`...) lists only its own, so a bundle holds only what it names. Adding a
// source is its file and its line here; the compiler checks that every record type has its source listed.
import type { EventSource, Kind } from '../source.js';
import type { EventRecords, KindRecords } from '../types.js';
import { cloudWatchLogsKind, cloudwatchLogs } from './cloudwatch-logs.js';
import { dynamodb } from './dynamodb.js';
import { eventBridgeKind, eventbridge } from './eventbridge.js';
import { firehose } from './firehose.js';
import { kafka } from './kafka.js';
import { kinesis } from './kinesis.js';
import { s3, s3Kind } from './s3.js';
import { sesKind } from './ses.js';
import { sns, snsKind } from './sns.js';
import { sqs } from './sqs.js';

/** The event sources, in the order events are recognised (and named in messages). */
export const EVENTS = [sqs, sns, kinesis, dynamodb, eventbridge, s3, cloudwatchLogs, firehose, kafka] as const;
/** The payload kinds a carrier's message may hold, in the order they are looked for. */
export const KINDS = [snsKind, s3Kind, eventBridgeKind, cloudWatchLogsKind, sesKind] as const;

// Every record type has its source listed (a record type without one does not compile here), and every listed source is one.
const everyEvent: Record<keyof EventRecords<unknown>, true> = {} as Record<(typeof EVENTS)[number]['name'], true>;
const everyKind: Record<keyof KindRecords<unknown, string, string>, true> = {} as Record<(typeof KINDS)[number]['name'], true>;
const listed: [readonly EventSource[], readonly Kind[]] = [EVENTS, KINDS];
void everyEvent;
void everyKind;
void listed;
