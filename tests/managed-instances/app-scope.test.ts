// Issue 23: with the app's own Sentry client (Sentry.init of @sentry/node), each invocation its own Sentry scope:
// the tags, extras, user and breadcrumbs a handler sets belong to that invocation's event only, sequentially (an
// on-demand environment) and with invocations in flight together (Lambda Managed Instances: aws-lambda-ric in its
// multi-concurrent mode), while what the app set at init stays on every event. Through `invoke()` of the CLI and
// the local Sentry ingest.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { invoke } from '@lambdaware/cli';
import { startSentryIngest, type SentryIngest } from '@lambdaware/testkit';

const fixture = fileURLToPath(new URL('./fixtures/app-scope-handler.mjs', import.meta.url));
let ingest: SentryIngest;
beforeAll(async () => {
  ingest = await startSentryIngest();
});
afterAll(async () => {
  await ingest.close();
});

type Event = Record<string, any>;
const markerOf = (e: Event): string => String(e.exception.values.at(-1).value).replace(/^failed /, '');

const expectOwnScopes = (events: Event[], markers: string[]): void => {
  expect(events.map(markerOf).sort()).toEqual([...markers].sort());
  for (const e of events) {
    const m = markerOf(e);
    expect({ m, tags: e.tags, extra: e.extra?.marker, user: e.user?.id }).toMatchObject({ m, tags: { app: 'init', marker: m }, extra: m, user: m });
    const crumbs = (e.breadcrumbs ?? []).filter((b: Event) => b.category === 'test').map((b: Event) => b.message);
    expect({ m, crumbs }).toEqual({ m, crumbs: [`crumb ${m}`, `late crumb ${m}`] });
  }
};

const run = async (prefix: string, n: number, concurrency?: number, sdk = '@sentry/node') => {
  const markers = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  const before = ingest.events.length;
  const result = await invoke({
    handler: `${fixture}#handler`,
    events: markers.map((marker, i) => ({ marker, ms: 5 + ((i * 7) % 30) })),
    env: { SENTRY_TEST_DSN: ingest.dsn, SENTRY_SDK: sdk },
    timeout: 10,
    ...(concurrency ? { concurrency } : {}),
  });
  expect(result.invocations.map((i) => i.status)).toEqual(markers.map(() => 'error'));
  const deadline = Date.now() + 10_000;
  while (ingest.events.length - before < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return { events: ingest.events.slice(before).filter((e) => markerOf(e).startsWith(`${prefix}-`)), markers };
};

test("sequential invocations in one environment: each event carries its own invocation's scope only", async () => {
  const { events, markers } = await run('seq', 6);
  expectOwnScopes(events, markers);
}, 60_000);

test("8 invocations in flight at once (Managed Instances): each event carries its own invocation's scope only", async () => {
  const { events, markers } = await run('conc', 24, 8);
  expectOwnScopes(events, markers);
}, 60_000);

test("with @sentry/node 11: each event carries its own invocation's scope only", async () => {
  const { events, markers } = await run('v11', 8, 4, '@sentry/node-11');
  expectOwnScopes(events, markers);
}, 60_000);
