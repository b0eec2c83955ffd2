import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { EventBridgeFields } from './sources/eventbridge.js';
import type {
  Context,
  DynamoDBRecord,
  EventBridgeEvent,
  KinesisStreamRecord,
  S3EventRecord,
  SNSEventRecord,
  SNSMessage,
  SNSMessageAttributes,
  SQSMessageAttributes,
  SQSRecord,
  SQSRecordAttributes,
} from 'aws-lambda';

/**
 * Where a record came from; `x-over-y` means an `x` message delivered inside a `y` message. One name per key of
 * `RecordsBySource`, which the files of `sources/` fill in (each with the record types its event yields).
 */
export type Source = keyof RecordsBySource<unknown>;
export type S3Source = 's3' | 's3-over-sqs' | 's3-over-sns' | 's3-over-sns-over-sqs';

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
export interface SnsOverSqsRecord<T> extends BaseRecord<T>, SqsFields {
  source: 'sns-over-sqs';
  snsMessageId: string;
  topicArn: string;
  subject: string | undefined;
  snsTimestamp: string;
  snsMessageAttributes: SNSMessageAttributes;
  /** The SNS notification parsed from the SQS body. */
  notification: SNSMessage;
  raw: SQSRecord;
}

export interface KinesisDataRecord<T> extends BaseRecord<T> {
  source: 'kinesis';
  sequenceNumber: string;
  partitionKey: string;
  shardId: string;
  eventId: string;
  approximateArrivalTimestamp: number;
  eventSourceArn: string;
  /** For a sub-record of a KPL aggregate: its position in the aggregate (all share the aggregate's sequence number). */
  subSequenceNumber?: number;
  /** For a sub-record of a KPL aggregate: its explicit hash key, when the producer set one. */
  explicitHashKey?: string | undefined;
  raw: KinesisStreamRecord;
}

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

/** An EventBridge event: `payload` is its `detail`. */
export interface EventBridgeEventRecord<T> extends BaseRecord<T>, EventBridgeFields {
  source: 'eventbridge';
  raw: EventBridgeEvent<string, unknown>;
}

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
export interface S3ObjectRecord<T, Src extends S3Source = S3Source> extends BaseRecord<T>, S3ObjectRef {
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
  /** The record of `event.Records` it came from: an SQS record, an SNS record or the S3 record. */
  raw: SQSRecord | SNSEventRecord | S3EventRecord;
}

/**
 * The record type of each source. Empty here: each file of `sources/` adds the sources its kind of event yields (module
 * augmentation), so adding a source is one file.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export interface RecordsBySource<T> {}

/** A decoded record of any source: narrow it with `record.source`. */
export type AnyRecord<T = unknown> = RecordsBySource<T>[Source];

/** The record type for a `source` option (`auto` gives the union of every source). */
export type RecordOf<Src extends Source | 'auto', T> = Src extends Source ? RecordsBySource<T>[Src] : AnyRecord<T>;

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
  /** The record's identity (message id / sequence number), when it could be read. */
  id: string | undefined;
  source: Source;
  /**
   * `shape`: the record is not what its source sends; `parse`: not JSON; `schema`: the payload failed the schema;
   * `handler`: the eachRecord function threw; `skipped`: not processed after an earlier failure (FIFO queue).
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

export interface BatchResponse {
  /** The message id / sequence number of each failed item; for Kafka, `{ partition, offset }`. */
  batchItemFailures: { itemIdentifier: string | KafkaItemIdentifier }[];
}

/** The answer to a Kinesis Firehose data transformation: one entry per record of the event. */
export interface FirehoseTransformationResponse {
  records: { recordId: string; result: 'Ok' | 'Dropped' | 'ProcessingFailed'; data: string }[];
}

/** The options decoding needs (already validated). */
export interface DecodeOptions {
  source: Source | 'auto';
  payload: PayloadFormat;
  numbers: NumberMode;
  schema: StandardSchemaV1 | undefined;
}

export interface RecordsOptions<
  S extends StandardSchemaV1 | undefined = undefined,
  P extends PayloadFormat = 'json',
  Src extends Source | 'auto' = 'auto',
> {
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
}
