// Issue 23: the invocation's recent log lines (handed to the request by the logger: `setRecentLines`, already
// masked and bounded) on the failure's Sentry event as breadcrumbs, through the built-in reporter to the local
// ingest; `breadcrumbs: false` turns it off.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import middy from '@middy/core';
import { type RecentLine, setLogSink, setRecentLines } from '@lambdaware/shared';
import { lambdaContext } from '@lambdaware/events';
import { startSentryIngest, type SentryIngest } from '@lambdaware/testkit';
import { SentryOptionsError, sentry } from '@lambdaware/sentry';
import { collectLines, invoke } from './helpers.js';

let ingest: SentryIngest;
beforeAll(async () => {
  ingest = await startSentryIngest();
  collectLines();
});
afterAll(async () => {
  setLogSink(undefined);
  await ingest.close();
});

const lines = (marker: string): RecentLine[] => [
  { timestamp: 1_700_000_000_000, level: 'debug', message: `cache miss ${marker}`, data: { key: 'k1' }, buffered: true },
  { timestamp: 1_700_000_000_500, level: 'warn', message: `slow upstream ${marker}` },
];

const handlerWith = (marker: string, options: Parameters<typeof sentry>[0] = {}) =>
  middy(async () => {
    throw new Error(`failed ${marker}`);
  })
    .use({ before: (request) => setRecentLines(request, () => lines(marker)) })
    .use(sentry({ dsn: ingest.dsn, ...options }));

test('the recent lines, in order, as breadcrumbs of the failure event (level, category, data)', async () => {
  await invoke(() => handlerWith('a')({}, lambdaContext()));
  const event = await ingest.waitForEvent(3000, (e) => JSON.stringify(e).includes('failed a'));
  expect(event.breadcrumbs).toEqual([
    { timestamp: 1_700_000_000, level: 'debug', category: 'log.buffered', message: 'cache miss a', data: { key: 'k1' } },
    { timestamp: 1_700_000_000.5, level: 'warning', category: 'log', message: 'slow upstream a' },
  ]);
});

test('breadcrumbs: false leaves them out', async () => {
  await invoke(() => handlerWith('b', { breadcrumbs: false })({}, lambdaContext()));
  const event = await ingest.waitForEvent(3000, (e) => JSON.stringify(e).includes('failed b'));
  expect(event.breadcrumbs).toBeUndefined();
  expect(() => sentry({ dsn: ingest.dsn, breadcrumbs: 'no' as never })).toThrow(SentryOptionsError);
});
