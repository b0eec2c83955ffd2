// The bounds of issue 20 for `npm run soak` (measured, not asserted), through the public API of the built packages:
// - an error of hostile shape (an AggregateError of 1k / 10k / 100k members, a `cause` chain 5,000 deep), a secret
//   registered: the preset (logContext, errorLog, sentry with the local Sentry ingest) in this process on a middy
//   handler, after one failure not counted (the SDK loaded, as at init); the time from the throw to the error line
//   and to the Sentry event, the line's size, whether the caller got the error thrown, whether the secret was printed;
// - a hung Secrets Manager prefetch with the logger's `logEvent: true` on aws-lambda-ric (lambdaware invoke): the
//   next invocations' outcome and duration, the event line's `waitedMs`;
// - a failure 300 ms before the deadline of a 3 s function on aws-lambda-ric (cold, SENTRY_DSN set, healthy ingest):
//   the time from the throw to the error line, and whether its Sentry event arrived.
import { join } from 'node:path';

const SECRET = 'tok-soak-hostile-9b1e4c7a';
const ms = (n) => `${Math.round(n).toLocaleString('en-US')} ms`;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const worst = (values) => Math.max(...values);
const jsonLines = (lines) =>
  lines.flatMap((l) => {
    const at = l.indexOf('{');
    try {
      return at >= 0 ? [JSON.parse(l.slice(at))] : [];
    } catch {
      return [];
    }
  });

/** Rows of `[case, runs, worst time, measured, outcome]`. */
export async function measureIssue20({ root, rounds, sm }) {
  const { default: middy } = await import('@middy/core');
  const { lambdaware } = await import('@lambdaware/preset');
  const { lambdaContext } = await import('@lambdaware/events');
  const { registerSecret, setLogSink } = await import('@lambdaware/shared');
  const { startSentryIngest } = await import('@lambdaware/testkit');
  const { invoke } = await import('@lambdaware/cli');
  const rows = [];
  const ingest = await startSentryIngest();

  // ---- hostile shapes, in this process ----
  registerSecret(SECRET);
  const shapes = [
    ...[1_000, 10_000, 100_000].map((n) => ({
      name: `AggregateError, ${n.toLocaleString('en-US')} members (secret in each)`,
      make: () =>
        new AggregateError(
          Array.from({ length: n }, (_, i) => new Error(`member ${i} ${SECRET}`)),
          'many failed',
        ),
    })),
    {
      name: '`cause` chain 5,000 deep (secret at the root)',
      make: () => {
        let e = new Error(`root cause ${SECRET}`);
        for (let i = 0; i < 5000; i++) e = new Error(`level ${i}`, { cause: e });
        return e;
      },
    },
  ];
  const handler = middy({ timeoutEarlyInMillis: 0 })
    .use(lambdaware({ records: false, sentry: { dsn: ingest.dsn } }))
    .handler(async (event) => {
      throw event.error;
    });
  const write = process.stdout.write;
  // one failure first, not counted: the SDK that sentry() loads at init (with a DSN) is loaded, as in a Lambda
  // environment whose init ended before its first invocation
  process.stdout.write = () => true;
  await handler({ error: new Error('soak: warm-up') }, lambdaContext({ timeoutMs: 60_000 })).catch(() => undefined);
  process.stdout.write = write;
  for (const shape of shapes) {
    const seen = [];
    for (let i = 0; i < rounds; i++) {
      const error = shape.make(); // built before the clock starts: the throw is what is timed
      const written = [];
      process.stdout.write = (chunk, ...rest) => {
        written.push({ at: Date.now(), text: String(chunk) });
        const cb = rest.find((r) => typeof r === 'function');
        if (cb) cb();
        return true;
      };
      const t0 = Date.now();
      let caught;
      try {
        await handler({ error }, lambdaContext({ timeoutMs: 60_000 }));
      } catch (e) {
        caught = e;
      } finally {
        process.stdout.write = write;
      }
      const settled = Date.now() - t0;
      const errorLine = written.find((w) => w.text.includes('"level":"ERROR"'));
      const id = errorLine ? JSON.parse(errorLine.text).error?.sentryEventID : undefined;
      const event = id ? await ingest.waitForEvent(10_000, (e) => e.event_id === id).catch(() => undefined) : undefined;
      const envelope = event && ingest.envelopes.find((en) => en.items.some((it) => it.payload?.event_id === id));
      const printed = written.map((w) => w.text).join('') + JSON.stringify(event ?? '');
      seen.push({
        line: errorLine ? errorLine.at - t0 : undefined,
        lineBytes: errorLine ? Buffer.byteLength(errorLine.text) - 1 : 0,
        event: envelope ? envelope.receivedAt - t0 : undefined,
        settled,
        same: caught === error,
        caughtName: caught?.name,
        secret: printed.includes(SECRET),
      });
    }
    const lines = seen.filter((s) => s.line !== undefined);
    const events = seen.filter((s) => s.event !== undefined);
    rows.push([
      shape.name,
      rounds,
      `line ${lines.length ? ms(worst(lines.map((s) => s.line))) : 'none'}, event ${events.length ? ms(worst(events.map((s) => s.event))) : 'none'}, caller ${ms(worst(seen.map((s) => s.settled)))}`,
      `error line ${kb(worst(seen.map((s) => s.lineBytes)))}; ${lines.length} lines and ${events.length} events of ${rounds}; secret printed ${seen.filter((s) => s.secret).length} of ${rounds}`,
      `the thrown error reached the caller ${seen.filter((s) => s.same).length} of ${rounds}${seen.some((s) => !s.same) ? ` (got ${seen.find((s) => !s.same).caughtName})` : ''}`,
    ]);
  }
  setLogSink(undefined);

  // ---- a hung prefetch with logEvent: true, on aws-lambda-ric ----
  {
    // the fixture returns the length of the secret's `token`
    const arn = sm.setSecret('soak/issue20-api', { token: 'tok-soak-prefetch-3c8d5e' });
    const seen = [];
    for (let i = 0; i < rounds; i++) {
      sm.setFault({ delayMs: 60_000, times: 1 }); // the prefetch at init hangs; every later request is answered
      const run = await invoke({
        handler: `${join(root, 'tests/reliability/fixtures/event-line-wait.mjs')}#handler`,
        events: [{ n: 0 }, { n: 1 }, { n: 2 }],
        env: { ...sm.env, SECRET_ARN: arn },
        timeout: 3,
      });
      seen.push(
        run.invocations.map((inv) => ({
          status: inv.status === 'success' ? 'success' : `${inv.status} (${inv.error?.errorType ?? '-'})`,
          ms: inv.report?.durationMs ?? Number.NaN,
          waitedMs: jsonLines(inv.functionLines).find((l) => l.message === 'Lambda invocation event')?.waitedMs,
        })),
      );
    }
    sm.setFault();
    const later = seen.flatMap((r) => r.slice(1));
    const tallyOf = (list) => {
      const counts = new Map();
      for (const s of list) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
      return [...counts].map(([o, n]) => `${o} x${n}`).join(', ');
    };
    const waited0 = seen.map((r) => r[0].waitedMs).filter((w) => typeof w === 'number');
    const waitedLater = later.map((s) => s.waitedMs).filter((w) => typeof w === 'number');
    rows.push([
      'hung Secrets Manager prefetch, logEvent: true (3 s timeout; #0, then #1 and #2)',
      rounds,
      `#1/#2 ${ms(worst(later.map((s) => s.ms)))} (duration); #0 ${ms(worst(seen.map((r) => r[0].ms)))}`,
      `event line waitedMs: #0 ${waited0.length ? `${Math.min(...waited0)}-${Math.max(...waited0)} ms` : 'none'} (event withheld); #1/#2 ${waitedLater.length ? `${Math.min(...waitedLater)}-${Math.max(...waitedLater)} ms` : 'no wait (nothing in flight: the event written)'}`,
      `#1/#2: ${tallyOf(later)}; #0: ${tallyOf(seen.map((r) => r[0]))}`,
    ]);
  }

  // ---- a failure 300 ms before the deadline (3 s timeout), cold, SENTRY_DSN set, healthy ingest ----
  {
    const seen = [];
    for (let i = 0; i < rounds; i++) {
      const run = await invoke({
        handler: `${join(root, 'scripts/soak-fixtures/near-deadline.mjs')}#handler`,
        events: [{ leftMs: 300 }],
        env: { SENTRY_DSN: ingest.dsn },
        timeout: 3,
      });
      const inv = run.invocations[0];
      const lines = jsonLines(inv.functionLines);
      const thrown = lines.find((l) => l.message === 'soak: throwing now');
      const errorLine = lines.find((l) => l.level === 'ERROR');
      const id = errorLine?.error?.sentryEventID;
      const event = id ? await ingest.waitForEvent(3000, (e) => e.event_id === id).catch(() => undefined) : undefined;
      const envelope = event && ingest.envelopes.find((en) => en.items.some((it) => it.payload?.event_id === id));
      const t0 = thrown ? Date.parse(thrown.timestamp) : Number.NaN;
      seen.push({
        status: inv.status,
        left: thrown?.remainingMs,
        line: errorLine && thrown ? Date.parse(errorLine.timestamp) - t0 : undefined,
        event: envelope && thrown ? envelope.receivedAt - t0 : undefined,
        warning: lines.find((l) => l.level === 'WARN' && /Sentry/.test(l.message))?.reason,
      });
    }
    const lines = seen.filter((s) => s.line !== undefined);
    const events = seen.filter((s) => s.event !== undefined);
    const statuses = new Map();
    for (const s of seen) statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
    rows.push([
      'failure 300 ms before the deadline, 3 s timeout, cold (aws-lambda-ric, SENTRY_DSN, healthy ingest)',
      rounds,
      `throw to error line ${lines.length ? ms(worst(lines.map((s) => s.line))) : 'none'}, to event ${events.length ? ms(worst(events.map((s) => s.event))) : 'none'}`,
      `thrown with ${seen.map((s) => s.left ?? '?').join('/')} ms left; error line ${lines.length} of ${rounds}, event arrived ${events.length} of ${rounds}${seen.some((s) => s.warning) ? `; warned: ${seen.find((s) => s.warning).warning}` : ''}`,
      [...statuses].map(([o, n]) => `${o} x${n}`).join(', '),
    ]);
  }
  await ingest.close();
  return rows;
}
