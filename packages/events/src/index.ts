export { sqsEvent, md5OfMessageAttributes, type SqsOptions, type SqsAttributeInput } from './sqs.js';
export {
  snsEvent,
  snsOverSqsEvent,
  type SnsOptions,
  type SnsOverSqsOptions,
  type SnsTopicOptions,
  type SnsAttributeInput,
} from './sns.js';
export { kinesisEvent, type KinesisOptions } from './kinesis.js';
export {
  dynamodbStreamEvent,
  type DynamoDBChange,
  type DynamoDBEventName,
  type DynamoDBStreamOptions,
  type StreamViewType,
} from './dynamodb.js';
export { marshallValue, marshallItem } from './marshall.js';
export {
  eventBridgeEvent,
  eventBridgeOverSqsEvent,
  s3EventBridgeEvent,
  type EventBridgeOverrides,
  type S3EventBridgeObject,
} from './eventbridge.js';
export { cloudWatchLogsEvent, cloudWatchLogsData, cloudWatchLogsBatch, type CloudWatchLogsOptions } from './cloudwatch-logs.js';
export { firehoseEvent, type FirehoseOptions } from './firehose.js';
export { kafkaEvent, type KafkaOptions } from './kafka.js';
export { kplAggregate, type KplOptions } from './kpl.js';
export { s3Event, s3EncodeKey, type S3Notification, type S3Options } from './s3.js';
export { sesNotification, type SesNotification, type SesNotificationOptions } from './ses.js';
export { lambdaContext, type LambdaContextOptions } from './context.js';
export { invoke, type AnyHandler, type HandlerEvent, type HandlerContext, type HandlerResult } from './invoke.js';
export { EventBuildError, type CommonOptions, type DeepPartial, type Payload, type RecordOverride } from './util.js';
export {
  apiGatewayV1Event,
  apiGatewayV2Event,
  functionUrlEvent,
  albEvent,
  vpcLatticeEvent,
  vpcLatticeV2Event,
  type HttpEventOptions,
  type AlbEventOptions,
  type VpcLatticeEventOptions,
} from './http.js';
