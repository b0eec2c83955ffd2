import type { S3Event, S3EventRecord } from 'aws-lambda';
import { type CommonOptions, type RecordOverride, EventBuildError, applyOverride, base64, common, hex, isPlainObject, isoTime, stringOption } from './util.js';
import { describeValue } from '@lambdaware/shared';

/** One S3 object notification. */
export interface S3Notification {
  bucket: string;
  /** The object key as stored (decoded); the event carries it URL-encoded as S3 does (`a b.txt` → `a+b.txt`). */
  key: string;
  /** Object size in bytes (default 1024; left out for ObjectRemoved events, as S3 does). */
  size?: number;
  /** Event name without the `s3:` prefix (default `ObjectCreated:Put`). */
  eventName?: string;
  eTag?: string;
  versionId?: string;
}

export interface S3Options extends CommonOptions {
  /** Notification configuration id (default `lambdaware-test-notification`). */
  configurationId?: string;
  /** Field overrides for each record: an object deep-merged into it, or a function `(record, index) => record`. */
  record?: RecordOverride<S3EventRecord>;
}

/** Encodes a key as S3 event notifications do: form-URL encoding, `/` kept. */
export function s3EncodeKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/')
    .replace(/[!'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The object of the one record made when none is given. */
const DEFAULT_OBJECT: S3Notification = { bucket: 'test-bucket', key: 'test-key.json' };

let sequencer = BigInt(`0x${hex(7)}`) << 8n;

/**
 * An S3 event notification with one record per object. Wrap it for S3 → SQS / S3 → SNS delivery:
 * `sqsEvent(s3Event(...))`, `snsEvent(s3Event(...))`, `snsOverSqsEvent(s3Event(...))`.
 *
 * @example s3Event([{ bucket: 'uploads', key: 'photos/cat 1.jpg', size: 2048 }])
 */
export function s3Event(objects?: S3Notification | readonly S3Notification[], options?: S3Options): S3Event {
  const builder = 's3Event';
  const { region, nowMs } = common(builder, options);
  const configurationId = stringOption(builder, 'configurationId', options?.configurationId, 'lambdaware-test-notification');
  const list: unknown[] = objects === undefined ? [DEFAULT_OBJECT] : Array.isArray(objects) ? [...objects] : [objects];
  const records = list.map((object, index): S3EventRecord => {
    const at = `${builder}: object at index ${index}`;
    if (!isPlainObject(object)) throw new EventBuildError(`${at} must be an object { bucket, key, size?, eventName? }, got ${describeValue(object)}`);
    const { bucket, key, size, eventName = 'ObjectCreated:Put', eTag, versionId } = object as unknown as S3Notification;
    if (typeof bucket !== 'string' || bucket === '') throw new EventBuildError(`${at}: "bucket" must be a non-empty string, got ${describeValue(bucket)}`);
    if (typeof key !== 'string' || key === '') throw new EventBuildError(`${at}: "key" must be a non-empty string, got ${describeValue(key)}`);
    if (size !== undefined && (!Number.isInteger(size) || size < 0)) {
      throw new EventBuildError(`${at}: "size" must be a non-negative integer, got ${describeValue(size)}`);
    }
    if (typeof eventName !== 'string' || eventName === '') throw new EventBuildError(`${at}: "eventName" must be a string, got ${describeValue(eventName)}`);
    const removed = eventName.startsWith('ObjectRemoved');
    const record: S3EventRecord = {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: region,
      eventTime: isoTime(nowMs - 300 + index),
      eventName: eventName.replace(/^s3:/, ''),
      userIdentity: { principalId: 'AWS:AIDAJDPLRKLG7UEXAMPLE' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: {
        'x-amz-request-id': hex(8).toUpperCase(),
        'x-amz-id-2': base64(57),
      },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId,
        bucket: {
          name: bucket,
          ownerIdentity: { principalId: 'A3NL1KOZZKEXAMPLE' },
          arn: `arn:aws:s3:::${bucket}`,
        },
        object: {
          key: s3EncodeKey(key),
          ...(removed ? {} : { size: size ?? 1024, eTag: eTag ?? hex(16) }),
          ...(versionId === undefined ? {} : { versionId }),
          sequencer: (sequencer += 256n).toString(16).toUpperCase().padStart(18, '0'),
        } as S3EventRecord['s3']['object'],
      },
    };
    return applyOverride(builder, record, index, options?.record);
  });
  return { Records: records };
}
