import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent, StreamRecord } from 'aws-lambda';
import { itemSize, marshallItem } from './marshall.js';
import {
  type CommonOptions,
  type RecordOverride,
  EventBuildError,
  applyOverride,
  common,
  digits,
  hex,
  isPlainObject,
  stringOption,
  toList,
  checkOption,
} from './util.js';
import { describeValue, is } from '@lambdaware/shared';

export type DynamoDBEventName = 'INSERT' | 'MODIFY' | 'REMOVE';
export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

/** One change, in plain JavaScript values (marshalled to attribute-value form by the builder). */
export interface DynamoDBChange {
  /** INSERT, MODIFY or REMOVE; when omitted: only newImage → INSERT, both → MODIFY, only oldImage → REMOVE. */
  eventName?: DynamoDBEventName;
  /** The item's key attributes, e.g. `{ pk: 'user#1', sk: 0 }`. They are also part of each image. */
  keys: Record<string, unknown>;
  newImage?: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
  /** A deletion by Time To Live: adds the `userIdentity` of the DynamoDB service (REMOVE only). */
  ttl?: boolean;
}

export interface DynamoDBStreamOptions extends CommonOptions {
  /** Table name in `eventSourceARN` (default `test-table`). */
  tableName?: string;
  /** StreamViewType of the stream (default NEW_AND_OLD_IMAGES); images the view does not carry are left out. */
  streamViewType?: StreamViewType;
  /** Field overrides for each record: an object deep-merged into it, or a function `(record, index) => record`. */
  record?: RecordOverride<DynamoDBRecord>;
}

const VIEW_TYPES: readonly StreamViewType[] = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'];
const EVENT_NAMES: readonly DynamoDBEventName[] = ['INSERT', 'MODIFY', 'REMOVE'];

/** The change of the one record made when none is given. */
const DEFAULT_CHANGE: DynamoDBChange = { keys: { id: '1' }, newImage: { id: '1' } };

let sequence = BigInt(digits(25));
const streamLabel = new Date(Date.UTC(2024, 0, 1)).toISOString().replace(/Z$/, '');

/**
 * A DynamoDB Streams event with one record per change; keys and images are given as plain objects and
 * marshalled into attribute-value form (numbers as strings, bigint exact, Uint8Array as B, Set as SS/NS/BS).
 *
 * @example dynamodbStreamEvent({ keys: { id: '1' }, newImage: { id: '1', total: 12n ** 20n } })
 */
export function dynamodbStreamEvent(changes?: DynamoDBChange | readonly DynamoDBChange[], options?: DynamoDBStreamOptions): DynamoDBStreamEvent {
  const builder = 'dynamodbStreamEvent';
  const { region, accountId, nowMs } = common(builder, options);
  const tableName = stringOption(builder, 'tableName', options?.tableName, 'test-table');
  const view = options?.streamViewType ?? 'NEW_AND_OLD_IMAGES';
  checkOption(builder, 'streamViewType', view, is.oneOf(VIEW_TYPES));
  const records = toList(changes, DEFAULT_CHANGE).map((change, index): DynamoDBRecord => {
    const at = `${builder}: change at index ${index}`;
    if (!isPlainObject(change)) throw new EventBuildError(`${at} must be an object { keys, newImage?, oldImage?, eventName? }, got ${describeValue(change)}`);
    if (change.keys === undefined) throw new EventBuildError(`${at} has no "keys"`);
    const Keys = marshallItem(change.keys, `${at}: keys`);
    if (Object.keys(Keys).length === 0) throw new EventBuildError(`${at} has no key attributes in "keys"`);
    const NewImage = change.newImage === undefined ? undefined : { ...Keys, ...marshallItem(change.newImage, `${at}: newImage`) };
    const OldImage = change.oldImage === undefined ? undefined : { ...Keys, ...marshallItem(change.oldImage, `${at}: oldImage`) };
    const eventName = change.eventName ?? inferEventName(NewImage, OldImage);
    if (eventName === undefined) {
      throw new EventBuildError(`${at} has neither "newImage" nor "oldImage"; give "eventName" (INSERT, MODIFY or REMOVE) for a keys-only change`);
    }
    if (!EVENT_NAMES.includes(eventName)) {
      throw new EventBuildError(`${at}: "eventName" must be one of ${EVENT_NAMES.join(', ')}, got ${describeValue(eventName)}`);
    }
    const dynamodb: StreamRecord = {
      ApproximateCreationDateTime: Math.floor(nowMs / 1000),
      Keys,
      ...(NewImage && (view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES') ? { NewImage } : {}),
      ...(OldImage && (view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES') ? { OldImage } : {}),
      SequenceNumber: String((sequence += 100n + BigInt(index))),
      SizeBytes: 0,
      StreamViewType: view,
    };
    dynamodb.SizeBytes = itemSize(dynamodb.Keys) + itemSize(dynamodb.NewImage) + itemSize(dynamodb.OldImage);
    const record: DynamoDBRecord = {
      eventID: hex(16),
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: region,
      dynamodb,
      eventSourceARN: `arn:aws:dynamodb:${region}:${accountId}:table/${tableName}/stream/${streamLabel}`,
      ...(change.ttl ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
    };
    return applyOverride(builder, record, index, options?.record);
  });
  return { Records: records };
}

function inferEventName(
  newImage: Record<string, AttributeValue> | undefined,
  oldImage: Record<string, AttributeValue> | undefined,
): DynamoDBEventName | undefined {
  if (newImage && oldImage) return 'MODIFY';
  if (newImage) return 'INSERT';
  if (oldImage) return 'REMOVE';
  return undefined;
}
