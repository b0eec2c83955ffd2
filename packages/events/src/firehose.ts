import type { FirehoseTransformationEvent, FirehoseTransformationEventRecord } from 'aws-lambda';
import {
  type CommonOptions,
  type Payload,
  type RecordOverride,
  applyOverride,
  common,
  digits,
  payloadBytes,
  stringOption,
  toList,
  DEFAULT_PAYLOAD,
  uuid,
} from './util.js';

export interface FirehoseOptions extends CommonOptions {
  /** Delivery stream name in `deliveryStreamArn` (default `test-delivery-stream`). */
  deliveryStreamName?: string;
  /**
   * The Kinesis data stream the delivery stream reads from: then the event has `sourceKinesisStreamArn` and each
   * record `kinesisRecordMetadata` (default: none, a Direct PUT delivery stream).
   */
  sourceStreamName?: string;
  /** Field overrides for each record: an object deep-merged into it, or a function `(record, index) => record`. */
  record?: RecordOverride<FirehoseTransformationEventRecord>;
}

let sequence = BigInt(`49${digits(54)}`);

/**
 * A Kinesis Data Firehose data-transformation event with one record per payload (`data` the base64 of its bytes:
 * bytes as they are, strings as UTF-8, anything else as JSON). Record ids are unique; a Kinesis-sourced stream
 * (`sourceStreamName`) adds the Kinesis metadata.
 *
 * @example firehoseEvent([{ id: 1 }, cloudWatchLogsData(['a log line'])], { sourceStreamName: 'logs' })
 */
export function firehoseEvent(payloads?: Payload | readonly Payload[], options?: FirehoseOptions): FirehoseTransformationEvent {
  const builder = 'firehoseEvent';
  const { region, accountId, nowMs } = common(builder, options);
  const name = stringOption(builder, 'deliveryStreamName', options?.deliveryStreamName, 'test-delivery-stream');
  const source = options?.sourceStreamName === undefined ? undefined : stringOption(builder, 'sourceStreamName', options.sourceStreamName, '');
  const records = toList(payloads, DEFAULT_PAYLOAD as Payload).map((payload, index): FirehoseTransformationEventRecord => {
    sequence += 1_000_000_000_000_000_000n + BigInt(index);
    const arrival = nowMs - 500 + index;
    const record: FirehoseTransformationEventRecord = {
      // Firehose record ids: the source sequence number followed by a 30-digit suffix.
      recordId: `${sequence.toString()}${'0'.repeat(29)}${index % 10}`,
      approximateArrivalTimestamp: arrival,
      data: payloadBytes(builder, payload, index).toString('base64'),
      ...(source === undefined
        ? {}
        : {
            kinesisRecordMetadata: {
              shardId: 'shardId-000000000000',
              partitionKey: uuid(),
              approximateArrivalTimestamp: arrival,
              sequenceNumber: sequence.toString(),
              subsequenceNumber: 0,
            } as unknown as FirehoseTransformationEventRecord['kinesisRecordMetadata'],
          }),
    };
    return applyOverride(builder, record, index, options?.record);
  });
  return {
    invocationId: uuid(),
    deliveryStreamArn: `arn:aws:firehose:${region}:${accountId}:deliverystream/${name}`,
    ...(source === undefined ? {} : { sourceKinesisStreamArn: `arn:aws:kinesis:${region}:${accountId}:stream/${source}` }),
    region,
    records,
  };
}
