import type { SNSEventRecord } from 'aws-lambda';
import { safeString } from '@lambdaware/shared';
import { type Descriptor, type Entry, EventBridgeFound, type Obj, RecordProblem, S3List, isObject, readMessage, s3Entry, str } from './common.js';

declare module '../types.js' {
  interface RecordsBySource<T> {
    sns: SnsMessageRecord<T>;
    's3-over-sns': S3ObjectRecord<T, 's3-over-sns'>;
  }
}

const decode = (raw: unknown, index: number, o: Parameters<Descriptor['decode']>[2]): Entry => {
  const r = raw as Obj;
  const sns = r.Sns;
  if (!isObject(sns)) throw new RecordProblem('shape', 'the record has no Sns object');
  const id = str(sns.MessageId);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no Sns.MessageId');
  const m = sns.Message;
  // @middy/event-normalizer parses the Message in place: that value is the payload.
  const inPlace = typeof m !== 'string';
  if (inPlace && (typeof m !== 'object' || m === null)) throw new RecordProblem('shape', 'the record has no string Sns.Message');
  const want = o.source;
  const expect = want === 'auto' ? (o.payload === 'json' || inPlace ? 'auto' : 'plain') : want === 's3-over-sns' ? 's3' : 'plain';
  const source = want === 's3-over-sns' ? want : 'sns';
  const message = inPlace ? readMessage(undefined, expect, 'Sns.Message', o, source, m) : readMessage(m, expect, 'Sns.Message', o, source);
  const topicArn = str(sns.TopicArn) ?? '';
  const snsRecord = raw as SNSEventRecord;
  if (message instanceof S3List) return s3Entry(message.list, index, id, 's3-over-sns', snsRecord, id, topicArn, !inPlace);
  return {
    payload: message instanceof EventBridgeFound ? message.event : message,
    id,
    index,
    source: 'sns',
    messageId: id,
    topicArn,
    subject: str(sns.Subject) ?? undefined,
    timestamp: safeString(sns.Timestamp),
    messageAttributes: (isObject(sns.MessageAttributes) ? sns.MessageAttributes : {}) as SNSEventRecord['Sns']['MessageAttributes'],
    raw: snsRecord,
  };
};

export const sns = {
  kind: 'sns',
  label: 'SNS',
  article: 'an',
  sources: ['sns', 's3-over-sns'],
  eventSource: 'aws:sns',
  structured: false,
  partial: 'none',
  ordered: false,
  decode,
  idOf: (raw) => (isObject(raw) && isObject(raw.Sns) ? str(raw.Sns.MessageId) : undefined),
} as const satisfies Descriptor;
