// The sources records() knows: one descriptor per kind of event, each in its own file. Adding a source is one file
// (its descriptor and record types) and its line here; the compiler checks that every record source in
// `RecordsBySource` is yielded by exactly the descriptors listed.
import type { Source } from '../types.js';
import type { Descriptor } from './common.js';
import { cloudwatchLogs } from './cloudwatch-logs.js';
import { dynamodb } from './dynamodb.js';
import { eventbridge } from './eventbridge.js';
import { firehose } from './firehose.js';
import { kafka } from './kafka.js';
import { kinesis } from './kinesis.js';
import { s3 } from './s3.js';
import { sns } from './sns.js';
import { sqs } from './sqs.js';

/** In the order events are recognised (and named in messages). */
export const DESCRIPTORS = [sqs, sns, kinesis, dynamodb, eventbridge, s3, cloudwatchLogs, firehose, kafka] as const;

/** The kind of an event (what `event.Records` holds, or the envelope without `Records`). */
export type EventKind = (typeof DESCRIPTORS)[number]['kind'];

type Yielded = (typeof DESCRIPTORS)[number]['sources'][number];
// Every source has a descriptor that yields it (a record type without one does not compile here) ...
const everySourceYielded: Record<Source, true> = {} as Record<Yielded, true>;
// ... and every descriptor is a Descriptor whose sources have record types.
const everyDescriptor: readonly Descriptor[] = DESCRIPTORS;
void everySourceYielded;
void everyDescriptor;

/** Every record source, e.g. for the `source` option. */
export const SOURCES: readonly Source[] = DESCRIPTORS.flatMap((d) => d.sources);

export const DESCRIPTOR_OF_SOURCE = new Map<Source, Descriptor>(DESCRIPTORS.flatMap((d) => d.sources.map((s) => [s, d] as const)));
export const DESCRIPTOR_OF_EVENT_SOURCE = new Map<unknown, Descriptor>(
  DESCRIPTORS.filter((d) => 'eventSource' in d).map((d) => [(d as Descriptor).eventSource, d] as const),
);
export const WITHOUT_RECORDS: readonly Descriptor[] = DESCRIPTORS.filter((d) => 'recognise' in d);

export type { Descriptor, Entry, ItemIdentifier } from './common.js';
export { Item } from './common.js';
