// Under Lambda Managed Instances several invocations share one process and one middleware object: records() keeps
// each invocation's records, failures and response to itself.
import { afterEach, expect, test } from '@jest/globals';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { kafkaEvent, lambdaContext, sqsEvent } from '@lambdaware/events';
import { records } from '@lambdaware/records';
import { captureSink } from './helpers.js';

let sink: ReturnType<typeof captureSink> | undefined;
afterEach(() => sink?.restore());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const Job = z.object({ inv: z.number(), n: z.number() }).refine(async (j) => (await sleep(j.n % 3), true));

test('40 invocations in flight on one middleware: each sees its own records and gets its own batch response', async () => {
  sink = captureSink();
  const handler = middy().use(
    records({
      schema: Job,
      eachRecord: async (r, context: Context) => {
        await sleep((r.payload.n * 7) % 5);
        if (r.payload.n === r.payload.inv % 4) throw new Error(`invocation ${r.payload.inv} record ${r.payload.n} in ${context.awsRequestId}`);
      },
    }),
  );
  const plain = middy()
    .use(records({ schema: Job }))
    .handler(async (_e: unknown, context: Context & { records: { payload: { inv: number } }[] }) => {
      await sleep(1);
      return context.records.map((r) => r.payload.inv);
    });
  const runs = Array.from({ length: 40 }, async (_, inv) => {
    const event = inv % 2 ? sqsEvent(Array.from({ length: 4 }, (_, n) => ({ inv, n }))) : kafkaEvent(Array.from({ length: 4 }, (_, n) => ({ inv, n })));
    const [response, seen] = await Promise.all([handler(event, lambdaContext()), plain(event, lambdaContext())]);
    return { inv, event, response, seen };
  });
  for (const { inv, event, response, seen } of await Promise.all(runs)) {
    expect(seen).toEqual([inv, inv, inv, inv]);
    const failed = inv % 4;
    const id = 'Records' in event ? (event as any).Records[failed].messageId : { partition: 'test-topic-0', offset: failed };
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: id }] });
  }
});
