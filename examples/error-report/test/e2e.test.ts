// End to end through the real Lambda runtime client (aws-lambda-ric) with invoke(), on the esbuild bundle with
// source maps on, reporting to a local Sentry ingest: the error as Lambda returns it, the error line, the timeout.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { invoke } from '@lambdaware/cli';
import { startSentryIngest, type SentryIngest } from '@lambdaware/testkit';
// @ts-expect-error a plain .mjs script without types
import { bundle } from '../bundle.mjs';
import { jsonLines } from '../../test-helpers.js';

const cwd = fileURLToPath(new URL('..', import.meta.url));
let ingest: SentryIngest;
beforeAll(async () => {
  ingest = await startSentryIngest();
  await bundle();
}, 60_000);
afterAll(async () => {
  await ingest.close();
});

it('returns {errorType, errorMessage, trace}; the error line has values, .ts frames and the event id the ingest received', async () => {
  const result = await invoke({
    handler: 'dist/handler.mjs#handler',
    cwd,
    event: { orderId: 'o-e2e', amount: 12 },
    env: { SENTRY_DSN: ingest.dsn, NODE_OPTIONS: '--enable-source-maps' },
  });
  expect(result.status).toBe('error');
  expect(result.exitCode).toBe(1);
  expect(result.error).toEqual({ errorType: 'LambdaError', errorMessage: 'charging the order failed', trace: expect.any(Array) });
  expect(result.error!.trace[0]).toBe('LambdaError: charging the order failed');

  const errorLines = jsonLines(result.invocations[0].functionLines).filter((l) => l.level === 'ERROR');
  expect(errorLines).toHaveLength(1);
  const [line] = errorLines;
  expect(line).toMatchObject({
    function_request_id: result.requestId,
    error: { type: 'LambdaError', values: { orderId: 'o-e2e', amount: 12, declineCode: 'insufficient_funds', step: 'charge' } },
  });
  // source maps: the frames point at the TypeScript source, not the minified bundle
  const frames = line.error.stacktrace as { file: string; line: number; func: string }[];
  expect(frames[0].file).toMatch(/src\/handler\.ts$/);
  expect(line.error.cause.stacktrace[0]).toMatchObject({ func: 'chargeCard', file: expect.stringMatching(/src\/handler\.ts$/) });

  const event = await ingest.waitForEvent(5000, (e) => e.event_id === line.error.sentryEventID);
  expect((event.exception as { values: { type: string }[] }).values.at(-1)!.type).toBe('LambdaError');
});

it('a handler blocking the event loop past its timeout is stopped: Task timed out after 1.00 seconds', async () => {
  const result = await invoke({ handler: 'dist/handler.mjs#handler', cwd, event: { spinMs: 4000 }, timeout: 1 });
  expect(result.status).toBe('timeout');
  expect(result.exitCode).toBe(2);
  expect(result.error).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringContaining('Task timed out after 1.00 seconds') });
  expect(result.logs.some((l) => l.endsWith(`${result.requestId} Task timed out after 1.00 seconds`))).toBe(true);
  expect(result.report.status).toBe('timeout');
});

it('a handler still awaiting 500 ms before the deadline is aborted by Middy: TimeoutError, logged and reported', async () => {
  const result = await invoke({ handler: 'dist/handler.mjs#handler', cwd, event: { delayMs: 5000 }, timeout: 1.5, env: { SENTRY_DSN: ingest.dsn } });
  expect(result.status).toBe('error');
  expect(result.error!.errorType).toBe('TimeoutError');
  expect(result.report.durationMs).toBeLessThan(1500);
  const [line] = jsonLines(result.invocations[0].functionLines).filter((l) => l.level === 'ERROR');
  expect(line).toMatchObject({ function_request_id: result.requestId, error: { type: 'TimeoutError', sentryEventID: expect.any(String) } });
  await ingest.waitForEvent(5000, (e) => e.event_id === line.error.sentryEventID);
});
