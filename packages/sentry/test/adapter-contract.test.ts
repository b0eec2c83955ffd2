// The contract of sentry-adapter.ts (the one file that knows Sentry beyond its documented API), against the lowest
// and the highest supported @sentry/core (npm aliases @sentry/core-lowest 10.53.0, @sentry/core-highest 11.x) and an
// app on Sentry 9 (@sentry/core-v9): the light path's exports, the carrier lookup of an app's client, the hooks, the
// beforeSend wrap and the captured mark, with a real client of each version posting to the local ingest.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startSentryIngest, type SentryIngest } from '@lambdaware/testkit';
import { appClientProblem, bindCore, captureWithApp, findAppSentry, isCapturedBySentry, newEventId, watchClient } from '../src/sentry-adapter.js';
import { createReporter } from '../src/reporter.js';

let ingest: SentryIngest;
beforeAll(async () => {
  ingest = await startSentryIngest();
});
afterAll(async () => {
  await ingest.close();
  delete (globalThis as { __SENTRY__?: unknown }).__SENTRY__;
});

const versions = [
  ['lowest', () => import('@sentry/core-lowest'), () => import('@sentry/core-lowest/server')],
  ['highest', () => import('@sentry/core-highest'), () => import('@sentry/core-highest/server')],
] as const;

describe.each(versions)('@sentry/core %s', (_name, loadRoot, loadServer) => {
  test('the light path: its exports bind, and an event it builds reaches the ingest with the mechanism', async () => {
    const root = (await loadRoot()) as unknown as Record<string, unknown>;
    const server = (await loadServer()) as unknown as Record<string, unknown>;
    const core = bindCore(root, server);
    const reporter = createReporter({ core, dsn: ingest.dsn, environment: 'contract', release: undefined, beforeSend: undefined });
    const capture = reporter.captureError(
      '0123456789abcdef0123456789abcdef',
      new Error('light path'),
      { tags: { t: '1' }, contexts: {}, transaction: 'fn' },
      { k: 'v' },
      'req-1',
    );
    expect(await capture.outcome).toEqual({ delivered: true });
    const event = await ingest.waitForEvent(3000, (e) => e.event_id === capture.eventId);
    expect(event).toMatchObject({ environment: 'contract', extra: { k: 'v' }, tags: { t: '1' } });
    expect((event.exception as any).values[0].mechanism).toEqual({ type: 'auto.middleware.lambdaware.sentry', handled: false });
    expect((event.exception as any).values[0].stacktrace.frames.length).toBeGreaterThan(0);
  });

  test("an app's client of this version: found in the carrier, hooked, reports through its scope; the mark is read", async () => {
    const root = (await loadRoot()) as any;
    const server = (await loadServer()) as any;
    const ServerRuntimeClient = root.ServerRuntimeClient ?? server.ServerRuntimeClient;
    const stackParser = root.createStackParser((server.nodeStackLineParser ?? root.nodeStackLineParser)());
    const transport = (options: any) =>
      root.createTransport(options, async (request: any) => {
        const res = await fetch(options.url, { method: 'POST', body: request.body });
        return { statusCode: res.status, headers: { 'retry-after': null, 'x-sentry-rate-limits': null } };
      });
    const client = new ServerRuntimeClient({
      dsn: ingest.dsn,
      integrations: [],
      transport,
      stackParser,
      environment: 'app-env',
      beforeSend: (e: any) => ({ ...e, tags: { ...e.tags, app: 'yes' } }),
    });
    root.getCurrentScope().setClient(client);
    client.init();
    root.getCurrentScope().setTag('team', 'x');

    const app = findAppSentry()!;
    expect(app).toBeDefined();
    expect(app.version).toBe(root.SDK_VERSION);
    expect(appClientProblem(app)).toBeUndefined();
    const watch = watchClient(app.client, { finalize: (e) => e });
    const eventId = newEventId();
    watch.own(eventId);
    const outcome = watch.outcome(eventId);
    const error = new Error('through the app');
    captureWithApp(
      app,
      error,
      { tags: { function_name: 'orders' }, contexts: { 'aws.lambda': { function_name: 'orders' } } },
      { k: 'v' },
      { type: 'auto.middleware.lambdaware.sentry', handled: false },
      eventId,
    );
    expect(await outcome).toEqual({ delivered: true });
    const event = await ingest.waitForEvent(3000, (e) => e.event_id === eventId);
    expect(event).toMatchObject({ environment: 'app-env', tags: { team: 'x', app: 'yes', function_name: 'orders' }, extra: { k: 'v' } });
    expect(isCapturedBySentry(error)).toBe(true);
    expect(watch.eventIdOf(error)).toBe(eventId);

    await client.close(1000);
    expect(appClientProblem(findAppSentry()!)).toMatch(/disabled/);
    root.getCurrentScope().setClient(undefined);
  });
});

test('an app on Sentry 9: named, not used', async () => {
  const root = (await import('@sentry/core-v9')) as any;
  const client = new root.ServerRuntimeClient({
    dsn: ingest.dsn,
    integrations: [],
    transport: () => ({ send: async () => ({}), flush: async () => true }),
    stackParser: root.createStackParser(),
  });
  root.getCurrentScope().setClient(client);
  const app = findAppSentry()!;
  expect(app.major).toBe(9);
  expect(appClientProblem(app)).toMatch(/Sentry 9\.\d+\.\d+; @lambdaware\/sentry reports through Sentry 10\.x and 11\.x only/);
  root.getCurrentScope().setClient(undefined);
});
