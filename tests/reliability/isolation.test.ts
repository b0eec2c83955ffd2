// No leaks between invocations, and secrets never leave: 10,000 invocations, one after another in one process (as
// one Lambda execution environment runs them), through the whole chain — logContext, errorLog, sentry (to a local
// ingest), secrets (from a local Secrets Manager), records — in a random mix of success, handler throw, middleware
// throw (a bad record), and early return (a middleware answering in `before`, which skips every `after`). Each
// invocation carries a unique marker (in its event, its request id, `logger.set`, the error's values); every log line
// and every Sentry envelope must name only its own invocation's marker. Canary secrets are logged, set, thrown and
// attached on purpose: no form of them may appear in any byte written or any envelope received.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import { z } from 'zod';
import { lambdaContext, sqsEvent } from '@lambdaware/events';
import { logContext, logger } from '@lambdaware/logger';
import { errorLog, newError } from '@lambdaware/errors';
import { sentry } from '@lambdaware/sentry';
import { secrets } from '@lambdaware/secrets';
import { records, RecordsError } from '@lambdaware/records';
import { clearSecrets, setLogSink } from '@lambdaware/shared';
import { startSecretsManager, startSentryIngest, type LocalSecretsManager, type SentryIngest } from '@lambdaware/testkit';
import { count, makeCanaries, prototypeSnapshot, scanEnvelopes, summary, tapOutput, timeoutFor, watchUnhandled, type OutputTap } from './helpers.js';

const INVOCATIONS = count(10_000, 100_000);
const CANARIES = makeCanaries();
const MARKER = /inv-\d+-[0-9a-f]{6}/g;

type Outcome = 'success' | 'handler-throw' | 'middleware-throw' | 'early-return';
/** ~80% success, ~5% handler throw, ~5% middleware throw, ~10% early return: ~10% reach Sentry. */
const pick = (r: number): Outcome => (r < 0.8 ? 'success' : r < 0.85 ? 'handler-throw' : r < 0.9 ? 'middleware-throw' : 'early-return');

let ingest: SentryIngest;
let sm: LocalSecretsManager;
let tap: OutputTap;
const savedEnv = { ...process.env };

beforeAll(async () => {
  ingest = await startSentryIngest();
  sm = await startSecretsManager({ secrets: { 'app/db': { password: CANARIES[0], user: 'app' }, 'app/token': CANARIES[1] } });
  Object.assign(process.env, sm.env);
});
afterAll(async () => {
  tap?.restore();
  setLogSink(undefined);
  clearSecrets();
  process.env = { ...savedEnv };
  await ingest.close();
  await sm.close();
});

test(
  `${INVOCATIONS} interleaved invocations: no log field, context value or Sentry data crosses over, no secret leaves`,
  async () => {
    const unhandled = watchUnhandled();
    const protoBefore = prototypeSnapshot();
    tap = tapOutput(CANARIES);

    const Job = z.object({ marker: z.string(), n: z.number(), fail: z.boolean().optional(), early: z.boolean().optional() });
    /** A middleware after records() that answers early for events asking it to (its `before` returns a response). */
    const earlyReturn: MiddlewareObj = {
      before: (request) => {
        const body = JSON.parse((request.event as { Records: { body: string }[] }).Records[0].body) as { marker: string; early?: boolean };
        if (body.early) {
          logger.set('marker', body.marker); // never cleared by an `after`: the next invocation must not show it
          logger.set('leak', `early-${body.marker}`);
          return { early: body.marker };
        }
        return undefined;
      },
    };
    const handler = middy(async (_event: unknown, context: any) => {
      const payload = context.records[0].payload as { marker: string; n: number; fail?: boolean };
      const { marker } = payload;
      // a context value from an earlier invocation would show up here
      if (context.scratch !== undefined) throw new Error(`context.scratch leaked: ${context.scratch} into ${marker}`);
      context.scratch = marker;
      logger.set('marker', marker);
      logger.with('step', `work-${marker}`).info(`working on ${marker}`);
      // secrets written on purpose: the logger must mask them
      logger.info('using secrets', { password: context.secrets.db.password, token: context.secrets.token, note: `pw=${context.secrets.db.password}` });
      if (payload.fail) {
        throw newError(`failed ${marker} with password ${context.secrets.db.password}`).with('marker', marker).with('token', context.secrets.token);
      }
      return { done: marker };
    })
      .use(logContext())
      .use(errorLog())
      .use(sentry({ dsn: ingest.dsn, flushTimeout: 2000 }))
      .use(secrets({ fetch: { db: 'app/db', token: { id: 'app/token', parse: 'text' } }, cacheTtlMs: 200 }))
      .use(records({ schema: Job }))
      .use(earlyReturn);

    const outcomes: Record<Outcome, number> = { success: 0, 'handler-throw': 0, 'middleware-throw': 0, 'early-return': 0 };
    const failedRequestIds = new Set<string>();
    const markerOfRequest = new Map<string, string>();
    const started = Date.now();
    for (let i = 0; i < INVOCATIONS; i++) {
      const marker = `inv-${i}-${randomBytes(3).toString('hex')}`;
      const outcome = pick(Math.random());
      outcomes[outcome] += 1;
      const body =
        outcome === 'middleware-throw'
          ? `not json ${marker}` // records() throws RecordsError in `before`
          : JSON.stringify({ marker, n: i, ...(outcome === 'handler-throw' ? { fail: true } : {}), ...(outcome === 'early-return' ? { early: true } : {}) });
      const context = lambdaContext({ awsRequestId: `req-${marker}`, functionName: 'isolation', timeoutMs: 30_000 });
      markerOfRequest.set(`req-${marker}`, marker);
      let result: unknown;
      let error: unknown;
      try {
        result = await handler(sqsEvent([body]), context);
      } catch (e) {
        error = e;
      }
      if (outcome === 'success') expect(result).toEqual({ done: marker });
      else if (outcome === 'early-return') expect(result).toEqual({ early: marker });
      else {
        failedRequestIds.add(`req-${marker}`);
        if (outcome === 'middleware-throw') expect(error).toBeInstanceOf(RecordsError);
        else expect((error as Error).message).toContain(marker);
      }
    }
    const ms = Date.now() - started;
    tap.restore();

    // every line: it names at most one invocation's marker, and it is the line's own request id's marker
    let linesWithMarker = 0;
    const problems: string[] = [];
    const errorLines = new Set<string>();
    for (const { text } of tap.lines) {
      const found = new Set(text.match(MARKER) ?? []);
      if (found.size === 0) continue;
      linesWithMarker += 1;
      const line = JSON.parse(text) as Record<string, any>;
      const own = markerOfRequest.get(line.function_request_id);
      if (own === undefined || found.size !== 1 || !found.has(own))
        problems.push(`line of ${line.function_request_id} names ${[...found].join(', ')}: ${text.slice(0, 300)}`);
      if (line.level === 'ERROR' && line.error !== undefined) errorLines.add(line.function_request_id);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    // every failed invocation wrote its error line, carrying its Sentry event id
    expect([...failedRequestIds].filter((id) => !errorLines.has(id))).toEqual([]);

    // every envelope: one event of a failed invocation, naming only that invocation's marker
    const deadline = Date.now() + 10_000;
    while (ingest.events.length < failedRequestIds.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(ingest.events.length).toBe(failedRequestIds.size);
    for (const event of ingest.events) {
      const tags = event.tags as Record<string, string>;
      const own = markerOfRequest.get(tags.aws_request_id);
      expect(failedRequestIds.has(tags.aws_request_id)).toBe(true);
      const found = new Set(JSON.stringify(event).match(MARKER) ?? []);
      if (own === undefined || found.size !== 1 || !found.has(own)) problems.push(`event of ${tags.aws_request_id} names ${[...found].join(', ')}`);
      const extra = event.extra as Record<string, unknown> | undefined;
      if (extra?.marker !== undefined) expect(extra.marker).toBe(own);
    }
    expect(problems.slice(0, 5)).toEqual([]);

    // secrets: no form of any canary in any byte written or any envelope received
    const envelopes = scanEnvelopes(ingest, CANARIES);
    expect(tap.leaks.slice(0, 3)).toEqual([]);
    expect(envelopes.leaks.slice(0, 3)).toEqual([]);
    expect(unhandled.reasons).toEqual([]);
    unhandled.stop();
    expect(prototypeSnapshot()).toBe(protoBefore);

    summary(
      'no-leaks',
      `${INVOCATIONS} invocations (${outcomes.success} success, ${outcomes['handler-throw']} handler throw, ${outcomes['middleware-throw']} middleware throw, ${outcomes['early-return']} early return), ${linesWithMarker} lines and ${ingest.events.length} Sentry events checked, 0 crossed over`,
      'pass',
      ms,
    );
    summary(
      'secrets-never-leave isolation',
      `${tap.writes} writes (${tap.bytes} bytes) and ${envelopes.envelopes} envelopes (${envelopes.bytes} bytes) scanned for ${CANARIES.length} canaries, ${sm.calls.length} Secrets Manager calls, 0 found`,
      'pass',
      ms,
    );
  },
  timeoutFor(INVOCATIONS, 3),
);
