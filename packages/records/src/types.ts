import type { StandardSchemaV1 } from '@standard-schema/spec';
import type {
  Context,
  DynamoDBRecord,
  S3EventRecord,
  SNSEventRecord,
  SNSMessageAttributes,
  SQSMessageAttributes,
  SQSRecord,
  SQSRecordAttributes,
} from 'aws-lambda';

/**
 * Where a record came from: an event source (`sqs`, `kinesis`...), or a payload kind and the carriers it came through,
 * innermost first (`s3-over-sns-over-sqs`: an S3 notification in an SNS notification delivered to a queue). Built
 * from what the files of `sources/` declare (`EventRecords`, `KindRecords`, `CarrierFields`): none is named by hand.
 */
export type Source = EventName | { [K in KindName]: `${K}-over-${Exclude<Via, K | `${K}-over-${string}`>}` }[KindName];

/** The record of each event source, as the event invokes the function (each file of `sources/` adds its own). */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export interface EventRecords<T> {}
/** The record of each payload kind, by its full source `Src` and the carrier path `V` (each kind's file adds its own). */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export interface KindRecords<T, Src extends string, V extends string> {}
/** The fields a carrier gives the records it carries (sqs: the SQS fields...), and the item each comes from. */
export interface CarrierFields {}
export interface CarrierRaw {}
/** The fields a kind that carries others (SNS, EventBridge) adds to the records inside it. */
export interface InnerCarrierFields {}

type EventName = keyof EventRecords<unknown> & string;
type KindName = keyof KindRecords<unknown, string, string> & string;
type CarrierName = keyof CarrierFields & string;
type InnerName = keyof InnerCarrierFields & string;
/** The carrier paths: `sqs`, `sns-over-sqs`. */
export type Via = CarrierName | { [I in InnerName]: `${I}-over-${Exclude<CarrierName, I>}` }[InnerName];

/** The fields the carrier path `V` gives a record it carries. */
export type FieldsOf<V extends string> = V extends CarrierName
  ? CarrierFields[V]
  : V extends `${infer I extends InnerName}-over-${infer C extends CarrierName}`
    ? CarrierFields[C] & InnerCarrierFields[I]
    : never;
/** The item of the event a record of carrier path `V` comes from. */
export type RawOf<V extends string> = V extends CarrierName ? CarrierRaw[V] : V extends `${string}-over-${infer C extends CarrierName}` ? CarrierRaw[C] : never;

/** A record a carrier path `V` delivered: its payload, the carriers' fields, then the kind's own fields `Own`. */
export type CarriedRecord<T, Src extends string, V extends string, Own> = BaseRecord<T> &
  Omit<FieldsOf<V>, keyof Own | 'source' | 'raw' | keyof BaseRecord<T>> &
  Own & { source: Src; raw: RawOf<V> };

/** The record type of a source. */
export type RecordOf<Src extends Source | 'auto', T> = Src extends 'auto'
  ? AnyRecord<T>
  : Src extends EventName
    ? EventRecords<T>[Src]
    : Src extends `${infer K extends KindName}-over-${infer V extends Via}`
      ? KindRecords<T, Src, V>[K]
      : never;

/** The record type of each source. */
export type RecordsBySource<T> = { [S in Source]: RecordOf<S, T> };

/** A decoded record of any source: narrow it with `record.source`. */
export type AnyRecord<T = unknown> = RecordOf<Source, T>;

/** How a message payload is given: JSON-parsed (default), the string as it is, or its bytes. */
export type PayloadFormat = 'json' | 'text' | 'bytes';

/** DynamoDB numbers: `auto` = number, or bigint for integers beyond 2^53; `string` = every number as its exact string. */
export type NumberMode = 'auto' | 'string';

export interface BaseRecord<T> {
  /** The decoded payload (validated and typed by the schema when one is given). */
  payload: T;
  /** The record's identity: the SQS message id, the Kinesis/DynamoDB sequence number, the SNS message id, the EventBridge event id. */
  id: string;
  /** Position of the item in the event (`event.Records`; 0 for EventBridge; the flattened Kafka records; the log events of a direct CloudWatch Logs subscription). */
  index: number;
}

/** SQS metadata, shared by every record that arrived through a queue. */
export interface SqsFields {
  messageId: string;
  receiptHandle: string;
  attributes: SQSRecordAttributes;
  messageAttributes: SQSMessageAttributes;
  /** `attributes.ApproximateReceiveCount` as a number. */
  receiveCount: number;
  eventSourceArn: string;
  /** True for a FIFO queue (its ARN ends with `.fifo`). */
  fifo: boolean;
  messageGroupId: string | undefined;
}

export interface SqsMessageRecord<T> extends BaseRecord<T>, SqsFields {
  source: 'sqs';
  raw: SQSRecord;
}

export interface SnsMessageRecord<T> extends BaseRecord<T> {
  source: 'sns';
  messageId: string;
  topicArn: string;
  subject: string | undefined;
  timestamp: string;
  messageAttributes: SNSMessageAttributes;
  raw: SNSEventRecord;
}

/** An SNS notification delivered to a queue with raw message delivery off; `id` is the SQS message id. */
export type SnsOverSqsRecord<T> = RecordOf<'sns-over-sqs', T>;

/** A DynamoDB stream record: `payload` is the NewImage (the OldImage for REMOVE; the Keys when the stream has no image). */
export interface DynamoDBChangeRecord<T> extends BaseRecord<T> {
  source: 'dynamodb';
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventId: string;
  sequenceNumber: string;
  keys: Record<string, unknown>;
  newImage: Record<string, unknown> | undefined;
  oldImage: Record<string, unknown> | undefined;
  approximateCreationDateTime: number | undefined;
  streamViewType: string | undefined;
  eventSourceArn: string;
  raw: DynamoDBRecord;
}

/** The sources of S3 notification records: direct, or carried (not through EventBridge, which has its own shape). */
export type S3Source = Exclude<Extract<Source, 's3' | `s3-over-${string}`>, `s3-over-eventbridge${string}`>;

/** What an S3 record's payload is (before a schema transforms it): the object the notification is about. */
export interface S3ObjectRef {
  bucket: string;
  /** URL-decoded (`+` and `%xx`), as you pass it to GetObject. */
  key: string;
  size?: number;
  eTag?: string;
  versionId?: string;
  sequencer?: string;
}

/**
 * An S3 event notification record, direct or delivered through SQS / SNS. `id` is the carrier's message id
 * (SQS message id, SNS message id), or the S3 request id (`x-amz-request-id`) for a direct notification.
 */
export interface S3ObjectRecord<T, Src extends string = S3Source, Raw = SQSRecord | SNSEventRecord | S3EventRecord> extends BaseRecord<T>, S3ObjectRef {
  source: Src;
  eventName: string;
  eventTime: string;
  region: string;
  /** The S3 notification record itself. */
  s3: S3EventRecord;
  /** The SQS or SNS message id that carried it (undefined for a direct notification). */
  messageId: string | undefined;
  /** The SNS topic, for s3-over-sns and s3-over-sns-over-sqs. */
  topicArn: string | undefined;
  /** The item of the event it came from: an SQS record, an SNS record, the S3 record... */
  raw: Raw;
}

/** The payload type: the schema's output type, else by payload format. */
export type PayloadOf<S, P extends PayloadFormat> = S extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<S>
  : P extends 'text'
    ? string
    : P extends 'bytes'
      ? Uint8Array
      : unknown;

/** What is wrong with one record. */
export interface RecordFailure {
  /** Position in `event.Records`. */
  index: number;
  /** For a sub-record of a KPL aggregate: its position in the aggregate (the item is the aggregate, `id` its sequence number). */
  subRecord?: number;
  /** The record's identity (message id / sequence number), when it could be read. */
  id: string | undefined;
  source: Source | (string & {});
  /**
   * `shape`: the record is not what its source sends; `parse`: not JSON; `schema`: the payload failed the schema;
   * `handler`: the eachRecord function threw; `skipped`: not processed after an earlier failure (its FIFO message
   * group, or the FIFO batch with `fifo: 'batch'`; the rest of a KPL aggregate after eachRecord threw).
   */
  kind: 'shape' | 'parse' | 'schema' | 'handler' | 'skipped';
  /** What was wrong, in words. */
  reason: string;
  /** The schema's issues (kind `schema`). */
  issues?: readonly StandardSchemaV1.Issue[];
  /** The thrown value (kind `handler`). */
  cause?: unknown;
}

/** A Kafka record in `batchItemFailures`: its topic-partition (`<topic>-<partition>`) and offset. */
export interface KafkaItemIdentifier {
  partition: string;
  offset: number;
}

/** What names a failed item in `batchItemFailures`. */
export type ItemIdentifier = string | KafkaItemIdentifier;

export interface BatchResponse {
  /** The message id / sequence number of each failed item; for Kafka, `{ partition, offset }`. */
  batchItemFailures: { itemIdentifier: string | KafkaItemIdentifier }[];
}

/** The answer to a Kinesis Firehose data transformation: one entry per record of the event. */
export interface FirehoseTransformationResponse {
  records: { recordId: string; result: 'Ok' | 'Dropped' | 'ProcessingFailed'; data: string }[];
}

/** What a failure in an SQS FIFO batch stops: its message group, or the rest of the batch. */
export type FifoMode = 'group' | 'batch';

/** The options decoding needs (already validated). */
export interface DecodeOptions {
  source: Source | 'auto';
  payload: PayloadFormat;
  numbers: NumberMode;
  schema: StandardSchemaV1 | undefined;
}

export interface RecordsOptions<S extends StandardSchemaV1 | undefined = undefined, P extends PayloadFormat = 'json', Src extends Source | 'auto' = 'auto'> {
  /** `auto` (default) detects the source from the event, per record; a source forces it (no other unwrapping). */
  source?: Src;
  /** A Standard Schema (zod, valibot, arktype...) each payload is validated with; the payload becomes its output. */
  schema?: S;
  /** `json` (default), `text` or `bytes`: for message sources (SQS, SNS, Kinesis). */
  payload?: P;
  /** DynamoDB numbers: `auto` (default) or `string`. */
  numbers?: NumberMode;
  /**
   * Partial batch mode: runs for each record; a record whose decoding, validation or function fails is reported in
   * `{ batchItemFailures }` and every other record is still processed.
   */
  eachRecord?: (record: RecordOf<Src, PayloadOf<S, P>>, context: Context) => unknown;
  /** Partial batch mode: how many records of a standard SQS queue or SNS event run at once (default 1). */
  concurrency?: number;
  /**
   * Partial batch mode, SQS FIFO queues: after a failure, `group` (default) stops that message group only (its later
   * messages are reported failed, unprocessed; the other groups go on), `batch` stops the whole batch.
   */
  fifo?: FifoMode;
}
