// Partial batch responses replayed the way Lambda redelivers them, to check what runs, what runs twice and in which
// order:
// - Kinesis (issue 20, KPL aggregates): Lambda checkpoints at the lowest sequence number of `batchItemFailures` and
//   delivers the shard again from that record on.
// - SQS FIFO (issue 22, message groups): the messages named in `batchItemFailures` go back to the queue and come
//   again, in their group's order; the others are deleted.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { KinesisStreamRecord, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { kinesisEvent, kplAggregate, lambdaContext, sqsEvent } from '@lambdaware/events';
import { type BatchResponse, type FifoMode, decapsulate, processBatch } from '@lambdaware/records';
import { captureSink, rejection } from './helpers.js';

let sink: ReturnType<typeof captureSink>;
beforeEach(() => (sink = captureSink()));
afterEach(() => sink.restore());

const N = z.object({ n: z.string() });

/** Lambda on one shard: delivers from the checkpoint, and checkpoints at the lowest failed sequence number. */
const replayShard = async (shard: KinesisStreamRecord[], eachRecord: (r: { payload: { n: string } }) => void, deliveries: number) => {
  let from = 0;
  const responses: BatchResponse[] = [];
  for (let i = 0; i < deliveries && from < shard.length; i++) {
    const response = (await processBatch({ Records: shard.slice(from) }, lambdaContext(), { schema: N, eachRecord })) as BatchResponse;
    responses.push(response);
    const failed = response.batchItemFailures.map((f) => shard.findIndex((r) => r.kinesis.sequenceNumber === f.itemIdentifier));
    from = failed.length === 0 ? shard.length : Math.min(...failed);
  }
  return { responses, done: from >= shard.length };
};

describe('KPL aggregates under Lambda checkpointing (issue 20)', () => {
  const shardOf = (...data: Buffer[]) => kinesisEvent(data).Records;
  const agg = (names: string[]) => kplAggregate(names.map((n) => ({ n })));

  test('eachRecord throws mid-aggregate once: the aggregate is reported; its later sub-records wait for the redelivery (run once); its earlier ones and the records after it run twice', async () => {
    const shard = shardOf(agg(['a0', 'a1', 'a2', 'a3']), agg(['b0', 'b1']));
    const runs: string[] = [];
    let thrown = false;
    const { responses, done } = await replayShard(
      shard,
      (r) => {
        if (r.payload.n === 'a2' && !thrown) {
          thrown = true;
          throw new Error('downstream busy');
        }
        runs.push(r.payload.n);
      },
      5,
    );
    expect(done).toBe(true);
    expect(responses[0]).toEqual({ batchItemFailures: [{ itemIdentifier: shard[0]!.kinesis.sequenceNumber }] });
    // first delivery: a0, a1, (a2 throws; a3 not run), b0, b1; the redelivery from the aggregate: all of it again
    expect(runs).toEqual(['a0', 'a1', 'b0', 'b1', 'a0', 'a1', 'a2', 'a3', 'b0', 'b1']);
    const twice = [...new Set(runs.filter((n, i) => runs.indexOf(n) !== i))];
    expect(twice).toEqual(['a0', 'a1', 'b0', 'b1']);
    expect(sink.lines.map((l) => [l.fields?.kind, l.fields?.subRecord])).toEqual([
      ['handler', 2],
      ['skipped', 3],
    ]);
    expect(sink.lines[0]!.message).toBe(
      `records: record 0 (kinesis, id "${shard[0]!.kinesis.sequenceNumber}", sub-record 2) failed: eachRecord threw Error: downstream busy`,
    );
  });

  test('bad sub-records (not JSON, fails the schema): every good one is processed, the aggregate reported, each bad one named by its index', async () => {
    const bad = kplAggregate([{ n: 'c0' }, 'not json', { n: 2 }, { n: 'c3' }]);
    const shard = shardOf(bad, agg(['d0']));
    const runs: string[] = [];
    const { responses } = await replayShard(shard, (r) => void runs.push(r.payload.n), 1);
    expect(responses[0]).toEqual({ batchItemFailures: [{ itemIdentifier: shard[0]!.kinesis.sequenceNumber }] });
    expect(runs).toEqual(['c0', 'c3', 'd0']);
    const seq = shard[0]!.kinesis.sequenceNumber;
    expect(sink.lines.map((l) => [l.fields?.index, l.fields?.id, l.fields?.subRecord, l.fields?.kind])).toEqual([
      [0, seq, 1, 'parse'],
      [0, seq, 2, 'schema'],
    ]);
    expect(sink.lines.map((l) => l.message)).toEqual([
      `records: record 0 (kinesis, id "${seq}", sub-record 1) failed: kinesis.data (KPL sub-record 1) is not JSON: Unexpected token at position 1`,
      `records: record 0 (kinesis, id "${seq}", sub-record 2) failed: the payload does not match the schema: n: Invalid input: expected string, received number`,
    ]);
    // outside partial batch mode, the error names each bad sub-record the same way (one record of two failed)
    const error = await rejection(decapsulate({ Records: shard }, { schema: N }));
    expect(error.message).toBe(
      `1 of 2 records of the Kinesis event failed: record 0 (kinesis, id "${seq}", sub-record 1): kinesis.data (KPL sub-record 1) is not JSON: Unexpected token at position 1; ` +
        `record 0 (kinesis, id "${seq}", sub-record 2): the payload does not match the schema: n: Invalid input: expected string, received number`,
    );
    expect(error.toJSON().failures.map((f: { subRecord?: number }) => f.subRecord)).toEqual([1, 2]);
  });
});

/** An SQS FIFO queue: each poll delivers what is visible, in order; failures go back (in order), the rest is deleted. */
const replayQueue = async (queue: SQSRecord[], fifo: FifoMode, eachRecord: (r: { payload: { n: string }; messageGroupId: string | undefined }) => void) => {
  const deliveries: string[][] = [];
  let visible = queue;
  for (let i = 0; i < 5 && visible.length > 0; i++) {
    deliveries.push(visible.map((m) => (JSON.parse(m.body) as { n: string }).n));
    const response = (await processBatch({ Records: visible }, lambdaContext(), { schema: N, fifo, eachRecord })) as BatchResponse;
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    visible = visible.filter((m) => failed.has(m.messageId));
  }
  return deliveries;
};

describe('SQS FIFO message groups under redelivery (issue 22)', () => {
  // two groups, interleaved as the queue delivers them
  const queue = () => {
    const a = sqsEvent([{ n: 'a1' }, { n: 'a2' }, { n: 'a3' }], { fifo: true, messageGroupId: 'A' }).Records;
    const b = sqsEvent([{ n: 'b1' }, { n: 'b2' }], { fifo: true, messageGroupId: 'B' }).Records;
    return [a[0]!, b[0]!, a[1]!, b[1]!, a[2]!];
  };
  const flaky = () => {
    const done: string[] = [];
    let thrown = false;
    const eachRecord = (r: { payload: { n: string } }) => {
      if (r.payload.n === 'a2' && !thrown) {
        thrown = true;
        throw new Error('not yet');
      }
      done.push(r.payload.n);
    };
    return { done, eachRecord };
  };
  const inGroup = (done: string[], g: string) => done.filter((n) => n.startsWith(g));

  test("fifo: 'group' (default): a failure stops its own group; the other group is done in the same delivery; every group in order, nothing twice", async () => {
    const { done, eachRecord } = flaky();
    const deliveries = await replayQueue(queue(), 'group', eachRecord);
    expect(deliveries).toEqual([
      ['a1', 'b1', 'a2', 'b2', 'a3'],
      ['a2', 'a3'],
    ]);
    expect(inGroup(done, 'a')).toEqual(['a1', 'a2', 'a3']);
    expect(inGroup(done, 'b')).toEqual(['b1', 'b2']);
    expect(new Set(done).size).toBe(done.length);
    expect(sink.lines.map((l) => [l.fields?.kind, l.fields?.index])).toEqual([
      ['handler', 2],
      ['skipped', 4],
    ]);
  });

  test("fifo: 'batch': a failure stops the rest of the batch (the other group waits for the redelivery too)", async () => {
    const { done, eachRecord } = flaky();
    const deliveries = await replayQueue(queue(), 'batch', eachRecord);
    expect(deliveries).toEqual([
      ['a1', 'b1', 'a2', 'b2', 'a3'],
      ['a2', 'b2', 'a3'],
    ]);
    expect(inGroup(done, 'a')).toEqual(['a1', 'a2', 'a3']);
    expect(inGroup(done, 'b')).toEqual(['b1', 'b2']);
    expect(new Set(done).size).toBe(done.length);
  });

  test('the default is group; a wrong value names the option', async () => {
    const { eachRecord } = flaky();
    const q = queue();
    const response = await processBatch({ Records: q }, lambdaContext(), { schema: N, eachRecord });
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([q[2]!.messageId, q[4]!.messageId]);
    await expect(processBatch({ Records: queue() }, lambdaContext(), { eachRecord, fifo: 'queue' as never })).rejects.toThrow(
      'processBatch(): option "fifo" must be "group" or "batch", got "queue"',
    );
  });
});
