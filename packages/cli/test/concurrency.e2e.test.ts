// invoke({ concurrency }) through the real aws-lambda-ric in multi-concurrent mode (Lambda Managed Instances):
// several invocations in flight in one execution environment, each answered, logged and reported as its own; and
// the large-error case that turned into a timeout when the Runtime API kept Node's 16 KB header limit.
import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { invoke, type InvocationResult } from '../src/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const ids = (text: string) => text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];

describe('invoke({ concurrency }): Lambda Managed Instances', () => {
  it('runs up to N invocations at once in one environment, each with its own request id, response and lines', async () => {
    const events = Array.from({ length: 40 }, (_, i) => ({ marker: `m-${i}`, ms: 150 + (i % 5) * 25, fail: i % 9 === 4 }));
    const result = await invoke({
      handler: fixture('concurrent.mjs'),
      events,
      concurrency: 8,
      timeout: 10,
      // two worker threads: invocations interleave both across threads and inside each thread's event loop
      env: { AWS_LAMBDA_NODEJS_WORKER_COUNT: '2' },
    });
    expect(result.concurrency).toEqual({ max: 8, peakInFlight: 8, environments: 1 });
    expect(result.invocations).toHaveLength(40);
    const byStatus = (status: string) => result.invocations.filter((i) => i.status === status);
    expect(byStatus('error').map((i) => result.invocations.indexOf(i))).toEqual([4, 13, 22, 31]);
    expect(byStatus('success')).toHaveLength(36);
    expect(result.exitCode).toBe(1);

    const threads = new Set<number>();
    let overlap = 0;
    result.invocations.forEach((invocation: InvocationResult, index) => {
      if (invocation.status === 'success') {
        const response = invocation.response as { marker: string; requestId: string; storeRequestId: string; threadId: number; seen: number };
        // the response is this event's, and the context and the runtime's InvokeStore name this invocation
        expect(response).toMatchObject({ marker: `m-${index}`, requestId: invocation.requestId, storeRequestId: invocation.requestId });
        threads.add(response.threadId);
        overlap = Math.max(overlap, response.seen);
      } else {
        expect(invocation.error).toMatchObject({ errorType: 'Error', errorMessage: `failed m-${index}` });
      }
      // its lines: START, its own two console lines (JSON, with its request id), END, REPORT
      expect(invocation.functionLines.map((l) => JSON.parse(l).message).filter((m: string) => !m.startsWith('Invoke Error'))).toEqual([
        `start m-${index}`,
        `end m-${index}`,
      ]);
      for (const line of invocation.functionLines) expect(ids(line)).toEqual([invocation.requestId]);
      expect(invocation.logs[0]).toBe(`START RequestId: ${invocation.requestId} Version: $LATEST`);
      expect(invocation.logs.at(-1)).toMatch(new RegExp(`^REPORT RequestId: ${invocation.requestId}\\t`));
      expect(invocation.cold).toBe(index === 0);
    });
    expect(threads.size).toBe(2);
    expect(overlap).toBeGreaterThan(1); // several in flight inside one worker thread at the same moment
    expect(result.logs.filter((l) => l.includes('Init Duration'))).toHaveLength(1);
  });

  it('answers a timed-out invocation as Sandbox.Timedout while the others go on', async () => {
    const result = await invoke({
      handler: fixture('concurrent.mjs'),
      events: [
        { marker: 'slow', ms: 5000 },
        { marker: 'a', ms: 50 },
        { marker: 'b', ms: 50 },
      ],
      concurrency: 4,
      timeout: 1,
      env: { AWS_LAMBDA_NODEJS_WORKER_COUNT: '1' },
    });
    expect(result.invocations.map((i) => i.status)).toEqual(['timeout', 'success', 'success']);
    expect(result.invocations[0].error).toMatchObject({ errorType: 'Sandbox.Timedout' });
    expect(result.invocations[0].logs.at(-1)).toMatch(/Task timed out after 1\.00 seconds$/);
    expect(result.exitCode).toBe(2);
  });

  it('reports an init error for an event, as in single mode', async () => {
    const result = await invoke({
      handler: `${fixture('concurrent.mjs')}#missing`,
      events: [{}, {}],
      concurrency: 2,
      env: { AWS_LAMBDA_NODEJS_WORKER_COUNT: '1' },
    });
    expect(result.invocations.map((i) => [i.status, i.error?.errorType])).toEqual([
      ['init-error', 'Runtime.HandlerNotFound'],
      ['init-error', 'Runtime.HandlerNotFound'],
    ]);
    expect(result.exitCode).toBe(3);
  });

  it('refuses a concurrency that is not a whole number from 1 to 1000', async () => {
    await expect(invoke({ handler: fixture('concurrent.mjs'), concurrency: 0 })).rejects.toThrow(
      /^invoke\(\): option "concurrency" must be a whole number of invocations in flight, 1 to 1000/,
    );
    await expect(invoke({ handler: fixture('concurrent.mjs'), concurrency: 2.5 })).rejects.toThrow(
      /^invoke\(\): option "concurrency" must be a whole number of invocations in flight, 1 to 1000/,
    );
  });
});

describe('an error over 150 KB comes back as the error, not as a timeout', () => {
  // aws-lambda-ric posts the error's X-Ray cause (message and stack) as a header: 200 KB here, 12 x Node's default limit
  for (const concurrency of [undefined, 4]) {
    it(`${concurrency ? `concurrency ${concurrency}` : 'one at a time'}: the whole message, within the timeout`, async () => {
      const result = await invoke({
        handler: fixture('large-error.mjs'),
        events: [{ label: 'first' }, { label: 'second' }],
        timeout: 5,
        concurrency,
        env: { LARGE_ERROR_KB: '200', AWS_LAMBDA_NODEJS_WORKER_COUNT: '1' },
      });
      for (const [index, invocation] of result.invocations.entries()) {
        expect(invocation.status).toBe('error');
        expect(invocation.error!.errorType).toBe('RecordsError');
        expect(invocation.error!.errorMessage.startsWith(`${index === 0 ? 'first' : 'second'}: record 0 (messageId m-0)`)).toBe(true);
        expect(invocation.error!.errorMessage.length).toBeGreaterThan(200 * 1024);
        expect(invocation.report.durationMs).toBeLessThan(5000);
      }
    });
  }
});
