// Issue 20, "a prefetch that hangs never fails a later invocation": with logEvent: true, the event line waits for the
// secret loads in flight (the prefetch) for its share of the invocation's deadline only (at most 300 ms and a tenth
// of the time left), then writes the event withheld with the time it actually waited; the handler and its own
// secrets() fetch keep the rest. Through the real aws-lambda-ric and the real AWS SDK against the local endpoint.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { invoke, type InvocationResult } from '@lambdaware/cli';
import { startSecretsManager, type LocalSecretsManager } from '@lambdaware/testkit';
import { EVENT_SECRET_WAIT_MS, EVENT_WITHHELD } from '@lambdaware/logger';
import { summary } from './helpers.js';

const fixture = fileURLToPath(new URL('./fixtures/event-line-wait.mjs', import.meta.url));
let sm: LocalSecretsManager;
let arn: string;
beforeAll(async () => {
  sm = await startSecretsManager();
  arn = sm.setSecret('event-wait/api', { token: 'tok-eventwait-5e4d3c2b1a' });
});
afterAll(async () => {
  await sm.close();
});

const lines = (inv: InvocationResult) => inv.functionLines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

test('a hung prefetch with logEvent: true: the event withheld after its short wait, later invocations succeed', async () => {
  sm.setFault({ delayMs: 60_000 }); // the prefetch at init hangs; Secrets Manager answers every later request
  sm.calls.length = 0;
  const run = await invoke({ handler: `${fixture}#handler`, events: [{ n: 0 }, { n: 1 }, { n: 2 }], env: { ...sm.env, SECRET_ARN: arn }, timeout: 3 });
  const [first, second, third] = run.invocations;
  for (const inv of [second!, third!]) {
    expect(inv.status).toBe('success');
    const eventLine = lines(inv).find((l) => l.message === 'Lambda invocation event')!;
    // the prefetch is still in flight: the event is withheld, and the line says how long it waited (its share)
    expect(eventLine).toMatchObject({ event: EVENT_WITHHELD, waitedMs: expect.any(Number) });
    expect(eventLine.waitedMs as number).toBeLessThan(3000 / 2);
  }
  const firstEvent = lines(first!).find((l) => l.message === 'Lambda invocation event')!;
  expect(firstEvent).toMatchObject({ event: EVENT_WITHHELD, waitedMs: expect.any(Number) });
  expect(sm.calls.filter((c) => c.outcome === 'ok')).toHaveLength(2); // #1 and #2 made their own calls
  summary(
    'event-line wait',
    `hung prefetch, logEvent on: #0 ${first!.status}, #1 and #2 succeeded; event line waited ${[first, second, third].map((i) => lines(i!).find((l) => l.message === 'Lambda invocation event')?.waitedMs).join('/')} ms (bound ${EVENT_SECRET_WAIT_MS} ms)`,
    'pass',
    0,
  );
}, 60_000);
