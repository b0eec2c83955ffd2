// The handler through Middy in this process, reporting to a local Sentry ingest through the real Sentry SDK.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { lambdaContext } from '@lambdaware/events';
import { LambdaError } from '@lambdaware/errors';
import { captureOutput, startSentryIngest, type SentryIngest } from '@lambdaware/testkit';

let ingest: SentryIngest;
let handler: typeof import('../src/handler.js').handler;
beforeAll(async () => {
  ingest = await startSentryIngest();
  process.env.SENTRY_DSN = ingest.dsn; // read when the middlewares are created (module load), as on Lambda
  ({ handler } = await import('../src/handler.js'));
});
afterAll(async () => {
  delete process.env.SENTRY_DSN;
  await ingest.close();
});

it('fails with the LambdaError; one error line with the values of the chain, frames, the Sentry event id and the request id', async () => {
  const context = lambdaContext({ functionName: 'error-report' });
  const out = await captureOutput(() => handler({ orderId: 'o-77', amount: 9.99 }, context));
  expect(out.error).toBeInstanceOf(LambdaError);
  expect((out.error as LambdaError).message).toBe('charging the order failed');
  expect(out.stderr).toBe('');
  const lines = out.stdoutLines();
  expect(lines.map((l) => l.level)).toEqual(['INFO', 'ERROR']);
  const line = lines[1] as Record<string, any>;
  expect(line).toMatchObject({
    message: 'charging the order failed',
    function_request_id: context.awsRequestId,
    orderId: 'o-77',
    error: {
      type: 'LambdaError',
      message: 'charging the order failed',
      values: { orderId: 'o-77', amount: 9.99, declineCode: 'insufficient_funds', step: 'charge', attempt: 1 },
      cause: { type: 'LambdaError', message: 'card declined' },
    },
  });
  expect(line.error.stacktrace.length).toBeGreaterThan(0);
  expect(line.error.cause.stacktrace.map((f: { func: string }) => f.func)).toContain('chargeCard');

  const event = await ingest.waitForEvent(5000, (e) => e.event_id === line.error.sentryEventID);
  const exceptions = (event.exception as { values: { type: string; value: string }[] }).values;
  expect(exceptions.map((x) => x.value)).toEqual(['card declined', 'charging the order failed']);
});
