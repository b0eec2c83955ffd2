export { records, decapsulate, processBatch, DROP, SOURCES, type RecordsContext, type ResponseOf, type RecordsApi } from './records.js';
export { RecordsError, RecordsOptionError } from './errors.js';
export { KplAggregateError } from './kpl.js';
export type { CloudWatchLogsRecord, CloudWatchLogsFields, CloudWatchLogsOverKinesisRecord, CloudWatchLogsOverFirehoseRecord } from './sources/cloudwatch-logs.js';
export type { EventBridgeFields, EventBridgeEventRecord, EventBridgeOverSqsRecord } from './sources/eventbridge.js';
export type { S3OverEventBridgeRecord } from './sources/s3.js';
export type { FirehoseRecord, FirehoseFields } from './sources/firehose.js';
export type { KafkaRecord } from './sources/kafka.js';
export type { KinesisFields } from './sources/kinesis.js';
export type { SesFields, SesOverSnsRecord } from './sources/ses.js';
export type { SnsFields, SnsInnerFields } from './sources/sns.js';
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
  type SqsFields,
  type SqsMessageRecord,
  type SnsMessageRecord,
  type SnsOverSqsRecord,
  type KinesisDataRecord,
  type DynamoDBChangeRecord,
  type S3ObjectRecord,
  type S3ObjectRef,
} from './types.js';
