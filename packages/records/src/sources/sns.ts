import type { SNSEventRecord, SNSMessage, SNSMessageAttributes } from 'aws-lambda';
import { isObject, safeString } from '@lambdaware/shared';
import { noPartialAnswer } from '../batch.js';
import { type Ctx, type Entry, type EventSource, type Kind, type Message, type Obj, type Via, carriedRecord, payloadOf, str } from '../source.js';
import { RecordProblem } from '../text.js';
import type { CarriedRecord, SnsMessageRecord } from '../types.js';

/**
 * SNS: the event source (a topic invoking the function), a carrier, and a payload kind (a notification delivered to
 * a queue with raw message delivery off, or anywhere else a notification is written as JSON).
 */

/** The fields of an SNS notification on the records it carried inside another carrier (`sns-` where the carrier has its own). */
export interface SnsInnerFields {
  snsMessageId: string;
  topicArn: string;
  subject: string | undefined;
  snsTimestamp: string;
  snsMessageAttributes: SNSMessageAttributes;
  /** The SNS notification itself. */
  notification: SNSMessage;
}

/** The fields of a topic's record, on every record an SNS event carried. */
export type SnsFields = Pick<SnsMessageRecord<unknown>, 'messageId' | 'topicArn' | 'subject' | 'timestamp' | 'messageAttributes'>;

/** An SNS notification that came through another carrier (`sns-over-sqs`): that carrier's fields, then the notification's. */
export type SnsCarriedRecord<T, Src extends string, V extends string> = CarriedRecord<T, Src, V, SnsInnerFields>;

declare module '../types.js' {
  interface EventRecords<T> {
    sns: SnsMessageRecord<T>;
  }
  interface KindRecords<T, Src extends string, V extends string> {
    sns: SnsCarriedRecord<T, Src, V>;
  }
  interface CarrierFields {
    sns: SnsFields;
  }
  interface CarrierRaw {
    sns: SNSEventRecord;
  }
  interface InnerCarrierFields {
    sns: SnsInnerFields;
  }
}

/** The Message of a notification, as a message to read. */
const messageOf = (m: unknown, what: string, normalized: boolean | undefined): Message =>
  typeof m === 'string' ? { text: m, what, normalized } : { text: undefined, value: m, what, normalized: true };

const decode = (raw: unknown, index: number, o: Ctx): Entry => {
  const r = raw as Obj;
  const sns = r.Sns;
  if (!isObject(sns)) throw new RecordProblem('shape', 'the record has no Sns object');
  const id = str(sns.MessageId);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no Sns.MessageId');
  const m = sns.Message;
  // @middy/event-normalizer parses the Message in place: that value is the payload.
  if (typeof m !== 'string' && (typeof m !== 'object' || m === null)) throw new RecordProblem('shape', 'the record has no string Sns.Message');
  const fields: SnsFields = {
    messageId: id,
    topicArn: str(sns.TopicArn) ?? '',
    subject: str(sns.Subject) ?? undefined,
    timestamp: safeString(sns.Timestamp),
    messageAttributes: (isObject(sns.MessageAttributes) ? sns.MessageAttributes : {}) as SNSEventRecord['Sns']['MessageAttributes'],
  };
  const via: Via = { source: 'sns', id, index, raw, fields: () => fields };
  const message = messageOf(m, 'Sns.Message', false);
  const plain = (payload: unknown): Entry => ({ payload, id, index, source: 'sns', ...fields, raw: raw as SNSEventRecord });
  return o.carry === undefined ? plain(payloadOf(message, o, 'sns')) : o.carry.message(message, via, o, plain);
};

export const sns = {
  name: 'sns',
  label: 'SNS',
  article: 'an',
  eventSource: 'aws:sns',
  structured: false,
  carrier: true,
  ordered: false,
  decode,
  idOf: (raw) => (isObject(raw) && isObject(raw.Sns) ? str(raw.Sns.MessageId) : undefined),
  answer: noPartialAnswer,
} as const satisfies EventSource;

/** An SNS notification inside a message: its Message is read in turn (any kind may be in it). */
export const snsKind = {
  name: 'sns',
  carries: true,
  is: 'an SNS notification (raw message delivery on? use source: "sqs")',
  structured: false,
  test: (v) =>
    v.Type === 'Notification' &&
    (typeof v.Message === 'string' || isObject(v.Message) || Array.isArray(v.Message)) &&
    typeof v.MessageId === 'string' &&
    typeof v.TopicArn === 'string',
  read: (n, m, via, o) => {
    const own: SnsInnerFields = {
      snsMessageId: n.MessageId as string,
      topicArn: n.TopicArn as string,
      subject: str(n.Subject) ?? undefined,
      snsTimestamp: safeString(n.Timestamp),
      snsMessageAttributes: (isObject(n.MessageAttributes) ? n.MessageAttributes : {}) as SNSMessageAttributes,
      notification: n as unknown as SNSMessage,
    };
    const source = `sns-over-${via.source}`;
    const inner: Via = { source, id: via.id, index: via.index, raw: via.raw, fields: () => ({ ...via.fields(), ...own }) };
    const message = messageOf(n.Message, `the SNS Message in the ${m.what}`, m.normalized);
    return o.carry!.message(message, inner, o, (payload) => carriedRecord(via, source, payload, own as unknown as Obj));
  },
} as const satisfies Kind;

// (re-exported from here: a declaration file importing this one gets its record types added, module augmentation)
export type { SnsMessageRecord } from '../types.js';
