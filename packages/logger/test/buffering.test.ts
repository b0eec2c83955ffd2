import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { InvokeStore } from '@aws/lambda-invoke-store';
import { REDACTED, clearSecrets, getLogSink, recentLinesOf, registerSecret, setLogSink, type RecentLine } from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';
import { LoggerOptionsError, createLogger, logContext } from '@lambdaware/logger';
import { context } from './helpers.js';

// Issue 23: lines below the level held per invocation, written right before the failure's error line (in order,
// marked buffered), dropped on success; bounded; masked like written lines; per invocation on Managed Instances.

afterEach(() => {
  clearSecrets();
  setLogSink(undefined);
  delete process.env._X_AMZN_TRACE_ID;
});

/** What errorLog() does in onError: the failure's one error line through the sink, with the thrown value. */
const errorLine = {
  onError: (request: { error?: unknown }) => {
    const e = request.error as Error;
    getLogSink().log('error', e.message, { error: { type: e.name, message: e.message } }, { error: e });
  },
};

const buffered = (log: ReturnType<typeof createLogger>) =>
  middy(async (event: { n: number; fail?: boolean }) => {
    log.debug(`debug 1 of ${event.n}`);
    log.info(`info of ${event.n}`);
    log.with('step', 2).debug(`debug 2 of ${event.n}`);
    log.trace(`trace of ${event.n}`); // below bufferAtVerbosity's threshold too: held (trace <= debug)
    if (event.fail) throw new Error(`failed ${event.n}`);
    return 'ok';
  })
    .use(logContext({ logger: log }))
    .use(errorLine);

describe("createLogger({ logBufferOptions }): lambdaware's logger", () => {
  it('dropped on success; on failure written right before the error line, in order, marked buffered', async () => {
    const log = createLogger({ level: 'info', logBufferOptions: {} });
    const handler = buffered(log);
    const ok = await captureOutput(() => handler({ n: 1 }, context('req-1')));
    const failed = await captureOutput(() => handler({ n: 2, fail: true }, context('req-2')));
    const again = await captureOutput(() => handler({ n: 3 }, context('req-3')));
    expect(ok.stdoutLines().map((l) => l.message)).toEqual(['info of 1']);
    expect(again.stdoutLines().map((l) => l.message)).toEqual(['info of 3']);
    const lines = failed.stdoutLines();
    expect(lines.map((l) => [l.level, l.message, l.buffered])).toEqual([
      ['INFO', 'info of 2', undefined],
      ['DEBUG', 'debug 1 of 2', true],
      ['DEBUG', 'debug 2 of 2', true],
      ['TRACE', 'trace of 2', true],
      ['ERROR', 'failed 2', undefined],
    ]);
    for (const l of lines) expect(l.function_request_id).toBe('req-2');
    expect(lines[2].step).toBe(2);
    expect((failed.error as Error).message).toBe('failed 2');
  });

  it('logger.error() writes the held lines first (flushOnErrorLog, default true), not with flushOnErrorLog: false', async () => {
    const run = async (flushOnErrorLog: boolean) => {
      const log = createLogger({ level: 'info', logBufferOptions: { flushOnErrorLog } });
      const handler = middy(async () => {
        log.debug('held');
        log.error('handled error');
        return 'ok';
      }).use(logContext({ logger: log }));
      return (await captureOutput(() => handler({}, context('req-e')))).stdoutLines().map((l) => l.message);
    };
    expect(await run(true)).toEqual(['held', 'handled error']);
    expect(await run(false)).toEqual(['handled error']);
  });

  it('bounded in lines and bytes: the oldest dropped, with a count written first', async () => {
    const log = createLogger({ level: 'info', logBufferOptions: { maxLines: 3 } });
    const handler = middy(async () => {
      for (let i = 0; i < 5; i++) log.debug(`held ${i}`);
      throw new Error('boom');
    })
      .use(logContext({ logger: log }))
      .use(errorLine);
    const lines = (await captureOutput(() => handler({}, context('req-b')))).stdoutLines();
    expect(lines.map((l) => l.message)).toEqual([
      '2 buffered lines dropped (the buffer keeps the last 3 lines and 20480 bytes)',
      'held 2',
      'held 3',
      'held 4',
      'boom',
    ]);
    expect(lines[0]).toMatchObject({ level: 'WARN', buffered_lines_dropped: 2, function_request_id: 'req-b' });

    const small = createLogger({ level: 'info', logBufferOptions: { maxBytes: 1000 } });
    const big = middy(async () => {
      for (let i = 0; i < 20; i++) small.debug(`held ${i}`, { pad: 'x'.repeat(200) });
      throw new Error('boom');
    })
      .use(logContext({ logger: small }))
      .use(errorLine);
    const out = await captureOutput(() => big({}, context('req-bytes')));
    const held = out.stdoutLines().filter((l) => l.buffered === true);
    expect(held.length).toBeGreaterThan(0);
    expect(held.reduce((n, l) => n + JSON.stringify(l).length, 0)).toBeLessThanOrEqual(1000);
    expect(held.at(-1)?.message).toBe('held 19');
    expect(out.stdoutLines()[0].buffered_lines_dropped).toBe(20 - held.length);
  });

  it('masked exactly as written lines, also for a secret registered after the line was held', async () => {
    const EARLY = 'tok-early-1a2b3c4d';
    const LATE = 'tok-late-5e6f7a8b';
    registerSecret(EARLY);
    const log = createLogger({ level: 'info', logBufferOptions: {} });
    const handler = middy(async () => {
      log.debug(`using ${EARLY}`, { key: EARLY, body: JSON.stringify({ late: LATE }) });
      registerSecret(LATE);
      throw new Error('boom');
    })
      .use(logContext({ logger: log }))
      .use(errorLine);
    const out = await captureOutput(() => handler({}, context('req-m')));
    expect(out.stdout).not.toContain(EARLY);
    expect(out.stdout).not.toContain(LATE);
    const [held] = out.stdoutLines();
    expect(held).toMatchObject({ message: `using ${REDACTED}`, key: REDACTED, buffered: true });
    expect(JSON.parse(held.body as string)).toEqual({ late: REDACTED });
  });

  it('a bad logBufferOptions is a LoggerOptionsError naming the option', () => {
    expect(() => createLogger({ logBufferOptions: { maxLines: 0 } })).toThrow(LoggerOptionsError);
    expect(() => createLogger({ logBufferOptions: { maxLines: 0 } })).toThrow('createLogger(): option "logBufferOptions.maxLines" must be');
    expect(() => createLogger({ logBufferOptions: { bufferAtVerbosity: 'loud' } })).toThrow('option "logBufferOptions.bufferAtVerbosity"');
    expect(() => createLogger({ logBufferOptions: { size: 1 } as never })).toThrow('option "logBufferOptions.size" is not an option');
  });
});

describe('the recent lines handed to the request (for the failure’s Sentry event)', () => {
  it('written and held lines of this invocation only, masked, bounded, oldest first', async () => {
    const SECRET = 'tok-recent-9a8b7c6d';
    registerSecret(SECRET);
    const log = createLogger({ level: 'info', logBufferOptions: {} });
    let seen: readonly RecentLine[] = [];
    const handler = middy(async (event: { fail?: boolean }) => {
      for (let i = 0; i < 150; i++) log.info(`line ${i}`);
      log.debug(`held with ${SECRET}`, { token: SECRET });
      if (event.fail) throw new Error('boom');
    })
      .use(logContext({ logger: log }))
      .use({ onError: (request) => void (seen = recentLinesOf(request)) });
    await captureOutput(() => handler({}, context('req-first')));
    await captureOutput(() => handler({ fail: true }, context('req-r')));
    expect(seen.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(seen)).not.toContain(SECRET);
    expect(Buffer.byteLength(JSON.stringify(seen))).toBeLessThan(24 * 1024);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ level: 'debug', message: `held with ${REDACTED}`, buffered: true, data: { token: REDACTED, function_request_id: 'req-r' } });
    expect(seen.at(-2)).toMatchObject({ level: 'info', message: 'line 149' });
    for (const l of seen) expect(l.data?.function_request_id).toBe('req-r');
    expect(seen.map((l) => l.timestamp)).toEqual([...seen.map((l) => l.timestamp)].sort((a, b) => a - b));
  });
});

describe('under concurrency (Managed Instances): each invocation its own buffer', () => {
  const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');
  let store: Awaited<ReturnType<typeof InvokeStore.getInstanceAsync>>;
  const saved = process.env.AWS_LAMBDA_MAX_CONCURRENCY;
  beforeAll(async () => {
    process.env.AWS_LAMBDA_MAX_CONCURRENCY = '8';
    store = await InvokeStore.getInstanceAsync(true);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.AWS_LAMBDA_MAX_CONCURRENCY;
    else process.env.AWS_LAMBDA_MAX_CONCURRENCY = saved;
  });
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('24 invocations, 8 at a time, a third failing: each failure writes only its own held lines, in order', async () => {
    const log = createLogger({ level: 'info', logBufferOptions: {} });
    let recentCrossed = 0;
    const handler = middy(async (event: { i: number }) => {
      log.debug(`held 1 of ${event.i}`);
      await pause((event.i * 7) % 11);
      log.debug(`held 2 of ${event.i}`);
      await pause((event.i * 5) % 7);
      if (event.i % 3 === 0) throw new Error(`failed ${event.i}`);
    })
      .use(logContext({ logger: log }))
      .use({
        onError: (request) => {
          const mine = recentLinesOf(request);
          if (
            mine.some(
              (l) => !String(l.message).endsWith(` of ${(request.event as { i: number }).i}`) && l.message !== `failed ${(request.event as { i: number }).i}`,
            )
          )
            recentCrossed += 1;
        },
      })
      .use(errorLine);
    let next = 0;
    const worker = async () => {
      while (next < 24) {
        const i = next++;
        await store.run({ [REQUEST_ID]: `req-${i}` }, () =>
          (handler as (e: unknown, c: unknown) => Promise<unknown>)({ i }, context(`req-${i}`)).catch(() => undefined),
        );
      }
    };
    const out = await captureOutput(() => Promise.all(Array.from({ length: 8 }, worker)));
    const lines = out.stdoutLines();
    expect(recentCrossed).toBe(0);
    for (let i = 0; i < 24; i++) {
      const mine = lines.filter((l) => l.function_request_id === `req-${i}`).map((l) => l.message);
      expect(mine).toEqual(i % 3 === 0 ? [`held 1 of ${i}`, `held 2 of ${i}`, `failed ${i}`] : []);
    }
    expect(lines).toHaveLength(8 * 3);
  });
});

describe("the team's own Powertools Logger", () => {
  it("its log buffer (Powertools' own) is written before the failure's error line and dropped on success", async () => {
    const teamLogger = new Logger({ serviceName: 'orders', logLevel: 'INFO', logBufferOptions: { enabled: true } });
    const handler = middy(async (event: { fail?: boolean }) => {
      teamLogger.debug('held by Powertools');
      if (event.fail) throw new Error('boom');
    })
      .use(logContext({ logger: teamLogger }))
      .use(errorLine);
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1';
    const ok = await captureOutput(() => handler({}, context('req-ok')));
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272794;Sampled=1';
    const failed = await captureOutput(() => handler({ fail: true }, context('req-fail')));
    expect(ok.stdout + ok.stderr).toBe('');
    expect(failed.stdoutLines().map((l) => l.message)).toEqual(['held by Powertools']);
    expect(failed.stderrLines().map((l) => l.message)).toEqual(['boom']);
  });

  it("keeps Powertools' error shape (error.location) by default; errorShape: 'lambdaware' writes lambdaware's", async () => {
    const run = async (errorShape?: 'powertools' | 'lambdaware') => {
      const teamLogger = new Logger({ serviceName: 'orders' });
      const handler = middy(async () => {
        throw new TypeError('bad input');
      })
        .use(logContext({ logger: teamLogger, ...(errorShape ? { errorShape } : {}) }))
        .use({
          onError: (request) => {
            const e = request.error as Error;
            getLogSink().log('error', e.message, { error: { type: 'TypeError', message: e.message, sentryEventID: 'abc123' }, attempt: 1 }, { error: e });
          },
        });
      return (await captureOutput(() => handler({}, context('req-shape')))).stderrLines()[0];
    };
    const powertools = await run();
    expect(powertools).toMatchObject({ level: 'ERROR', message: 'bad input', attempt: 1, sentryEventID: 'abc123', function_request_id: 'req-shape' });
    expect(powertools.error).toEqual({
      name: 'TypeError',
      location: expect.stringMatching(/\.(ts|js):\d+$/),
      message: 'bad input',
      stack: expect.stringContaining('TypeError: bad input'),
    });
    const lambdaware = await run('lambdaware');
    expect(lambdaware.error).toEqual({ type: 'TypeError', message: 'bad input', sentryEventID: 'abc123' });
    expect(() => logContext({ errorShape: 'pino' as never })).toThrow('logContext(): option "errorShape" must be');
  });

  it("its own error lines keep Powertools' error.location (the formatter's formatError)", async () => {
    const teamLogger = new Logger({ serviceName: 'orders' });
    const handler = middy(async () => {
      teamLogger.error('failed', new RangeError('out of range'));
    }).use(logContext({ logger: teamLogger }));
    const [line] = (await captureOutput(() => handler({}, context('req-loc')))).stderrLines();
    expect(line.error).toEqual({
      name: 'RangeError',
      location: expect.stringMatching(/:\d+$/),
      message: 'out of range',
      stack: expect.stringContaining('RangeError: out of range'),
    });
  });
});

describe("the team's Logger's recent lines", () => {
  it('what its formatter formatted in this invocation, masked, for the Sentry event', async () => {
    const SECRET = 'tok-team-recent-1f2e3d';
    registerSecret(SECRET);
    const teamLogger = new Logger({ serviceName: 'orders' });
    let seen: readonly RecentLine[] = [];
    const handler = middy(async (event: { n: number }) => {
      teamLogger.info(`step of ${event.n}`, { token: SECRET });
      if (event.n === 2) throw new Error('boom');
    })
      .use(logContext({ logger: teamLogger }))
      .use({ onError: (request) => void (seen = recentLinesOf(request)) });
    await captureOutput(() => handler({ n: 1 }, context('req-t1')));
    await captureOutput(() => handler({ n: 2 }, context('req-t2')));
    expect(seen.map((l) => [l.level, l.message, l.data?.token, l.data?.function_request_id])).toEqual([['info', 'step of 2', REDACTED, 'req-t2']]);
  });
});

describe('POWERTOOLS_LOGGER_LOG_EVENT', () => {
  it('turns the event line on, as Powertools reads it; logEvent: false wins', async () => {
    process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
    try {
      const log = createLogger();
      const on = middy(async () => 'ok').use(logContext({ logger: log }));
      const off = middy(async () => 'ok').use(logContext({ logger: log, logEvent: false }));
      expect((await captureOutput(() => on({ a: 1 }, context('req-ev')))).stdoutLines()).toEqual([
        expect.objectContaining({ message: 'Lambda invocation event', event: { a: 1 } }),
      ]);
      expect((await captureOutput(() => off({ a: 1 }, context('req-ev2')))).stdout).toBe('');
    } finally {
      delete process.env.POWERTOOLS_LOGGER_LOG_EVENT;
    }
  });
});
