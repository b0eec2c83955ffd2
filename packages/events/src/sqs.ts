import type { SQSEvent, SQSMessageAttribute, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
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
  isBytes,
  isPlainObject,
  md5Hex,
  payloadText,
  sha256Hex,
  stringOption,
  toList,
  DEFAULT_PAYLOAD,
  uuid,
  checkOption,
  optionError,
} from './util.js';
import { describeValue, is } from '@lambdaware/shared';

/** A message attribute: a string, a number (dataType Number), bytes (Binary), or a full SQS attribute. */
export type SqsAttributeInput = string | number | bigint | Uint8Array | SQSMessageAttribute;

export interface SqsOptions extends CommonOptions {
  /** Queue name in `eventSourceARN` (default `test-queue`, or `test-queue.fifo` for FIFO). */
  queueName?: string;
  /** A FIFO queue: the name ends in `.fifo`, and records carry MessageGroupId, MessageDeduplicationId and SequenceNumber. */
  fifo?: boolean;
  /** MessageGroupId of every record (default `default` on FIFO queues; on a standard queue it is set only when given). */
  messageGroupId?: string;
  /** Message attributes of every record. */
  messageAttributes?: Record<string, SqsAttributeInput>;
  /** ApproximateReceiveCount (default 1). */
  receiveCount?: number;
  /** Field overrides for each record: an object deep-merged into it, or a function `(record, index) => record`. */
  record?: RecordOverride<SQSRecord>;
}

/** SenderId of a message sent by an IAM user (the sample events' form). */
const USER_SENDER_ID = 'AIDAIENQZJOLO23YVJ4VO';
/** SenderId SQS shows for messages SNS delivered. */
export const SNS_SENDER_ID = 'AIDAIT2UOQQY3AUEKVGXU';

let fifoSequence = BigInt(digits(20));

/** Converts the convenient attribute forms into SQS's own, as a Lambda event shows them. */
export function sqsMessageAttributes(builder: string, input: unknown): SQSMessageAttributes {
  if (input === undefined) return {};
  if (!isPlainObject(input)) {
    throw optionError(builder, 'messageAttributes', { expected: 'an object', value: input });
  }
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(input)) {
    const list = { stringListValues: [] as string[], binaryListValues: [] as string[] };
    if (typeof value === 'string') out[name] = { stringValue: value, ...list, dataType: 'String' };
    else if (typeof value === 'number' || typeof value === 'bigint') {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new EventBuildError(`${builder}: message attribute "${name}" is ${value}, which SQS cannot carry`);
      }
      out[name] = { stringValue: String(value), ...list, dataType: 'Number' };
    } else if (isBytes(value)) out[name] = { binaryValue: bytesOf(value).toString('base64'), ...list, dataType: 'Binary' };
    else if (isPlainObject(value) && typeof value.dataType === 'string') out[name] = { ...list, ...(value as unknown as SQSMessageAttribute) };
    else {
      throw new EventBuildError(
        `${builder}: message attribute "${name}" must be a string, number, bytes or { dataType, stringValue | binaryValue }, got ${describeValue(value)}`,
      );
    }
  }
  return out;
}

/**
 * MD5 of message attributes as SQS computes it: attributes sorted by name, each as length-prefixed name,
 * data type, a transport byte (1 string, 2 binary) and the length-prefixed value.
 */
export function md5OfMessageAttributes(attributes: SQSMessageAttributes): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  const withLength = (bytes: Buffer): void => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of names) {
    const attribute = attributes[name]!;
    withLength(Buffer.from(name, 'utf8'));
    withLength(Buffer.from(attribute.dataType, 'utf8'));
    if (attribute.binaryValue != null) {
      parts.push(Buffer.from([2]));
      withLength(Buffer.from(attribute.binaryValue, 'base64'));
    } else {
      parts.push(Buffer.from([1]));
      withLength(Buffer.from(attribute.stringValue ?? '', 'utf8'));
    }
  }
  return md5Hex(Buffer.concat(parts));
}

export interface SqsRecordsInput {
  builder: string;
  bodies: string[];
  options: SqsOptions | undefined;
  senderId?: string;
  /** Message attributes to use when the options give none (SNS raw delivery). */
  defaultAttributes?: SQSMessageAttributes;
}

/** Builds the SQS records of a batch; shared by sqsEvent and snsOverSqsEvent. */
export function buildSqsRecords({ builder, bodies, options, senderId, defaultAttributes }: SqsRecordsInput): SQSRecord[] {
  const { region, accountId, nowMs } = common(builder, options);
  const fifoOption = options?.fifo;
  if (fifoOption !== undefined) checkOption(builder, 'fifo', fifoOption, is.boolean);
  let queueName = stringOption(builder, 'queueName', options?.queueName, fifoOption ? 'test-queue.fifo' : 'test-queue');
  const fifo = fifoOption === true || queueName.endsWith('.fifo');
  if (fifoOption === false && fifo) {
    throw optionError(builder, 'queueName', { problem: `"${queueName}" names a FIFO queue but option "fifo" is false` });
  }
  if (fifo && !queueName.endsWith('.fifo')) queueName += '.fifo';
  const groupOption = options?.messageGroupId;
  const messageGroupId = groupOption === undefined && !fifo ? undefined : stringOption(builder, 'messageGroupId', groupOption, 'default');
  const receiveCount = options?.receiveCount ?? 1;
  checkOption(builder, 'receiveCount', receiveCount, is.integer(1));
  const messageAttributes =
    options?.messageAttributes === undefined && defaultAttributes ? defaultAttributes : sqsMessageAttributes(builder, options?.messageAttributes);
  const attributesMd5 = md5OfMessageAttributes(messageAttributes);
  const eventSourceARN = `arn:aws:sqs:${region}:${accountId}:${queueName}`;

  return bodies.map((body, index) => {
    const sent = nowMs - 50 + index;
    const record: SQSRecord = {
      messageId: uuid(),
      receiptHandle: `AQEB${base64(150).replace(/=+$/, '')}`,
      body,
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: String(sent),
        ...(fifo ? { SequenceNumber: String((fifoSequence += 1n)) } : {}),
        ...(messageGroupId === undefined ? {} : { MessageGroupId: messageGroupId }),
        SenderId: senderId ?? USER_SENDER_ID,
        ...(fifo ? { MessageDeduplicationId: sha256Hex(body) } : {}),
        ApproximateFirstReceiveTimestamp: String(sent + 12),
      },
      messageAttributes: structuredClone(messageAttributes),
      md5OfBody: md5Hex(body),
      md5OfMessageAttributes: attributesMd5 ?? (null as unknown as undefined),
      eventSource: 'aws:sqs',
      eventSourceARN,
      awsRegion: region,
    };
    const result = applyOverride(builder, record, index, options?.record);
    // Derived fields follow an overridden body or attributes, unless they were overridden too.
    if (result.body !== record.body && result.md5OfBody === record.md5OfBody && typeof result.body === 'string') {
      result.md5OfBody = md5Hex(result.body);
    }
    if (
      result.messageAttributes !== record.messageAttributes &&
      result.md5OfMessageAttributes === record.md5OfMessageAttributes &&
      isPlainObject(result.messageAttributes)
    ) {
      result.md5OfMessageAttributes = md5OfMessageAttributes(result.messageAttributes) ?? (null as unknown as undefined);
    }
    return result;
  });
}

/**
 * An SQS event with one record per payload.
 *
 * @example sqsEvent([{ id: 1 }, { id: 2 }], { fifo: true, messageGroupId: 'orders' })
 */
export function sqsEvent(payloads?: Payload | readonly Payload[], options?: SqsOptions): SQSEvent {
  const bodies = toList(payloads, DEFAULT_PAYLOAD as Payload).map((payload, index) => payloadText('sqsEvent', payload, index));
  return { Records: buildSqsRecords({ builder: 'sqsEvent', bodies, options }) };
}
