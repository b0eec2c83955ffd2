// Faults survived. Sentry ingest refusing, hanging, answering 429 and 500: the invocation's outcome is unchanged
// (the same error object rejects), the delay is bounded by flushTimeout, and one warning says the event was not
// delivered. Secrets Manager answering 500, 429, 403, 404, slowly, and dropping connections: a SecretsError naming
// the secret and what was wrong (never its value), and the next invocation recovers. No unhandled rejection anywhere.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import middy from '@middy/core';
import { lambdaContext } from '@lambdaware/events';
import { logContext, logger } from '@lambdaware/logger';
import { errorLog } from '@lambdaware/errors';
import { sentry } from '@lambdaware/sentry';
import { secrets, SecretsError, type SecretsErrorCode } from '@lambdaware/secrets';
import { clearSecrets, setLogSink } from '@lambdaware/shared';
import { startSecretsManager, startSentryIngest, type FaultSpec, type LocalSecretsManager, type SentryIngest } from '@lambdaware/testkit';
import { count, makeCanaries, scanEnvelopes, summary, tapOutput, watchUnhandled, type OutputTap } from './helpers.js';

const CANARIES = makeCanaries();
const ROUNDS = count(3, 100);

let ingest: SentryIngest;
let sm: LocalSecretsManager;
let tap: OutputTap;
let unhandled: ReturnType<typeof watchUnhandled>;

beforeAll(async () => {
  unhandled = watchUnhandled();
  ingest = await startSentryIngest();
  sm = await startSecretsManager({ secrets: { 'app/db': { password: CANARIES[0] } } });
  tap = tapOutput(CANARIES);
});
afterAll(async () => {
  tap.restore();
  setLogSink(undefined);
  clearSecrets();
  await ingest.close();
  await sm.close();
  unhandled.stop();
});

const lines = () => tap.lines.map((l) => JSON.parse(l.text) as Record<string, any>);

describe('Sentry ingest faults: result unchanged, delay bounded', () => {
  const FLUSH = 400;
  const modes: [string, () => Promise<void>, RegExp][] = [
    ['refusing', () => ingest.setMode('refuse'), /ECONNREFUSED/],
    ['hanging', () => ingest.setMode('hang'), /no answer within|timed out/],
    ['429', () => ingest.setStatus(429, { 'retry-after': '60' }), /HTTP 429|rate limited/],
    ['500', () => ingest.setStatus(500), /HTTP 500/],
  ];
  test.each(modes)('%s', async (name, setMode, reason) => {
    const started = Date.now();
    let worst = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await ingest.setMode('ok');
      await setMode();
      tap.lines.length = 0;
      const error = new Error(`order failed (${name}, round ${round})`);
      // a fresh middleware per round: after a 429 the SDK backs off, which is itself the documented behaviour
      const handler = middy(async () => {
        throw error;
      })
        .use(logContext())
        .use(errorLog())
        .use(sentry({ dsn: ingest.dsn, flushTimeout: FLUSH }));
      const t0 = Date.now();
      const thrown = await handler({}, lambdaContext({ timeoutMs: 10_000 })).then(
        () => undefined,
        (e: unknown) => e,
      );
      const took = Date.now() - t0;
      worst = Math.max(worst, took);
      expect(thrown).toBe(error); // the same object: the outcome is unchanged
      expect(took).toBeLessThan(FLUSH + 1500); // bounded (flushTimeout, plus the SDK import on the first round)
      // a hanging ingest: sent, no answer within its wait (it may still arrive); refused or rejected: not delivered
      const warning = lines().find((l) => l.message === (name === 'hanging' ? 'Sentry event sent, no answer within its wait' : 'Sentry event not delivered'));
      expect(warning?.reason).toMatch(reason);
      const errorLine = lines().find((l) => l.level === 'ERROR');
      expect(errorLine?.error?.message).toBe(error.message);
      expect(warning?.sentryEventID).toMatch(/^[0-9a-f]{32}$/);
      // the line names only an event Sentry has or may have (hanging: sent, unanswered); a refused or rejected one is
      // named by the warning alone
      expect(errorLine?.error?.sentryEventID).toBe(name === 'hanging' ? warning?.sentryEventID : undefined);
    }
    await ingest.setMode('ok');
    summary(
      `faults sentry-${name}`,
      `${ROUNDS} failing invocations, error unchanged, slowest ${worst} ms (flushTimeout ${FLUSH} ms)`,
      'pass',
      Date.now() - started,
    );
  });
});

describe('Secrets Manager faults: a clear error naming the secret, recovery on the next invocation', () => {
  const cases: [string, FaultSpec, SecretsErrorCode][] = [
    ['500', { status: 500, times: Infinity }, 'ServiceError'],
    ['429 throttling', { error: 'ThrottlingException', times: Infinity }, 'Throttled'],
    ['403 access denied', { error: 'AccessDeniedException', times: Infinity }, 'AccessDenied'],
    ['404 not found', { error: 'ResourceNotFoundException', times: Infinity }, 'NotFound'],
    ['dropped connection', { drop: true, times: Infinity }, 'Network'],
  ];

  const makeHandler = () =>
    middy(async (_event: unknown, context: any) => {
      logger.info('got the secret', { password: context.secrets.db.password }); // masked by the logger
      return { ok: context.secrets.db.password.length };
    })
      .use(logContext())
      .use(errorLog())
      .use(
        secrets({
          fetch: { db: 'app/db' },
          cacheTtlMs: 0,
          clientConfig: {
            endpoint: sm.endpoint,
            region: 'us-east-1',
            maxAttempts: 2,
            credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
          },
        }),
      );

  test.each(cases)(
    '%s',
    async (name, fault, code) => {
      const started = Date.now();
      for (let round = 0; round < ROUNDS; round++) {
        sm.setFault(fault);
        tap.lines.length = 0;
        const handler = makeHandler(); // cold start: its prefetch meets the fault too
        const failed = await handler({}, lambdaContext()).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(failed).toBeInstanceOf(SecretsError);
        const e = failed as SecretsError;
        expect(e.code).toBe(code);
        expect(e.secretId).toBe('app/db');
        expect(e.message).toContain('secret "app/db"');
        const line = lines().find((l) => l.level === 'ERROR');
        expect(line?.error?.type).toBe('SecretsError');
        expect(line?.error?.values?.secretId).toBe('app/db');
        // the fault is gone: the next invocation of the same (warm) function recovers
        sm.setFault();
        const ok = await handler({}, lambdaContext());
        expect(ok).toEqual({ ok: CANARIES[0].length });
      }
      summary(`faults secrets-${name}`, `${ROUNDS} rounds: SecretsError ${code} naming "app/db", then recovered`, 'pass', Date.now() - started);
    },
    Math.max(30_000, ROUNDS * 1_500),
  ); // a throttled round waits for the SDK's retries (~0.3 s)

  // Slow answers: the value arrives late and the invocation succeeds (the Lambda deadline is the bound). A client
  // requestTimeout does not turn it into a `Timeout` error: with @smithy/node-http-handler 4.14 a NodeHttpHandler
  // requestTimeout of 300 ms let a 1500 ms answer through (it only prints a console warning).
  test('slow (1 s per answer): the value arrives, the invocation succeeds, the next one too', async () => {
    sm.setFault({ delayMs: 1000, times: Infinity });
    const handler = makeHandler();
    for (let i = 0; i < 2; i++) {
      const t0 = Date.now();
      expect(await handler({}, lambdaContext({ timeoutMs: 10_000 }))).toEqual({ ok: CANARIES[0].length });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    }
    sm.setFault();
    summary('faults secrets-slow', '2 invocations with 1 s answers: value delivered, invocation succeeded', 'pass', 0);
  });
});

describe('after every fault', () => {
  test('no unhandled rejection, no canary in any output or envelope', async () => {
    await new Promise((r) => setTimeout(r, 200)); // let late rejections surface
    expect(unhandled.reasons).toEqual([]);
    expect(tap.leaks).toEqual([]);
    const envelopes = scanEnvelopes(ingest, CANARIES);
    expect(envelopes.leaks).toEqual([]);
    summary(
      'secrets-never-leave faults',
      `${tap.writes} writes, ${envelopes.envelopes} envelopes scanned, 0 found; ${unhandled.reasons.length} unhandled rejections`,
      'pass',
      0,
    );
  });
});
