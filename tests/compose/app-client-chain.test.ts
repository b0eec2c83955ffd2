// The chain as users compose it, in a function that already has Sentry (Sentry.init of the real
// @sentry/aws-serverless, in a child process): one error line per failure wherever it happens, carrying the id of
// the one event the ingest received, which has the app's tag.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSentryIngest, type SentryIngest } from '@lambdaware/testkit';

const fixture = fileURLToPath(new URL('./fixtures/app-client-chain.mjs', import.meta.url));
let ingest: SentryIngest;
beforeAll(async () => {
  ingest = await startSentryIngest();
});
afterAll(async () => {
  await ingest.close();
});

test.each([
  ['handler', 'handler failed'],
  ['before-errorLog', 'bad input before'],
  ['after-errorLog', 'bad input after'],
])("a failure in %s: one error line, one event through the app's client, the same id", async (where, message) => {
  const before = ingest.events.length;
  const { stdout } = await promisify(execFile)(process.execPath, [fixture, where], {
    env: { ...process.env, SENTRY_DSN: '', SENTRY_TEST_DSN: ingest.dsn, LOG_LEVEL: 'INFO' },
    timeout: 30_000,
  });
  const lines = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, any>);
  const result = lines.find((l) => 'thrown' in l)!;
  expect(result.thrown).toBe(message);
  const errors = lines.filter((l) => l.level === 'ERROR');
  expect(errors).toHaveLength(1);
  expect(errors[0].error).toMatchObject({ type: 'Error', message });
  const events = ingest.events.slice(before);
  expect(events).toHaveLength(1);
  expect(events[0].tags).toMatchObject({ team: 'x', aws_request_id: 'req-chain' });
  expect(errors[0].error.sentryEventID).toBe(events[0].event_id);
});
