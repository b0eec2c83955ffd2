// The app already has Sentry (Sentry.init of the real @sentry/aws-serverless or @sentry/node, 10.x) and adds
// errorLog() + sentry(): one event per failure, through the app's client (its tags, user, environment, release and
// beforeSend), the id in the error line equal to the envelope's event_id. Sentry.init is process-global, so each
// case runs test/fixtures/app-client.mjs in a child process (dist/ builds) against this file's local ingest.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSentryIngest, type SentryIngest } from '@lambdaware/testkit';

const fixture = fileURLToPath(new URL('./fixtures/app-client.mjs', import.meta.url));
let ingest: SentryIngest;
beforeAll(async () => {
  ingest = await startSentryIngest();
});
afterAll(async () => {
  await ingest.close();
});

interface Run {
  thrown: string[];
  beforeSendRuns: string[];
  unhandled: string[];
  lines: Record<string, any>[];
  events: Record<string, any>[];
}

const run = async (sdk: 'aws-serverless' | 'node' | 'node-11', scenario: string, count = 1): Promise<Run> => {
  const before = ingest.events.length;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [fixture, sdk, scenario, String(count)], {
    env: { ...process.env, SENTRY_DSN: '', SENTRY_TEST_DSN: ingest.dsn },
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Omit<Run, 'lines' | 'events'>;
  const lines = stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, any>);
  return { ...result, lines, events: ingest.events.slice(before) };
};

const errorLines = (r: Run) => r.lines.filter((l) => l.level === 'ERROR');
const warnLines = (r: Run) => r.lines.filter((l) => l.level === 'WARN');

describe.each(['aws-serverless', 'node', 'node-11'] as const)('the app initialised @sentry/%s: its client reports', (sdk) => {
  test("one event with the app's tags, user, environment, release and beforeSend, plus the Lambda context; the line carries its id", async () => {
    const r = await run(sdk, 'plain');
    expect(r.thrown).toEqual(['order 0 not saved']);
    expect(r.unhandled).toEqual([]);
    expect(r.events).toHaveLength(1);
    const [event] = r.events;
    expect(event.tags).toMatchObject({ team: 'x', before_send_ran: 'yes', function_name: 'orders', aws_request_id: 'req-0' });
    expect(event).toMatchObject({ environment: 'test', release: 'orders@2.0.0', user: { id: 'user-7' } });
    expect(event.sdk.name).toBe(sdk === 'aws-serverless' ? 'sentry.javascript.aws-serverless' : 'sentry.javascript.node');
    if (sdk === 'node-11') expect(event.sdk.version).toMatch(/^11\./); // @sentry/node 11, its own copy of @sentry/core 11
    expect(event.contexts['aws.lambda']).toMatchObject({ function_name: 'orders', aws_request_id: 'req-0' });
    expect(event.exception.values.at(-1).mechanism).toEqual({ type: 'auto.middleware.lambdaware.sentry', handled: false });
    expect(r.beforeSendRuns).toEqual([event.event_id]);
    expect(errorLines(r)).toHaveLength(1);
    expect(errorLines(r)[0].error.sentryEventID).toBe(event.event_id);
    expect(warnLines(r)).toEqual([]);
  });
});

describe('with @sentry/aws-serverless', () => {
  test('wrapHandler around the middy handler: still one event, the id in the line', async () => {
    const r = await run('aws-serverless', 'wrap');
    expect(r.events).toHaveLength(1);
    expect(r.events[0].tags).toMatchObject({ team: 'x', before_send_ran: 'yes' });
    expect(errorLines(r).map((l) => l.error.sentryEventID)).toEqual([r.events[0].event_id]);
    expect(r.unhandled).toEqual([]);
  });

  test.each(['captured-first', 'captured-first-wrap', 'init-late'])(
    'the app captured the error itself first (%s): its event is the one, its id in the line',
    async (scenario) => {
      const r = await run('aws-serverless', scenario);
      expect(r.events).toHaveLength(1);
      expect(r.events[0].exception.values.at(-1).mechanism).toEqual({ type: 'generic', handled: true }); // the app's own event
      expect(r.events[0].tags).toMatchObject({ team: 'x', before_send_ran: 'yes' });
      expect(errorLines(r).map((l) => l.error.sentryEventID)).toEqual([r.events[0].event_id]);
      expect(warnLines(r)).toEqual([]);
    },
  );

  test("a registered secret reaches neither the app's event (masked structurally after its beforeSend) nor the line", async () => {
    const r = await run('aws-serverless', 'secret');
    expect(r.events).toHaveLength(1);
    expect(JSON.stringify(r.events[0])).not.toContain('tok-9f8e7d6c-app');
    expect(r.events[0].exception.values.at(-1).value).toBe('upstream refused ****');
    expect(JSON.stringify(r.lines)).not.toContain('tok-9f8e7d6c-app');
    expect(errorLines(r)[0].error.sentryEventID).toBe(r.events[0].event_id);
  });

  test("timeoutWarning through the app's client: one warning event with the app's tag, its id on the TimeoutWarning line", async () => {
    const r = await run('aws-serverless', 'timeout');
    expect(r.thrown).toEqual([null]); // succeeded (JSON of undefined)
    const events = r.events;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ level: 'warning', tags: { team: 'x', timeout_warning: 'true' } });
    expect(events[0].message).toMatch(/^Possible timeout: orders has \d+ ms left$/);
    const line = errorLines(r)[0];
    expect(line.error).toMatchObject({ type: 'TimeoutWarning', sentryEventID: events[0].event_id });
  });

  test('the same error object thrown by two invocations (a cached init failure): one event each, each line its own id', async () => {
    const r = await run('aws-serverless', 'rethrown');
    expect(r.thrown).toEqual(['config not loaded', 'config not loaded']);
    expect(r.events).toHaveLength(2);
    expect(errorLines(r).map((l) => l.error.sentryEventID)).toEqual(r.events.map((e) => e.event_id));
    expect(r.events.map((e) => e.tags.aws_request_id)).toEqual(['req-0', 'req-1']);
  });

  test.each([
    ['no-dsn', /no DSN \(Sentry\.init without dsn\)/],
    ['closed', /disabled \(enabled: false, or closed/],
    ['before-send-throws', /the app's beforeSend threw TypeError: beforeSend is broken/],
    ['before-send-null', /dropped by the app's beforeSend \(it returned null\)/],
  ])('bad input %s: one warning naming it, the error unchanged, no event, no id in the line, no unhandled rejection', async (scenario, reason) => {
    const r = await run('aws-serverless', scenario);
    expect(r.thrown).toEqual(['order 0 not saved']);
    expect(r.events).toHaveLength(0);
    expect(warnLines(r)).toHaveLength(1);
    expect(warnLines(r)[0].reason).toMatch(reason);
    expect(errorLines(r)).toHaveLength(1);
    expect(errorLines(r)[0].error).not.toHaveProperty('sentryEventID');
    expect(r.unhandled).toEqual([]);
  });

  test('200 failing invocations at once (Lambda Managed Instances): each event delivered with its id in its line, or warned with the true reason', async () => {
    const r = await run('aws-serverless', 'plain', 200);
    expect(r.thrown).toHaveLength(200);
    const lines = errorLines(r);
    expect(lines).toHaveLength(200);
    const received = new Set(r.events.map((e) => e.event_id));
    // a line's id is an event the ingest received (or one sent and unanswered at the wait's end, which is warned)
    const notReceived = lines.filter((l) => !received.has(l.error.sentryEventID));
    const warns = warnLines(r);
    expect(warns.length).toBeGreaterThanOrEqual(notReceived.length);
    for (const w of warns) expect(w.reason).toMatch(/ahead of it until the wait's end|no answer within/);
    for (const l of notReceived.filter((x) => x.error.sentryEventID !== undefined)) {
      expect(warns.some((w) => w.sentryEventID === l.error.sentryEventID && /no answer within/.test(w.reason))).toBe(true);
    }
    expect(r.events.length).toBe(new Set(r.events.map((e) => e.event_id)).size); // one event per failure at most
    expect(r.unhandled).toEqual([]);
  });
});
