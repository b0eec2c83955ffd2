// Issues 20 and 23 through the real aws-lambda-ric: lambdaware's logger with a log buffer, one invocation at a time
// and multi-concurrent (Lambda Managed Instances, AWS_LAMBDA_MAX_CONCURRENCY, two worker threads): held lines are
// written right before the failing invocation's own error line (its own only, in order, marked buffered) and dropped
// on success; hostile values never fail an invocation; the line's own keys and the correlation id are each
// invocation's own.
import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { invoke, type InvocationResult } from '@lambdaware/cli';
import { summary } from '../reliability/helpers.js';

const fixture = fileURLToPath(new URL('./fixtures/buffered-logger.mjs', import.meta.url));
/** The function's JSON lines (the runtime's own "Invoke Error" line, JSON in multi-concurrent mode, left out). */
const jsonLines = (inv: InvocationResult) =>
  inv.functionLines
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => typeof l.level === 'string' && !String(l.message).startsWith('Invoke Error'));

/** What one invocation must have written, success or failure. */
const expectOwnLines = (inv: InvocationResult, marker: string, failed: boolean) => {
  const lines = jsonLines(inv);
  const expected = [
    ['INFO', 'written'],
    ['INFO', 'null'],
    ['INFO', '12345'],
    ['INFO', '[Unreadable: Error: trap]'],
    ['INFO', '{"token":"****"}'],
    ['INFO', 'order'],
    ...(failed
      ? [
          ['DEBUG', 'held 1'],
          ['DEBUG', 'held 2'],
          ['ERROR', `failed ${marker}`],
        ]
      : []),
  ];
  expect(lines.map((l) => [l.level, l.message])).toEqual(expected);
  for (const l of lines) {
    expect(l).toMatchObject({ function_request_id: inv.requestId, correlation_id: marker });
    if (l.message === 'held 1' || l.message === 'held 2') expect(l).toMatchObject({ buffered: true, marker });
  }
  expect(lines[0]).toMatchObject({ marker, field_function_request_id: 'forged', field_cold_start: 'forged', cold_start: expect.any(Boolean) });
  expect(lines.find((l) => l.message === 'order')?.order).toEqual({ id: marker }); // toJSON() honoured
  expect(inv.logs.join('\n')).not.toContain('tok-buffered-ric-7a6b5c4d');
  if (failed) {
    expect(lines.find((l) => l.message === 'held 2')).toMatchObject({ trap: '[Unreadable: Error: trap]', getter: { bad: '[Unreadable: Error: getter]' } });
    expect(inv.error).toMatchObject({ errorType: 'Error', errorMessage: `failed ${marker}` });
  } else expect(inv.response).toEqual({ marker, correlationId: marker });
};

describe("lambdaware's logger buffer through aws-lambda-ric", () => {
  it('one invocation at a time: held lines before the error line of a failure, none on success', async () => {
    const events = [{ marker: 'm-0' }, { marker: 'm-1', fail: true }, { marker: 'm-2' }];
    const result = await invoke({ handler: `${fixture}#handler`, events, timeout: 10 });
    result.invocations.forEach((inv, i) => expectOwnLines(inv, `m-${i}`, i === 1));
  }, 60_000);

  it('multi-concurrent (8 in flight, 2 worker threads): each failure writes only its own held lines', async () => {
    const started = Date.now();
    const events = Array.from({ length: 48 }, (_, i) => ({ marker: `m-${i}`, ms: 5 + ((i * 7) % 30), fail: i % 3 === 1 }));
    const result = await invoke({ handler: `${fixture}#handler`, events, concurrency: 8, timeout: 10, env: { AWS_LAMBDA_NODEJS_WORKER_COUNT: '2' } });
    expect(result.concurrency?.peakInFlight).toBeGreaterThan(1);
    result.invocations.forEach((inv, i) => expectOwnLines(inv, `m-${i}`, i % 3 === 1));
    summary(
      'logger buffer, managed instances',
      `48 invocations, 8 in flight, 16 failures each wrote its own 2 held lines before its error line, 32 successes none; 0 crossed`,
      'pass',
      Date.now() - started,
    );
  }, 120_000);
});

describe("the team's own Powertools Logger with Powertools' buffer, through aws-lambda-ric", () => {
  const team = fileURLToPath(new URL('./fixtures/team-buffered.mjs', import.meta.url));
  const expectTeamLines = (inv: InvocationResult, marker: string, failed: boolean) => {
    const lines = jsonLines(inv);
    const messages = lines.map((l) => l.message);
    // Powertools prints its held lines on stdout and its error line on stderr: between the two streams, the order
    // is the order in which they reach the log; each stream keeps its own.
    const stdout = messages.filter((m) => m !== `failed ${marker}`);
    expect(stdout).toEqual(failed ? ['written', 'held 1', 'held 2'] : ['written']);
    expect(messages.filter((m) => m === `failed ${marker}`)).toHaveLength(failed ? 1 : 0);
    for (const l of lines) expect(l).toMatchObject({ function_request_id: inv.requestId, correlation_id: marker });
    for (const l of lines.filter((x) => String(x.message).startsWith('held'))) expect(l.marker).toBe(marker);
  };

  it('one at a time and multi-concurrent: its own held lines (in order) with its error line, none on success', async () => {
    const events = Array.from({ length: 24 }, (_, i) => ({ marker: `t-${i}`, ms: 5 + ((i * 7) % 30), fail: i % 3 === 1 }));
    const sequential = await invoke({ handler: `${team}#handler`, events: events.slice(0, 3), timeout: 10 });
    sequential.invocations.forEach((inv, i) => expectTeamLines(inv, `t-${i}`, i % 3 === 1));
    const concurrent = await invoke({ handler: `${team}#handler`, events, concurrency: 8, timeout: 10, env: { AWS_LAMBDA_NODEJS_WORKER_COUNT: '2' } });
    concurrent.invocations.forEach((inv, i) => expectTeamLines(inv, `t-${i}`, i % 3 === 1));
  }, 120_000);
});
