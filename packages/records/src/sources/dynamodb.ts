import type { DynamoDBRecord } from 'aws-lambda';
import { describeValue } from '@lambdaware/shared';
import { AttributeValueError, isAttributeMap, unmarshallMap } from '../dynamodb.js';
import type { DynamoDBChangeRecord } from '../types.js';
import { type Descriptor, type Entry, type Obj, RecordProblem, isObject, str } from './common.js';

declare module '../types.js' {
  interface RecordsBySource<T> {
    dynamodb: DynamoDBChangeRecord<T>;
  }
}

const image = (v: unknown, name: string, o: Parameters<Descriptor['decode']>[2], inPlace: boolean): Record<string, unknown> | undefined => {
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

const decode = (raw: unknown, index: number, o: Parameters<Descriptor['decode']>[2]): Entry => {
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
  kind: 'dynamodb',
  label: 'DynamoDB stream',
  article: 'a',
  sources: ['dynamodb'],
  eventSource: 'aws:dynamodb',
  structured: true,
  partial: 'batchItemFailures',
  ordered: true,
  decode,
  idOf: (raw) => (isObject(raw) && isObject(raw.dynamodb) ? str(raw.dynamodb.SequenceNumber) : undefined),
} as const satisfies Descriptor;
