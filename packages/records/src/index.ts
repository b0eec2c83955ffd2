export { records, decapsulate, processBatch, DROP, type RecordsContext, type ResponseOf } from './records.js';
export { RecordsError, RecordsOptionError } from './errors.js';
export { SOURCES } from './sources/index.js';
export type { CloudWatchLogsRecord, CloudWatchLogsFields } from './sources/cloudwatch-logs.js';
export type { CloudWatchLogsOverKinesisRecord } from './sources/kinesis.js';
export type { EventBridgeFields, S3OverEventBridgeRecord } from './sources/eventbridge.js';
export type { EventBridgeOverSqsRecord } from './sources/sqs.js';
export type { FirehoseRecord } from './sources/firehose.js';
export type { KafkaRecord } from './sources/kafka.js';
export {
  type Source,
  type S3Source,
  type PayloadFormat,
  type NumberMode,
  type RecordsOptions,
  type RecordFailure,
  type BatchResponse,
  type FirehoseTransformationResponse,
  type KafkaItemIdentifier,
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
  type EventBridgeEventRecord,
  type S3ObjectRecord,
  type S3ObjectRef,
} from './types.js';
