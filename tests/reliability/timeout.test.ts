// Timeouts through the real runtime client: `invoke()` of the CLI runs the fixture in a child Node process with the
// real aws-lambda-ric and enforces the deadline as Lambda does (the environment is killed). sentry()'s timeout
// warning must reach the local ingest before the deadline, and lines must say so in the function's log (the
// warning's WARN line and an ERROR line in errorLog's shape).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import middy from '@middy/core';
import { errorLog } from '@lambdaware/errors';
import { lambdaContext } from '@lambdaware/events';
import { sentry } from '@lambdaware/sentry';
import { setLogSink } from '@lambdaware/shared';
import { fileURLToPath } from 'node:url';
import { invoke } from '@lambdaware/cli';
import { startSentryIngest, type SentryIngest } from '@lambdaware/testkit';
import { summary } from './helpers.js';

const fixture = fileURLToPath(new URL('./fixtures/outlives-deadline.mjs', import.meta.url));
const TIMEOUT_S = 2;

let ingest: SentryIngest;
let result: Awaited<ReturnType<typeof invoke>>;
let started = 0;

beforeAll(async () => {
  ingest = await startSentryIngest();
  started = Date.now();
  result = await invoke({
    handler: `${fixture}#handler`,
    event: { marker: 'timeout-marker-1' },
    timeout: TIMEOUT_S,
    functionName: 'slow-fn',
    env: { SENTRY_DSN: ingest.dsn },
  });
}, 60_000);
afterAll(async () => {
  await ingest.close();
});

const functionJson = () =>
  result.invocations[0].functionLines.flatMap((l) => {
    const at = l.indexOf('{');
    try {
      return at >= 0 ? [JSON.parse(l.slice(at)) as Record<string, any>] : [];
    } catch {
      return [];
    }
  });

test('the invocation times out as on Lambda (Sandbox.Timedout)', () => {
  // on failure, the outcome and the function's lines say what happened instead
  expect({ status: result.status, error: result.error, logs: result.status === 'timeout' ? [] : result.logs }).toMatchObject({ status: 'timeout', logs: [] });
  expect(result.logs.some((l) => l.includes('Task timed out after'))).toBe(true);
});

test('the Sentry "possible timeout" event reached the ingest before the deadline', () => {
  const event = ingest.events.find((e) => String(e.message ?? '').startsWith('Possible timeout'));
  expect(event).toBeDefined();
  expect((event!.tags as Record<string, string>).timeout_warning).toBe('true');
  expect((event!.tags as Record<string, string>).aws_request_id).toBe(result.requestId);
  const envelope = ingest.envelopes.find((e) => e.items.some((it) => (it.payload as { event_id?: string })?.event_id === event!.event_id))!;
  // the deadline is when invoke() killed the environment and wrote "Task timed out" (its ISO timestamp leads the line)
  const timedOut = result.logs.find((l) => l.includes('Task timed out after'))!;
  const timedOutAt = Date.parse(timedOut.slice(0, 24));
  expect(Number.isFinite(timedOutAt)).toBe(true);
  expect(envelope.receivedAt).toBeLessThan(timedOutAt);
  // and with room to spare: at least half of the 600 ms warning window
  expect(timedOutAt - envelope.receivedAt).toBeGreaterThan(300);
  summary(
    'timeout sentry-warning',
    `event received ${timedOutAt - envelope.receivedAt} ms before the deadline (warning set 600 ms before, timeout ${TIMEOUT_S} s)`,
    'pass',
    Date.now() - started,
  );
});

test('a line in the function log says the possible timeout was reported, with the event id and the invocation keys', () => {
  const event = ingest.events.find((e) => String(e.message ?? '').startsWith('Possible timeout'))!;
  const line = functionJson().find((l) => l.message === 'Possible timeout reported to Sentry');
  expect(line).toBeDefined();
  expect(line!.sentryEventID).toBe(event.event_id);
  expect(line!.function_request_id).toBe(result.requestId);
  expect(line!.marker).toBe('timeout-marker-1'); // written inside the invocation, with its logger.set fields
});

// errorLog() cannot write on a timeout: Lambda kills the environment at the deadline, so no onError runs. sentry()'s
// timeout warning, the only path that runs before the deadline, writes the ERROR line (errorLog's `error` shape) when
// it fires.
test('an ERROR line with error.sentryEventID of the warning event is written before the deadline on timeout', () => {
  const event = ingest.events.find((e) => String(e.message ?? '').startsWith('Possible timeout'))!;
  const errors = functionJson().filter((l) => l.level === 'ERROR');
  const warnings = errors.filter((l) => l.error?.type === 'TimeoutWarning');
  expect(warnings).toHaveLength(1);
  // any other ERROR line is a different event: Middy's own TimeoutError, thrown timeoutEarlyInMillis (default 5 ms)
  // before the deadline, which errorLog writes when it wins the race against the kill
  for (const other of errors.filter((l) => l !== warnings[0])) expect(other.error?.type).toBe('TimeoutError');
  const line = warnings[0]!;
  expect(line.error).toEqual({
    type: 'TimeoutWarning',
    message: expect.stringMatching(/^possible timeout: \d+ ms left$/),
    sentryEventID: event.event_id,
    stacktrace: [],
    values: { remainingTimeInMillis: expect.any(Number), timeoutWarningMs: 600, functionName: 'slow-fn' },
  });
  expect(line.message).toBe(line.error.message);
  expect(line.function_request_id).toBe(result.requestId);
  expect(line.marker).toBe('timeout-marker-1');
  // before the deadline: its timestamp precedes the "Task timed out" line's
  const timedOut = result.logs.find((l) => l.includes('Task timed out after'))!;
  expect(Date.parse(line.timestamp)).toBeLessThan(Date.parse(timedOut.slice(0, 24)));
});

describe('in process: errorLog() then sentry({ timeoutWarning }), as the preset orders them', () => {
  const run = async (outcome: 'succeed' | 'fail') => {
    const lines: { level: string; message: string; error?: Record<string, any> }[] = [];
    setLogSink({ log: (level, message, fields) => void lines.push({ level, message, ...fields }) });
    try {
      const handler = middy(async () => {
        await new Promise((r) => setTimeout(r, 450));
        if (outcome === 'fail') throw new Error('failed after the warning');
        return 'ok';
      })
        .use(errorLog())
        .use(sentry({ dsn: ingest.dsn, timeoutWarning: 500 }));
      ingest.events.length = 0;
      await handler({}, lambdaContext({ functionName: 'late-fn', timeoutMs: 800 })).catch(() => undefined);
      await ingest.waitForEvent(2000, (e) => e.level === 'warning');
      if (outcome === 'fail') await ingest.waitForEvent(2000, (e) => e.level === 'error');
      return lines.filter((l) => l.level === 'error');
    } finally {
      setLogSink(undefined);
    }
  };

  test("the warning fires, then the handler fails: the timeout line and errorLog's line, each with its own event id", async () => {
    const errors = await run('fail');
    const warning = ingest.events.find((e) => e.level === 'warning')!;
    const failure = ingest.events.find((e) => e.level === 'error')!;
    expect(errors.map((l) => [l.error?.type, l.error?.sentryEventID])).toEqual([
      ['TimeoutWarning', warning.event_id],
      ['Error', failure.event_id],
    ]);
    expect(errors[1]!.message).toBe('failed after the warning');
  });

  test('the warning fires, then the handler succeeds: the timeout line only', async () => {
    const errors = await run('succeed');
    expect(errors.map((l) => l.error?.type)).toEqual(['TimeoutWarning']);
  });
});
