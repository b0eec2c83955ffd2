import type { SNSEvent, SNSEventRecord, SNSMessageAttributes, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { SNS_SENDER_ID, type SqsOptions, buildSqsRecords } from './sqs.js';
import {
  type CommonOptions,
  type Payload,
  type RecordOverride,
  EventBuildError,
  applyOverride,
  base64,
  bytesOf,
  common,
  digits,
  hex,
  isBytes,
  isPlainObject,
  isoTime,
  payloadText,
  stringOption,
  toList,
  DEFAULT_PAYLOAD,
  uuid,
  checkOption,
  optionError,
} from './util.js';
import { describeValue, is } from '@lambdaware/shared';

/** An SNS message attribute: a string, a number (Type Number), bytes (Binary), a string array (String.Array) or `{ Type, Value }`. */
export type SnsAttributeInput = string | number | bigint | Uint8Array | readonly unknown[] | { Type: string; Value: string };

export interface SnsTopicOptions extends CommonOptions {
  /** Topic name in TopicArn (default `test-topic`, `test-topic.fifo` for FIFO delivery). */
  topicName?: string;
  /** Subject of every message (default: none, which SNS shows as `null` in a Lambda event and omits from the JSON body). */
  subject?: string;
  /** Message attributes of every message. */
  messageAttributes?: Record<string, SnsAttributeInput>;
}

export interface SnsOptions extends SnsTopicOptions {
  /** Field overrides for each record: an object deep-merged into it, or a function `(record, index) => record`. */
  record?: RecordOverride<SNSEventRecord>;
}

let snsSequence = BigInt(digits(20));

/** An SNS String.Array value: the JSON of an array of strings, finite numbers, booleans and nulls (what SNS accepts). */
function stringArray(builder: string, name: string, list: readonly unknown[]): string {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const ok = item === null || typeof item === 'string' || typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item));
    if (!ok) {
      throw new EventBuildError(
        `${builder}: message attribute "${name}" [${i}] is ${describeValue(item)}; an SNS String.Array holds strings, finite numbers, booleans and null`,
      );
    }
  }
  return JSON.stringify(list);
}

function snsMessageAttributes(builder: string, input: unknown): SNSMessageAttributes {
  if (input === undefined) return {};
  if (!isPlainObject(input)) {
    throw optionError(builder, 'messageAttributes', { expected: 'an object', value: input });
  }
  const out: SNSMessageAttributes = {};
  for (const [name, value] of Object.entries(input)) {
    if (typeof value === 'string') out[name] = { Type: 'String', Value: value };
    else if (typeof value === 'number' || typeof value === 'bigint') {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new EventBuildError(`${builder}: message attribute "${name}" is ${value}, which SNS cannot carry`);
      }
      out[name] = { Type: 'Number', Value: String(value) };
    } else if (isBytes(value)) out[name] = { Type: 'Binary', Value: bytesOf(value).toString('base64') };
    else if (Array.isArray(value)) out[name] = { Type: 'String.Array', Value: stringArray(builder, name, value) };
    else if (isPlainObject(value) && typeof value.Type === 'string' && typeof value.Value === 'string') {
      out[name] = { Type: value.Type, Value: value.Value };
    } else {
      throw new EventBuildError(
        `${builder}: message attribute "${name}" must be a string, number, bytes, an array or { Type, Value }, got ${describeValue(value)}`,
      );
    }
  }
  return out;
}

interface Notification {
  MessageId: string;
  TopicArn: string;
  Subject: string | null;
  Message: string;
  Timestamp: string;
  SequenceNumber?: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertUrl: string;
  UnsubscribeUrl: string;
  MessageAttributes: SNSMessageAttributes;
  subscriptionArn: string;
}

function notifications(builder: string, messages: string[], options: SnsTopicOptions | undefined, fifo: boolean): Notification[] {
  const { region, accountId, nowMs } = common(builder, options);
  let topicName = stringOption(builder, 'topicName', options?.topicName, 'test-topic');
  if (fifo && !topicName.endsWith('.fifo')) topicName += '.fifo';
  const subject = options?.subject === undefined ? null : stringOption(builder, 'subject', options.subject, '');
  const attributes = snsMessageAttributes(builder, options?.messageAttributes);
  const topicArn = `arn:aws:sns:${region}:${accountId}:${topicName}`;
  const subscriptionArn = `${topicArn}:${uuid()}`;
  const host = `https://sns.${region}.amazonaws.com`;
  const certificate = `${host}/SimpleNotificationService-${hex(16)}.pem`;
  return messages.map((message, index) => ({
    MessageId: uuid(),
    TopicArn: topicArn,
    Subject: subject,
    Message: message,
    Timestamp: isoTime(nowMs - 100 + index),
    ...(fifo ? { SequenceNumber: String((snsSequence += 1n)) } : {}),
    SignatureVersion: '1',
    Signature: base64(256),
    SigningCertUrl: certificate,
    UnsubscribeUrl: `${host}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
    MessageAttributes: structuredClone(attributes),
    subscriptionArn,
  }));
}

/**
 * An SNS event (SNS invoking a subscribed Lambda function) with one record per payload.
 *
 * @example snsEvent({ orderId: 1 }, { subject: 'order placed', messageAttributes: { kind: 'order' } })
 */
export function snsEvent(payloads?: Payload | readonly Payload[], options?: SnsOptions): SNSEvent {
  const messages = toList(payloads, DEFAULT_PAYLOAD as Payload).map((payload, index) => payloadText('snsEvent', payload, index));
  const records = notifications('snsEvent', messages, options, false).map((n, index): SNSEventRecord => {
    const record: SNSEventRecord = {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: n.subscriptionArn,
      Sns: {
        Type: 'Notification',
        MessageId: n.MessageId,
        TopicArn: n.TopicArn,
        // SNS shows a message without subject as "Subject": null.
        Subject: n.Subject as string,
        Message: n.Message,
        Timestamp: n.Timestamp,
        SignatureVersion: n.SignatureVersion,
        Signature: n.Signature,
        SigningCertUrl: n.SigningCertUrl,
        UnsubscribeUrl: n.UnsubscribeUrl,
        MessageAttributes: n.MessageAttributes,
      },
    };
    return applyOverride('snsEvent', record, index, options?.record);
  });
  return { Records: records };
}

export interface SnsOverSqsOptions extends SnsTopicOptions, Omit<SqsOptions, keyof CommonOptions | 'messageAttributes'> {
  /**
   * Raw message delivery of the subscription (default false): off, the SQS body is the SNS notification JSON;
   * on, the body is the message itself and the SNS message attributes become SQS message attributes.
   */
  raw?: boolean;
  /** Field overrides for each SQS record: an object deep-merged into it, or a function `(record, index) => record`. */
  record?: RecordOverride<SQSRecord>;
}

/**
 * The SNS notification JSON as SNS writes it into an SQS body (note SigningCertURL/UnsubscribeURL); from a FIFO topic
 * with a SequenceNumber and without the signature fields.
 */
function notificationBody(n: Notification): string {
  const fields: [string, unknown][] = [
    ['Type', 'Notification'],
    ['MessageId', n.MessageId],
    ...(n.SequenceNumber === undefined ? [] : [['SequenceNumber', n.SequenceNumber] as [string, unknown]]),
    ['TopicArn', n.TopicArn],
    ...(n.Subject === null ? [] : [['Subject', n.Subject] as [string, unknown]]),
    ['Message', n.Message],
    ['Timestamp', n.Timestamp],
    // A FIFO topic's notifications are not signed: no SignatureVersion, Signature or SigningCertURL.
    ...(n.SequenceNumber === undefined
      ? ([
          ['SignatureVersion', n.SignatureVersion],
          ['Signature', n.Signature],
          ['SigningCertURL', n.SigningCertUrl],
        ] as [string, unknown][])
      : []),
    ['UnsubscribeURL', n.UnsubscribeUrl],
    ...(Object.keys(n.MessageAttributes).length === 0 ? [] : [['MessageAttributes', n.MessageAttributes] as [string, unknown]]),
  ];
  // SNS's own layout: two-space indent and " : " between key and value.
  return `{\n${fields.map(([key, value]) => `  ${JSON.stringify(key)} : ${JSON.stringify(value)}`).join(',\n')}\n}`;
}

function sqsAttributesFromSns(attributes: SNSMessageAttributes): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, { Type, Value }] of Object.entries(attributes)) {
    const list = { stringListValues: [] as string[], binaryListValues: [] as string[] };
    out[name] =
      Type === 'Binary'
        ? { binaryValue: Value, ...list, dataType: 'Binary' }
        : { stringValue: Value, ...list, dataType: Type === 'Number' ? 'Number' : 'String' };
  }
  return out;
}

/**
 * An SQS event as SNS delivers to a subscribed queue: the body is the SNS notification JSON, or with
 * `raw: true` (raw message delivery) the message itself.
 *
 * @example snsOverSqsEvent(s3Event({ bucket: 'uploads', key: 'a.txt' }))
 */
export function snsOverSqsEvent(payloads?: Payload | readonly Payload[], options?: SnsOverSqsOptions): SQSEvent {
  const builder = 'snsOverSqsEvent';
  const raw = options?.raw ?? false;
  checkOption(builder, 'raw', raw, is.boolean);
  const messages = toList(payloads, DEFAULT_PAYLOAD as Payload).map((payload, index) => payloadText(builder, payload, index));
  const queueName = stringOption(builder, 'queueName', options?.queueName, 'test-queue');
  const fifo = options?.fifo === true || queueName.endsWith('.fifo');
  const notes = notifications(builder, messages, options, fifo);
  const bodies = raw ? messages : notes.map(notificationBody);
  const { messageAttributes: _snsAttributes, ...sqsOptions } = options ?? {};
  return {
    Records: buildSqsRecords({
      builder,
      bodies,
      options: sqsOptions,
      senderId: SNS_SENDER_ID,
      defaultAttributes: raw && notes[0] ? sqsAttributesFromSns(notes[0].MessageAttributes) : {},
    }),
  };
}
