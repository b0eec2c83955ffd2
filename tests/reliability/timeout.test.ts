// Timeouts through the real runtime client: `invoke()` of the CLI runs the fixture in a child Node process with the
// real aws-lambda-ric and enforces the deadline as Lambda does (the environment is killed). sentry()'s timeout
// warning must reach the local ingest before the deadline, and a line must say so in the function's log.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
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
  expect(result.status).toBe('timeout');
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
  summary('timeout sentry-warning', `event received ${timedOutAt - envelope.receivedAt} ms before the deadline (warning set 600 ms before, timeout ${TIMEOUT_S} s)`, 'pass', Date.now() - started);
});

test('a line in the function log says the possible timeout was reported, with the event id and the invocation keys', () => {
  const event = ingest.events.find((e) => String(e.message ?? '').startsWith('Possible timeout'))!;
  const line = functionJson().find((l) => l.message === 'Possible timeout reported to Sentry');
  expect(line).toBeDefined();
  expect(line!.sentryEventID).toBe(event.event_id);
  expect(line!.function_request_id).toBe(result.requestId);
  expect(line!.marker).toBe('timeout-marker-1'); // written inside the invocation, with its logger.set fields
});

// errorLog() cannot write on a timeout: Lambda kills the environment at the deadline, so no onError runs. The only
// path that runs before the deadline is sentry()'s timeout warning, and it writes a WARN line, not an error line
// (`level: ERROR` with `error: { type, message, sentryEventID }` as errorLog writes). Reported to the owners.
test.failing('KNOWN GAP (sentry/errors): an ERROR line with error.sentryEventID is written before the deadline on timeout', () => {
  const event = ingest.events.find((e) => String(e.message ?? '').startsWith('Possible timeout'))!;
  const line = functionJson().find((l) => l.level === 'ERROR');
  expect(line?.error?.sentryEventID).toBe(event.event_id);
});
