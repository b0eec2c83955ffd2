// Lambda Managed Instances as a first-class target: the preset (records, logContext, errorLog, sentry, secrets from
// the local Secrets Manager endpoint, reporting to the local Sentry ingest) run by the real aws-lambda-ric in its
// multi-concurrent mode (AWS_LAMBDA_MAX_CONCURRENCY, worker threads, many invocations in flight in one process), as
// `lambdaware invoke --concurrency` runs it. Nothing may cross between invocations in flight together: no line, no
// key, no Sentry event; no secret may leave; every failure's Sentry event is delivered or warned about with the true
// reason, also with 200 failures in flight at once.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startSecretsManager, startSentryIngest, type LocalSecretsManager, type SentryIngest } from '@lambdaware/testkit';
import { count, makeCanaries, summary, timeoutFor } from '../reliability/helpers.js';
import { fileURLToPath } from 'node:url';
import { describe as describeRun, runManagedInstances, type Analysis, type Kind } from './driver.js';

const CANARIES = makeCanaries();
const INVOCATIONS = count(400, 5_000);
const CONCURRENCY = 8;
const WORKERS = 2;

let ingest: SentryIngest;
let sm: LocalSecretsManager;
let env: Record<string, string>;

beforeAll(async () => {
  ingest = await startSentryIngest();
  sm = await startSecretsManager();
  const arn = sm.setSecret('managed-instances/db', { user: 'app', password: CANARIES[0] });
  env = { ...sm.env, SECRET_ARN: arn };
});
afterAll(async () => {
  await ingest?.close();
  await sm?.close();
});

/** What every run must show: nothing crossed, nothing leaked, every failure accounted for. */
function expectClean(analysis: Analysis): void {
  expect(analysis.crossedLines).toEqual([]);
  expect(analysis.crossedKeys).toEqual([]);
  expect(analysis.crossedEvents).toEqual([]);
  expect(analysis.secretsFound).toEqual([]);
  // every line was written inside an invocation and names it
  expect(analysis.unattributed).toEqual([]);
  expect(analysis.lost.map((f) => ({ marker: f.job.marker, kind: f.job.kind, sentryEventID: f.sentryEventID }))).toEqual([]);
  expect(analysis.untrueReasons.map((f) => ({ marker: f.job.marker, reason: f.reason }))).toEqual([]);
}

test(
  `${INVOCATIONS} invocations, ${CONCURRENCY} in flight at once: 0 crossed lines, keys, secrets or Sentry events`,
  async () => {
    const started = Date.now();
    // ~70% success, ~15% a handler throw, ~15% a bad record (RecordsError in records' before)
    const kindOf = (i: number): Kind => (i % 20 < 14 ? 'success' : i % 20 < 17 ? 'handler-throw' : 'bad-record');
    const analysis = await runManagedInstances({
      invocations: INVOCATIONS,
      concurrency: CONCURRENCY,
      workers: WORKERS,
      kindOf,
      ms: (i) => 5 + ((i * 7) % 40),
      ingest,
      env,
      secrets: CANARIES,
    });
    const { result } = analysis;
    expect(result.concurrency).toEqual({ max: CONCURRENCY, peakInFlight: CONCURRENCY, environments: 1 });
    result.invocations.forEach((invocation, index) => {
      const job = analysis.jobs[index];
      if (job.kind === 'success') expect(invocation.response).toEqual({ marker: job.marker, requestId: invocation.requestId });
      else expect(invocation.error?.errorType).toBe(job.kind === 'bad-record' ? 'RecordsError' : 'LambdaError');
    });
    expectClean(analysis);
    expect(analysis.failures.filter((f) => f.outcome === 'delivered')).toHaveLength(analysis.failures.length); // a healthy ingest
    // the secret was fetched once for the environment's worker threads, not per invocation
    expect(sm.callsOf('GetSecretValue').length).toBeLessThanOrEqual(WORKERS);
    summary('managed-instances preset', describeRun(analysis, { concurrency: CONCURRENCY, workers: WORKERS }), 'pass', Date.now() - started);
  },
  timeoutFor(INVOCATIONS, 60),
);

test('200 failures in flight at once: each Sentry event delivered, or warned with the true reason', async () => {
  const started = Date.now();
  const analysis = await runManagedInstances({
    invocations: 200,
    concurrency: 200,
    // one worker thread: one Sentry client and transport for all 200
    workers: 1,
    kindOf: () => 'handler-throw',
    // long enough that all 200 are in flight before the first one fails
    ms: () => 400,
    ingest,
    env,
    secrets: CANARIES,
  });
  expect(analysis.result.concurrency!.peakInFlight).toBe(200);
  expect(analysis.failures).toHaveLength(200);
  summary(
    'managed-instances 200 failures at once',
    describeRun(analysis, { concurrency: 200, workers: 1 }),
    analysis.lost.length === 0 && analysis.untrueReasons.length === 0 ? 'pass' : 'fail',
    Date.now() - started,
  );
  expectClean(analysis);
}, 120_000);

test('the checks find a crossing: a handler keeping the marker in a module variable crosses under concurrency', async () => {
  const analysis = await runManagedInstances({
    handler: fileURLToPath(new URL('./fixtures/leaky-handler.mjs', import.meta.url)),
    invocations: 24,
    concurrency: 8,
    workers: 1,
    kindOf: () => 'success',
    ms: (i) => 10 + ((i * 13) % 60),
    ingest,
    env,
    secrets: CANARIES,
  });
  expect(analysis.crossedLines.length).toBeGreaterThan(0);
  expect(analysis.crossedLines.every((line) => JSON.parse(line).message === 'job done')).toBe(true);
});
