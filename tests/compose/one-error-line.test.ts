// The concerns composed as users chain them, with the real Sentry SDK against the local ingest: exactly one error
// line per failure, carrying the Sentry event id the ingest received, wherever in the chain the failure happens.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import middy, { type MiddlewareObj } from '@middy/core';
import { errorLog } from '@lambdaware/errors';
import { lambdaContext } from '@lambdaware/events';
import { logContext } from '@lambdaware/logger';
import { sentry } from '@lambdaware/sentry';
import { captureOutput, startSentryIngest, type SentryIngest } from '@lambdaware/testkit';

let ingest: SentryIngest;
beforeAll(async () => {
  ingest = await startSentryIngest();
});
afterAll(async () => {
  await ingest.close();
});

const failingBefore = (message: string): MiddlewareObj => ({
  before: () => {
    throw new Error(message);
  },
});

const errorLines = (lines: Record<string, unknown>[]) => lines.filter((l) => l.level === 'ERROR');

type Chain = (handler: middy.MiddyfiedHandler) => middy.MiddyfiedHandler;
const cases: [string, Chain, string][] = [
  [
    'the handler',
    (h) =>
      h
        .use(logContext())
        .use(errorLog())
        .use(sentry({ dsn: ingest.dsn })),
    'handler failed',
  ],
  [
    'a before placed after errorLog()',
    (h) =>
      h
        .use(logContext())
        .use(errorLog())
        .use(sentry({ dsn: ingest.dsn }))
        .use(failingBefore('bad input after')),
    'bad input after',
  ],
  [
    'a before placed before errorLog() (errorLog is not marked active yet: sentry writes the line)',
    (h) =>
      h
        .use(logContext())
        .use(failingBefore('bad input before'))
        .use(errorLog())
        .use(sentry({ dsn: ingest.dsn })),
    'bad input before',
  ],
];

test.each(cases)('a failure in %s: one error line with the event id the ingest received', async (_where, chain, message) => {
  const before = ingest.events.length;
  const handler = chain(
    middy(async () => {
      throw new Error('handler failed');
    }),
  );
  const out = await captureOutput(() => handler({}, lambdaContext()));
  expect((out.error as Error).message).toBe(message);
  const lines = errorLines(out.stdoutLines());
  expect(lines).toHaveLength(1);
  const error = lines[0].error as Record<string, unknown>;
  expect(error).toMatchObject({ type: 'Error', message });
  expect(ingest.events).toHaveLength(before + 1);
  expect(error.sentryEventID).toBe(ingest.events.at(-1)!.event_id);
  expect(lines[0].function_request_id).toEqual(expect.any(String));
});
