export { records, decapsulate, processBatch, DROP, SOURCES, type RecordsContext, type ResponseOf, type RecordsApi } from './records.js';
export { RecordsError, RecordsOptionError } from './errors.js';
export { KplAggregateError } from './kpl.js';
export type {
  CloudWatchLogsRecord,
  CloudWatchLogsFields,
  CloudWatchLogsOverKinesisRecord,
  CloudWatchLogsOverFirehoseRecord,
} from './sources/cloudwatch-logs.js';
export type { EventBridgeFields, EventBridgeEventRecord, EventBridgeOverSqsRecord } from './sources/eventbridge.js';
export type { S3OverEventBridgeRecord } from './sources/s3.js';
export type { FirehoseRecord, FirehoseFields } from './sources/firehose.js';
export type { KafkaRecord } from './sources/kafka.js';
export type { KinesisFields, KinesisDataRecord } from './sources/kinesis.js';
export type { SesFields, SesOverSnsRecord } from './sources/ses.js';
export type { SnsFields, SnsInnerFields, SnsMessageRecord } from './sources/sns.js';
export type { SqsFields, SqsMessageRecord } from './sources/sqs.js';
export type { DynamoDBChangeRecord } from './sources/dynamodb.js';
export type { S3ObjectRecord, S3ObjectRef } from './sources/s3.js';
export {
  type Source,
  type S3Source,
  type PayloadFormat,
  type NumberMode,
  type FifoMode,
  type RecordsOptions,
  type RecordFailure,
  type BatchResponse,
  type FirehoseTransformationResponse,
  type KafkaItemIdentifier,
  type ItemIdentifier,
  type AnyRecord,
  type RecordOf,
  type PayloadOf,
  type RecordsBySource,
  type SnsOverSqsRecord,
} from './types.js';
