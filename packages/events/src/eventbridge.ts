import type { EventBridgeEvent, SQSEvent } from 'aws-lambda';
import { type SqsOptions, sqsEvent } from './sqs.js';
import { type DeepPartial, DEFAULT_ACCOUNT_ID, EventBuildError, common, deepMerge, hex, isPlainObject, uuid } from './util.js';
import { describeValue } from '@lambdaware/shared';

/** Fields of the event to set (deep-merged over the defaults; a key set to `undefined` removes it), plus `now`. */
export type EventBridgeOverrides<TDetailType extends string = string> = DeepPartial<Omit<EventBridgeEvent<TDetailType, unknown>, 'detail' | 'detail-type'>> & {
  'detail-type'?: TDetailType;
  /** Clock for `time`, a Date or epoch milliseconds (default: now). */
  now?: Date | number;
};

/**
 * One EventBridge event carrying `detail` as it is (EventBridge delivers it as a JSON object, not a string).
 *
 * @example eventBridgeEvent({ orderId: 1 }, { 'detail-type': 'OrderPlaced', source: 'com.example.orders' })
 */
export function eventBridgeEvent<TDetail = Record<string, never>, TDetailType extends string = string>(
  detail: TDetail = {} as TDetail,
  overrides?: EventBridgeOverrides<TDetailType>,
): EventBridgeEvent<TDetailType, TDetail> {
  const builder = 'eventBridgeEvent';
  if (overrides !== undefined && !isPlainObject(overrides as unknown)) {
    throw new EventBuildError(`${builder}: the second argument must be an object of event fields, got ${describeValue(overrides)}`);
  }
  const { now, ...fields } = overrides ?? {};
  const { region, accountId, nowMs } = common(builder, {
    now,
    region: typeof fields.region === 'string' ? fields.region : undefined,
    accountId: typeof fields.account === 'string' ? fields.account : undefined,
  });
  const event = {
    version: '0',
    id: uuid(),
    'detail-type': 'Test Event',
    source: 'com.example.test',
    account: accountId,
    // EventBridge writes whole seconds.
    time: new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    region,
    resources: [] as string[],
    detail,
  };
  return deepMerge(event, fields) as EventBridgeEvent<TDetailType, TDetail>;
}

/** One S3 object event as S3 sends it to EventBridge. */
export interface S3EventBridgeObject {
  bucket: string;
  /** The object key, as EventBridge carries it (not URL-encoded). */
  key: string;
  /** Size in bytes (default 1024; left out for `Object Deleted`). */
  size?: number;
  eTag?: string;
  versionId?: string;
  /** `Object Created` (default), `Object Deleted`, `Object Restore Completed`, ... */
  detailType?: string;
  /** `PutObject` (default for Object Created), `DeleteObject` (default for Object Deleted), `CopyObject`, ... */
  reason?: string;
}

/**
 * An S3 event delivered through EventBridge (a bucket with EventBridge notifications on), as the S3 User Guide
 * documents it ("EventBridge event message structure"): `source: "aws.s3"`, the bucket in `resources`, the object
 * in `detail`.
 *
 * @example s3EventBridgeEvent({ bucket: 'uploads', key: 'photos/cat.jpg', size: 2048 })
 */
export function s3EventBridgeEvent(object: S3EventBridgeObject, overrides?: EventBridgeOverrides): EventBridgeEvent<string, Record<string, unknown>> {
  const builder = 's3EventBridgeEvent';
  if (!isPlainObject(object) || typeof object.bucket !== 'string' || object.bucket === '' || typeof object.key !== 'string' || object.key === '') {
    throw new EventBuildError(`${builder}: the first argument must be { bucket, key, ... } with non-empty strings, got ${describeValue(object)}`);
  }
  const detailType = object.detailType ?? 'Object Created';
  const deleted = detailType === 'Object Deleted';
  const detail: Record<string, unknown> = {
    version: '0',
    bucket: { name: object.bucket },
    object: {
      key: object.key,
      ...(deleted ? {} : { size: object.size ?? 1024, etag: object.eTag ?? hex(16) }),
      ...(object.versionId === undefined ? {} : { 'version-id': object.versionId }),
      sequencer: hex(9).toUpperCase().slice(0, 17),
    },
    'request-id': hex(8).toUpperCase(),
    requester: overrides?.account ?? DEFAULT_ACCOUNT_ID,
    'source-ip-address': '192.0.2.10',
    reason: object.reason ?? (deleted ? 'DeleteObject' : 'PutObject'),
    ...(deleted ? { 'deletion-type': 'Permanently Deleted' } : {}),
  };
  return eventBridgeEvent(detail, {
    'detail-type': detailType,
    source: 'aws.s3',
    resources: [`arn:aws:s3:::${object.bucket}`],
    ...overrides,
  }) as EventBridgeEvent<string, Record<string, unknown>>;
}

/**
 * An SQS event as an EventBridge rule with an SQS target delivers it: one record per detail, each body the JSON of a
 * whole EventBridge event (`eventBridgeEvent(detail, eventBridge)`).
 *
 * @example eventBridgeOverSqsEvent([{ orderId: 1 }], { eventBridge: { 'detail-type': 'OrderPlaced' }, queueName: 'orders' })
 */
export function eventBridgeOverSqsEvent(details?: unknown, options?: SqsOptions & { eventBridge?: EventBridgeOverrides }): SQSEvent {
  const { eventBridge, ...sqsOptions } = options ?? {};
  const list = details === undefined ? [{}] : Array.isArray(details) ? details : [details];
  return sqsEvent(
    list.map((d) =>
      eventBridgeEvent(d, {
        ...(sqsOptions.now === undefined ? {} : { now: sqsOptions.now }),
        ...(sqsOptions.region === undefined ? {} : { region: sqsOptions.region }),
        ...(sqsOptions.accountId === undefined ? {} : { account: sqsOptions.accountId }),
        ...eventBridge,
      }),
    ),
    sqsOptions,
  );
}
