import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { InvokeStore } from '@aws/lambda-invoke-store';
import { getLogSink, setLogSink } from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';
import { createLogger, logContext } from '@lambdaware/logger';
import { context } from './helpers.js';

// Lambda Managed Instances: aws-lambda-ric in multi-concurrent mode (AWS_LAMBDA_MAX_CONCURRENCY set) runs each
// invocation inside InvokeStore.run(), several at once in one process. Here: 24 invocations, 8 at a time, each
// adding its own keys and writing lines between awaits, with a logger from createLogger() and with a team's Logger.

const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');
let store: Awaited<ReturnType<typeof InvokeStore.getInstanceAsync>>;
const savedConcurrency = process.env.AWS_LAMBDA_MAX_CONCURRENCY;

beforeAll(async () => {
  process.env.AWS_LAMBDA_MAX_CONCURRENCY = '8';
  store = await InvokeStore.getInstanceAsync(true);
});
afterAll(() => {
  if (savedConcurrency === undefined) delete process.env.AWS_LAMBDA_MAX_CONCURRENCY;
  else process.env.AWS_LAMBDA_MAX_CONCURRENCY = savedConcurrency;
  setLogSink(undefined);
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `count` invocations of `handler`, at most `concurrency` in flight, each in its own InvokeStore context. */
const runConcurrently = async (handler: (event: unknown, ctx: unknown) => Promise<unknown>, count: number, concurrency: number) => {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const id = `req-${i}`;
      await store.run({ [REQUEST_ID]: id }, () => handler({ i }, context(id)));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};

const checkNoCrossing = (lines: Record<string, unknown>[], count: number) => {
  expect(lines.length).toBeGreaterThanOrEqual(count * 3);
  for (const line of lines) {
    const id = line.function_request_id as string;
    expect(id).toMatch(/^req-\d+$/);
    const i = id.slice(4);
    // Every invocation key on the line is the invocation's own.
    for (const key of ['mine', 'order', 'attempt']) if (key in line) expect(String(line[key])).toBe(i);
    expect(line.mine).toBe(i);
  }
  const seen = new Set(lines.map((l) => l.function_request_id));
  expect(seen.size).toBe(count);
};

describe('under concurrency (Managed Instances): no key crosses between invocations', () => {
  it('with a logger from createLogger(): set(), appendKeys() and the sink lines', async () => {
    const log = createLogger({ serviceName: 'orders' });
    const handler = middy(async (event: { i: number }) => {
      log.set('mine', String(event.i));
      await pause((event.i * 7) % 11);
      log.appendKeys({ order: String(event.i) });
      log.info('step 1');
      await pause((event.i * 5) % 7);
      getLogSink().log('warn', 'from the sink', { attempt: String(event.i) });
      await pause(1);
      log.with('attempt', String(event.i)).info('step 2');
    }).use(logContext({ logger: log }));
    const out = await captureOutput(() => runConcurrently(handler as never, 24, 8));
    expect(out.error).toBeUndefined();
    checkNoCrossing(out.stdoutLines(), 24);
  });

  it("with the team's own Powertools Logger: appendKeys() and the sink lines", async () => {
    const teamLogger = new Logger({ serviceName: 'orders' });
    const handler = middy(async (event: { i: number }) => {
      teamLogger.appendKeys({ mine: String(event.i) });
      await pause((event.i * 7) % 11);
      teamLogger.appendKeys({ order: String(event.i) });
      teamLogger.info('step 1');
      await pause((event.i * 5) % 7);
      getLogSink().log('warn', 'from the sink', { attempt: String(event.i) });
      await pause(1);
      teamLogger.info('step 2');
    }).use(logContext({ logger: teamLogger }));
    const out = await captureOutput(() => runConcurrently(handler as never, 24, 8));
    expect(out.error).toBeUndefined();
    checkNoCrossing([...out.stdoutLines(), ...out.stderrLines()], 24);
  });
});
