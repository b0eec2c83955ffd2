// Size and concurrency bounds of the light path (no app client), against the local ingest.
import { afterAll, beforeAll, beforeEach, afterEach, expect, test } from '@jest/globals';
import middy from '@middy/core';
import { errorLog } from '@lambdaware/errors';
import { MAX_LINE_BYTES as MAX_ERROR_LINE_BYTES } from '@lambdaware/shared';
import { lambdaContext } from '@lambdaware/events';
import { startSentryIngest, type SentryIngest } from '@lambdaware/testkit';
import { MAX_SENTRY_EVENT_BYTES, sentry } from '@lambdaware/sentry';
import { collectLines } from './helpers.js';

let ingest: SentryIngest;
let sink: ReturnType<typeof collectLines>;
beforeAll(async () => {
  ingest = await startSentryIngest({ keepAlive: true });
});
afterAll(async () => {
  await ingest.close();
});
beforeEach(() => {
  sink = collectLines();
});
afterEach(() => sink.restore());

test('200 failing invocations at once (one process, as Lambda Managed Instances): 200 events, each id in its line, no warning', async () => {
  const before = ingest.events.length;
  const handler = middy(async (event: { n: number }) => {
    throw new Error(`failure ${event.n}`);
  })
    .use(errorLog())
    .use(sentry({ dsn: ingest.dsn, flushTimeout: 10_000 }));
  const results = await Promise.allSettled(Array.from({ length: 200 }, (_, n) => handler({ n }, lambdaContext({ timeoutMs: 30_000 }))));
  expect(results.every((r) => r.status === 'rejected')).toBe(true);
  const lines = sink.lines.filter((l) => l.level === 'error');
  expect(lines).toHaveLength(200);
  expect(sink.lines.filter((l) => l.level === 'warn')).toEqual([]);
  const events = ingest.events.slice(before);
  expect(events).toHaveLength(200);
  const ids = new Set(events.map((e) => e.event_id));
  for (const l of lines) expect(ids.has((l.error as { sentryEventID: string }).sentryEventID)).toBe(true);
});

test("10,000 failing records: the line stays under the CloudWatch bound and the event under Sentry's, the first failures in full, the rest counted", async () => {
  const before = ingest.events.length;
  const failures = Array.from({ length: 10_000 }, (_, i) => ({
    index: i,
    id: `msg-${i}-${'x'.repeat(40)}`,
    reason: `record ${i} is not JSON: Unexpected token 'o' at position 1`,
  }));
  class RecordsError extends Error {
    override name = 'RecordsError';
    failures = failures;
  }
  const message = `10000 of 10000 records failed: ${failures.map((f) => f.id).join(', ')}`;
  const handler = middy(async () => {
    throw new RecordsError(message);
  })
    .use(errorLog())
    .use(sentry({ dsn: ingest.dsn }));
  await expect(handler({}, lambdaContext())).rejects.toThrow(RecordsError);
  const line = sink.lines.find((l) => l.level === 'error')!;
  const bytes = Buffer.byteLength(JSON.stringify(line));
  expect(bytes).toBeLessThan(MAX_ERROR_LINE_BYTES);
  const error = line.error as Record<string, any>;
  expect(error.failures[0]).toEqual(failures[0]);
  expect(error.failuresOmitted).toBe(10_000 - error.failures.length);
  expect(error.message).toMatch(/…\[truncated: \d+ characters\]$/);
  const event = await ingest.waitForEvent(3000, (e) => e.event_id === error.sentryEventID);
  expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(MAX_SENTRY_EVENT_BYTES);
  expect(ingest.events.length).toBe(before + 1);
});
