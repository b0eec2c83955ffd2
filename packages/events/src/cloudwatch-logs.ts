import { gzipSync } from 'node:zlib';
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from 'aws-lambda';
import { type CommonOptions, type Payload, common, digits, hex, payloadText, stringOption, toList, DEFAULT_PAYLOAD, checkOption } from './util.js';
import { is } from '@lambdaware/shared';

export interface CloudWatchLogsOptions extends CommonOptions {
  /** Log group (default `/aws/lambda/test-function`). */
  logGroup?: string;
  /** Log stream (default a Lambda-style `YYYY/MM/DD/[$LATEST]<hex>` of `now`). */
  logStream?: string;
  /** Names of the subscription filters (default `['test-filter']`). */
  subscriptionFilters?: string[];
  /**
   * `DATA_MESSAGE` (default), or `CONTROL_MESSAGE`: what CloudWatch Logs sends to check a destination when a
   * subscription is created (one log event saying so, no data).
   */
  messageType?: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
}

/**
 * The decoded batch of a CloudWatch Logs subscription: one log event per message (strings as they are, anything
 * else as JSON), ids of 56 digits, timestamps 1 ms apart ending at `now`.
 */
export function cloudWatchLogsBatch(messages?: Payload | readonly Payload[], options?: CloudWatchLogsOptions): CloudWatchLogsDecodedData {
  const builder = 'cloudWatchLogsBatch';
  const { accountId, nowMs } = common(builder, options);
  const messageType = options?.messageType ?? 'DATA_MESSAGE';
  checkOption(builder, 'messageType', messageType, is.oneOf(['DATA_MESSAGE', 'CONTROL_MESSAGE']));
  if (messageType === 'CONTROL_MESSAGE') {
    return {
      messageType,
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
      logEvents: [{ id: '', timestamp: nowMs, message: 'CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.' }],
    } as CloudWatchLogsDecodedData;
  }
  const day = new Date(nowMs).toISOString().slice(0, 10).replace(/-/g, '/');
  const logGroup = stringOption(builder, 'logGroup', options?.logGroup, '/aws/lambda/test-function');
  const logStream = stringOption(builder, 'logStream', options?.logStream, `${day}/[$LATEST]${hex(16)}`);
  const filters = options?.subscriptionFilters ?? ['test-filter'];
  checkOption(builder, 'subscriptionFilters', filters, is.arrayOf(is.string()));
  const list = toList(messages, DEFAULT_PAYLOAD as Payload);
  return {
    messageType,
    owner: accountId,
    logGroup,
    logStream,
    subscriptionFilters: [...filters],
    logEvents: list.map((m, index) => ({
      id: digits(56),
      timestamp: nowMs - (list.length - 1 - index),
      message: payloadText(builder, m, index),
    })),
  };
}

/** The gzip of a subscription batch: the bytes CloudWatch Logs writes into a Kinesis record or Firehose record. */
export function cloudWatchLogsData(messages?: Payload | readonly Payload[], options?: CloudWatchLogsOptions): Buffer {
  return gzipSync(JSON.stringify(cloudWatchLogsBatch(messages, options)));
}

/**
 * A CloudWatch Logs subscription event (the function as the subscription's destination): `awslogs.data` is the
 * base64 of the gzip'd batch. For a subscription to a Kinesis stream: `kinesisEvent(cloudWatchLogsData(messages))`.
 *
 * @example cloudWatchLogsEvent(['START RequestId: 1', { level: 'ERROR', msg: 'boom' }], { logGroup: '/aws/lambda/orders' })
 */
export function cloudWatchLogsEvent(messages?: Payload | readonly Payload[], options?: CloudWatchLogsOptions): CloudWatchLogsEvent {
  return { awslogs: { data: cloudWatchLogsData(messages, options).toString('base64') } };
}
