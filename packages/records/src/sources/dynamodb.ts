import type { DynamoDBRecord } from 'aws-lambda';
import { describeValue, isObject } from '@lambdaware/shared';
import { itemFailures } from '../batch.js';
import { AttributeValueError, isAttributeMap, unmarshallMap } from '../dynamodb.js';
import { type Ctx, type Entry, type EventSource, type Obj, str } from '../source.js';
import { RecordProblem } from '../text.js';
import type { DynamoDBChangeRecord } from '../types.js';

/** DynamoDB streams: the event source (images unmarshalled; src/dynamodb.ts says why by hand). */

declare module '../types.js' {
  interface EventRecords<T> {
    dynamodb: DynamoDBChangeRecord<T>;
  }
}

const image = (v: unknown, name: string, o: Ctx, inPlace: boolean): Record<string, unknown> | undefined => {
  if (v === undefined) return undefined;
  if (inPlace) {
    // unmarshalled in place by a body parser; it writes {} for an image the record does not carry
    return isObject(v) && Object.keys(v).length > 0 ? v : undefined;
  }
  try {
    return unmarshallMap(v, o.numbers, name);
  } catch (e) {
    if (e instanceof AttributeValueError) throw new RecordProblem('shape', e.message);
    throw e;
  }
};

const decode = (raw: unknown, index: number, o: Ctx): Entry => {
  const r = raw as Obj;
  const d = r.dynamodb;
  if (!isObject(d)) throw new RecordProblem('shape', 'the record has no dynamodb object');
  const id = str(d.SequenceNumber);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no dynamodb.SequenceNumber');
  const eventName = r.eventName;
  if (eventName !== 'INSERT' && eventName !== 'MODIFY' && eventName !== 'REMOVE') {
    throw new RecordProblem('shape', `the record has eventName ${describeValue(eventName)} (expected INSERT, MODIFY or REMOVE)`);
  }
  // Keys are always attribute values in a stream record: plain values mean @middy/event-normalizer unmarshalled them.
  const inPlace = isObject(d.Keys) && Object.keys(d.Keys).length > 0 && !isAttributeMap(d.Keys);
  const keys = image(d.Keys, 'dynamodb.Keys', o, inPlace) ?? {};
  const newImage = image(d.NewImage, 'dynamodb.NewImage', o, inPlace);
  const oldImage = image(d.OldImage, 'dynamodb.OldImage', o, inPlace);
  return {
    payload: (eventName === 'REMOVE' ? oldImage : newImage) ?? keys,
    id,
    index,
    source: 'dynamodb',
    eventName,
    eventId: str(r.eventID) ?? '',
    sequenceNumber: id,
    keys,
    newImage,
    oldImage,
    approximateCreationDateTime: typeof d.ApproximateCreationDateTime === 'number' ? d.ApproximateCreationDateTime : undefined,
    streamViewType: str(d.StreamViewType),
    eventSourceArn: str(r.eventSourceARN) ?? '',
    raw: raw as DynamoDBRecord,
  };
};

export const dynamodb = {
  name: 'dynamodb',
  label: 'DynamoDB stream',
  article: 'a',
  eventSource: 'aws:dynamodb',
  structured: true,
  carrier: false,
  ordered: true,
  answer: itemFailures,
  decode,
  idOf: (raw) => (isObject(raw) && isObject(raw.dynamodb) ? str(raw.dynamodb.SequenceNumber) : undefined),
} as const satisfies EventSource;

// (re-exported from here: a declaration file importing this one gets its record types added, module augmentation)
export type { DynamoDBChangeRecord } from '../types.js';
