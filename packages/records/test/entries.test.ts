// Per-source entry points (issue 25): `@lambdaware/records/sqs` knows SQS alone, so a bundle of it holds nothing of
// the other sources. Checked on what it does (no payload kind is looked for, another event is not an SQS event) and on
// what esbuild bundles from it (its inputs: no other source's file, no carry.ts).
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { build } from 'esbuild';
import { z } from 'zod';
import { kinesisEvent, lambdaContext, snsOverSqsEvent, sqsEvent } from '@lambdaware/events';
import { RecordsError, RecordsOptionError, type SqsMessageRecord, decapsulate, processBatch, records } from '../src/entries/sqs.js';
import { records as kinesisRecords } from '../src/entries/kinesis.js';
import { captureSink, rejection } from './helpers.js';

const Order = z.object({ orderId: z.string() });

describe('@lambdaware/records/sqs', () => {
  test('records(): typed SQS records; a body holding an SNS notification stays the payload (no kind is looked for)', async () => {
    const handler = middy()
      .use(records({ schema: z.object({ Type: z.string() }).or(Order) }))
      .handler(async (_e: unknown, context: Context & { records: SqsMessageRecord<unknown>[] }) => context.records.map((r) => [r.source, r.receiveCount]));
    const event = { Records: [...snsOverSqsEvent({ orderId: 'o-1' }).Records, ...sqsEvent({ orderId: 'o-2' }).Records] };
    expect(await handler(event, lambdaContext())).toEqual([
      ['sqs', 1],
      ['sqs', 1],
    ]);
  });

  test('decapsulate() and processBatch() of the entry; another event is not an SQS event; a composed source is not an option', async () => {
    expect((await decapsulate(sqsEvent({ orderId: 'o-1' }), { schema: Order }))[0]!.payload.orderId).toBe('o-1');
    const sink = captureSink();
    try {
      const event = sqsEvent([{ orderId: 'o-1' }, { nope: 1 }]);
      expect(await processBatch(event, lambdaContext(), { schema: Order, eachRecord: () => undefined })).toEqual({
        batchItemFailures: [{ itemIdentifier: event.Records[1]!.messageId }],
      });
    } finally {
      sink.restore();
    }
    const error = await rejection(decapsulate(kinesisEvent({ a: 1 })));
    expect(error).toBeInstanceOf(RecordsError);
    expect(error.message).toBe('the event is not an SQS event: event.Records[0].eventSource is "aws:kinesis"');
    expect(() => records({ source: 'sns-over-sqs' as never })).toThrow(RecordsOptionError);
    expect(() => records({ source: 'sns-over-sqs' as never })).toThrow('records(): option "source" must be "auto" or "sqs", got "sns-over-sqs"');
  });

  test('the Kinesis entry point reads Kinesis records alone', async () => {
    const handler = middy()
      .use(kinesisRecords())
      .handler(async (_e: unknown, context: Context & { records: { sequenceNumber: string; payload: unknown }[] }) => context.records.map((r) => r.payload));
    expect(await handler(kinesisEvent([{ n: 1 }, { n: 2 }]), lambdaContext())).toEqual([{ n: 1 }, { n: 2 }]);
  });

  test('what a bundle of the SQS entry point holds: the SQS source, none of the others, no payload kinds', async () => {
    const src = (path: string): string => fileURLToPath(new URL(`../src/${path}`, import.meta.url));
    const result = await build({
      entryPoints: [src('entries/sqs.ts')],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      external: ['@middy/core'],
      alias: { '@lambdaware/shared': fileURLToPath(new URL('../../../packages/shared/src/index.ts', import.meta.url)) },
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).filter((p) => p.includes('packages/records/src/'));
    const names = inputs.map((p) => p.slice(p.indexOf('packages/records/src/') + 'packages/records/src/'.length)).sort();
    expect(names).toEqual(['api.ts', 'batch.ts', 'decode.ts', 'entries/sqs.ts', 'entry.ts', 'errors.ts', 'source.ts', 'sources/sqs.ts', 'text.ts']);
  });
});
