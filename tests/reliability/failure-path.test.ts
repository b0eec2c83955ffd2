// The failure path through the real runtime client (`invoke()` of the CLI: aws-lambda-ric in a child Node process,
// the deadline enforced as Lambda does), with the local Sentry ingest: every failure has its error line, written
// before any Sentry work that the deadline would cut (issue 20), and its Sentry event or a warning saying why not.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { invoke } from '@lambdaware/cli';
import { startSentryIngest, type SentryIngest } from '@lambdaware/testkit';

const fixture = fileURLToPath(new URL('./fixtures/failure-path.mjs', import.meta.url));
let ingest: SentryIngest;
beforeAll(async () => {
  ingest = await startSentryIngest();
});
afterAll(async () => {
  await ingest.close();
});

type Line = Record<string, any>;
const jsonLines = (lines: string[]): Line[] =>
  lines.flatMap((l) => {
    const at = l.indexOf('{');
    try {
      return at >= 0 ? [JSON.parse(l.slice(at)) as Line] : [];
    } catch {
      return [];
    }
  });
const run = (events: unknown[], timeout = 10) => invoke({ handler: `${fixture}#handler`, events, timeout, env: { SENTRY_DSN: ingest.dsn } });

describe('a failure near the deadline on a cold environment', () => {
  test('800 ms left: the line first, with the id of the event then sent and received', async () => {
    const result = await run([{ case: 'near-deadline', leftMs: 800 }], 3);
    expect(result.status).toBe('error');
    const lines = jsonLines(result.invocations[0].functionLines);
    const errors = lines.filter((l) => l.level === 'ERROR');
    expect(errors).toHaveLength(1);
    const id = errors[0].error.sentryEventID;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const event = await ingest.waitForEvent(3000, (e) => e.event_id === id);
    expect(event.event_id).toBe(id);
    const envelope = ingest.envelopes.find((e) => e.items.some((it) => (it.payload as { event_id?: string })?.event_id === id))!;
    expect(Date.parse(errors[0].timestamp)).toBeLessThanOrEqual(envelope.receivedAt); // written before Sentry had it
  }, 30_000);

  test('250 ms left (within flushMargin): the line first with the id of the event sent without waiting; no timeout', async () => {
    const result = await run([{ case: 'near-deadline', leftMs: 250 }], 3);
    expect(result.status).toBe('error');
    const lines = jsonLines(result.invocations[0].functionLines);
    const errors = lines.filter((l) => l.level === 'ERROR');
    expect(errors.map((l) => l.message)).toEqual(['failed: near-deadline']);
    const warning = lines.find((l) => l.level === 'WARN' && l.message === 'Sentry event sent, no answer within its wait');
    expect(warning).toMatchObject({
      sentryEventID: errors[0].error.sentryEventID,
      reason: 'sent without waiting for an answer: no time left within flushMargin',
      waitedMs: expect.any(Number),
    });
  }, 30_000);
});

test('throw undefined and throw null: each its line and its Sentry event', async () => {
  const result = await run([{ case: 'undefined' }, { case: 'null' }]);
  for (const [i, type] of [
    [0, 'undefined'],
    [1, 'null'],
  ] as const) {
    const lines = jsonLines(result.invocations[i].functionLines);
    const errors = lines.filter((l) => l.level === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0].error.type).toBe(type);
    const id = errors[0].error.sentryEventID;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    await ingest.waitForEvent(3000, (e) => e.event_id === id);
  }
}, 30_000);

describe('bounded cost: any shape of error is written and reported, and reaches the caller as it was thrown', () => {
  const SECRET = 'tok-agg-7d41c9e2b8';
  test('an AggregateError of 20,000 members and a 5,000-deep cause chain, a secret registered', async () => {
    const result = await run([
      { case: 'aggregate', members: 20_000, secret: SECRET },
      { case: 'deep-cause', depth: 5000, secret: SECRET },
    ]);
    expect(result.invocations.map((i) => i.status)).toEqual(['error', 'error']);
    const [aggregate, deep] = result.invocations.map((i) => jsonLines(i.functionLines).find((l) => l.level === 'ERROR')!);
    expect(result.invocations[0].error).toMatchObject({ errorType: 'AggregateError', errorMessage: 'many failed' });
    expect(result.invocations[1].error).toMatchObject({ errorType: 'Error', errorMessage: 'level 4999' }); // not a RangeError
    expect(aggregate.error.errors).toHaveLength(50);
    expect(aggregate.error.errorsOmitted).toBe(19_950);
    expect(deep.error.message).toBe('level 4999');
    const events = await Promise.all([aggregate, deep].map((l) => ingest.waitForEvent(5000, (e) => e.event_id === l.error.sentryEventID)));
    const values = (e: Record<string, any>) => e.exception.values as { type: string; value: string }[];
    expect(values(events[0]).length).toBeLessThanOrEqual(51);
    expect(values(events[0]).at(-1)!.value).toBe('many failed…[truncated: 19950 members]');
    expect(values(events[1]).at(-1)!.value).toBe('level 4999');
    const everything = `${result.logs.join('\n')}\n${result.invocations.map((i) => i.payload).join('\n')}\n${JSON.stringify(events)}`;
    expect(everything).not.toContain(SECRET);
  }, 60_000);
});

describe('masking follows serialisation: what the runtime prints through JSON.stringify is masked first', () => {
  const SECRET = 'tok-json-5e2a91c7f3';
  test.each([
    ['key', /"x-token-\*\*\*\*":"present"/],
    ['error-tojson', /"token":"\*\*\*\*"/],
    ['nested-tojson', /"auth":"Bearer \*\*\*\*"/],
    ['private-tojson', /"authorization":"Bearer \*\*\*\*"/],
  ])(
    '%s: the Invoke Error line, the error line, the body and the Sentry event hold no secret',
    async (name, printed) => {
      const result = await run([{ case: name, secret: SECRET }]);
      expect(result.status).toBe('error');
      const invokeError = result.logs.find((l) => l.includes('Invoke Error'));
      expect(invokeError).toBeDefined();
      expect(invokeError).toMatch(printed); // the runtime printed the field: masked
      const line = jsonLines(result.invocations[0].functionLines).find((l) => l.level === 'ERROR')!;
      const event = await ingest.waitForEvent(5000, (e) => e.event_id === line.error.sentryEventID);
      const everything = `${result.logs.join('\n')}\n${result.payload}\n${JSON.stringify(event)}`;
      expect(everything).not.toContain(SECRET);
    },
    30_000,
  );
});
