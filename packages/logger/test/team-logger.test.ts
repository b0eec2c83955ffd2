import { afterEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { REDACTED, clearSecrets, getLogSink, registerSecret, setLogSink } from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';
import { LoggerOptionsError, MAX_LINE_BYTES, createLogger, logContext } from '@lambdaware/logger';
import { context } from './helpers.js';

// The team's own Powertools Logger (real @aws-lambda-powertools/logger), given to logContext() as it is.

const saved = { ...process.env };
afterEach(() => {
  clearSecrets();
  setLogSink(undefined);
  for (const k of ['LOG_LEVEL', 'POWERTOOLS_LOG_LEVEL', 'AWS_LAMBDA_LOG_LEVEL', 'POWERTOOLS_LOGGER_SAMPLE_RATE']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

/** Every line a Powertools Logger wrote (it writes warn and error to stderr), in order per stream. */
const allLines = (out: { stdoutLines(): Record<string, unknown>[]; stderrLines(): Record<string, unknown>[] }) => [...out.stdoutLines(), ...out.stderrLines()];

/** A correlation id search function (Powertools' own JMESPath `search` needs @aws-lambda-powertools/jmespath). */
const byKey = (path: string, event: unknown): unknown => (event as Record<string, unknown>)[path];

/** A team's own formatter (Bring Your Own Formatter in the Powertools docs). */
class TeamFormatter extends LogFormatter {
  override formatAttributes(a: UnformattedAttributes, fields: LogAttributes): LogItem {
    return new LogItem({
      attributes: {
        lvl: a.logLevel,
        message: a.message,
        service: a.serviceName,
        function_request_id: a.lambdaContext?.awsRequestId,
        team: 'payments',
      },
    }).addAttributes(fields);
  }
}

describe('logContext({ logger }) with a plain Powertools Logger', () => {
  it('is accepted as configured (types and runtime): formatter, persistent keys, replacer and level kept', async () => {
    const teamLogger = new Logger({
      serviceName: 'payments',
      logLevel: 'DEBUG',
      logFormatter: new TeamFormatter(),
      persistentKeys: { region: 'eu-west-1' },
      jsonReplacerFn: (_key: string, value: unknown) => (value instanceof Set ? [...value].sort() : value),
    });
    const handler = middy(async () => {
      teamLogger.debug('charging', { tags: new Set(['b', 'a']) });
    }).use(logContext({ logger: teamLogger }));
    const out = await captureOutput(() => handler({}, context('req-team-1')));
    expect(out.error).toBeUndefined();
    const [line] = allLines(out);
    expect(line).toEqual({
      lvl: 'DEBUG',
      message: 'charging',
      service: 'payments',
      function_request_id: 'req-team-1',
      team: 'payments',
      region: 'eu-west-1',
      tags: ['a', 'b'],
    });
  });

  it('request id on every line (the sink lines too), no key from one invocation in the next', async () => {
    const teamLogger = new Logger({ serviceName: 'orders' });
    let n = 0;
    const handler = middy(async () => {
      n += 1;
      if (n === 1) teamLogger.appendKeys({ orderId: 'o-1' });
      teamLogger.info('in handler');
      getLogSink().log('warn', 'from another middleware', { attempt: n });
    }).use(logContext({ logger: teamLogger }));
    const a = await captureOutput(() => handler({}, context('req-a')));
    const b = await captureOutput(() => handler({}, context('req-b')));
    const linesA = allLines(a);
    const linesB = allLines(b);
    expect(linesA).toHaveLength(2);
    expect(linesB).toHaveLength(2);
    for (const l of linesA) expect(l.function_request_id).toBe('req-a');
    for (const l of linesB) expect(l.function_request_id).toBe('req-b');
    expect(linesA[0].orderId).toBe('o-1');
    for (const l of linesB) expect(l).not.toHaveProperty('orderId');
    expect(linesB[1]).toMatchObject({ level: 'WARN', message: 'from another middleware', attempt: 2 });
  });

  it('LOG_LEVEL is respected as Powertools reads it, also by the lines of other lambdaware middlewares', async () => {
    process.env.LOG_LEVEL = 'WARN';
    const teamLogger = new Logger({ serviceName: 'orders' });
    const handler = middy(async () => {
      teamLogger.info('below');
      getLogSink().log('info', 'sink below');
      getLogSink().log('error', 'sink at');
    }).use(logContext({ logger: teamLogger, logEvent: true }));
    const out = await captureOutput(() => handler({ a: 1 }, context('req-lvl')));
    expect(allLines(out).map((l) => l.message)).toEqual(['sink at']);
  });

  it('masks registered secrets structurally: message, fields, event and response; lines stay JSON', async () => {
    const SECRET = 'tok-9f8e7d6c5b4a';
    registerSecret(SECRET);
    const teamLogger = new Logger({ serviceName: 'orders' });
    const handler = middy(async () => {
      teamLogger.info(`calling with ${SECRET}`, { auth: { header: `Bearer ${SECRET}` }, count: 3 });
      teamLogger.error('failed', new Error(`rejected ${SECRET}`));
      return { token: SECRET };
    }).use(logContext({ logger: teamLogger, logEvent: true, logResponse: true }));
    const out = await captureOutput(() => handler({ token: SECRET }, context('req-mask')));
    expect(out.stdout + out.stderr).not.toContain(SECRET);
    const lines = allLines(out);
    const byMessage = Object.fromEntries(lines.map((l) => [l.message, l]));
    expect(byMessage['Lambda invocation event'].event).toEqual({ token: REDACTED });
    expect(byMessage[`calling with ${REDACTED}`]).toMatchObject({ auth: { header: `Bearer ${REDACTED}` }, count: 3 });
    expect((byMessage.failed.error as { message: string }).message).toBe(`rejected ${REDACTED}`);
    expect(byMessage['Lambda invocation response'].response).toEqual({ token: REDACTED });
  });

  it('a 3,000-level value does not throw, and the payload cannot set the level or request id', async () => {
    const teamLogger = new Logger({ serviceName: 'orders' });
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 3000; i++) deep = { d: deep };
    const payload = JSON.parse('{"__proto__":{"level":"DEBUG","function_request_id":"forged-id"}}') as object;
    const handler = middy(async () => {
      teamLogger.info('deep', { deep });
      teamLogger.error('payload', payload);
    }).use(logContext({ logger: teamLogger, logEvent: true }));
    const out = await captureOutput(() => handler({ deep }, context('req-deep')));
    expect(out.error).toBeUndefined();
    const lines = allLines(out);
    expect(lines.map((l) => l.message)).toEqual(['Lambda invocation event', 'deep', 'payload']);
    expect(JSON.stringify(lines[1])).toContain('[Depth limit]');
    expect(lines[1].formatter_error).toMatch(/RangeError/);
    expect(lines[2]).toMatchObject({ level: 'ERROR', function_request_id: 'req-deep' });
  });

  it('the event line of an oversize event is bounded (the start of its JSON and its size)', async () => {
    const teamLogger = new Logger({ serviceName: 'orders' });
    const handler = middy(async () => undefined).use(logContext({ logger: teamLogger, logEvent: true }));
    const big = { Records: Array.from({ length: 4000 }, (_, i) => ({ body: `record ${i} ${'x'.repeat(200)}` })) };
    const out = await captureOutput(() => handler(big, context('req-big')));
    expect(Buffer.byteLength(out.stdout)).toBeLessThan(256 * 1024);
    const [line] = out.stdoutLines();
    expect(line.event).toMatch(/^\{"Records":\[\{"body":"record 0 x+"\},.*…\[truncated: \d+ bytes\]$/s);
  });
});

describe("the team's Logger's lines are bounded in size", () => {
  it('an oversize error line (10,000 failures, through the sink) is cut under MAX_LINE_BYTES, still JSON, on stderr', async () => {
    const teamLogger = new Logger({ serviceName: 'orders' });
    const failures = Array.from({ length: 10_000 }, (_, i) => ({ index: i, id: `msg-${i}`, reason: 'not JSON' }));
    const handler = middy(async () => {
      getLogSink().log('error', '10000 records failed', { failures });
    }).use(logContext({ logger: teamLogger }));
    const out = await captureOutput(() => handler({}, context('req-big')));
    expect(out.stdout).toBe('');
    const raw = out.stderr.trim();
    expect(raw.split('\n')).toHaveLength(1);
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(MAX_LINE_BYTES);
    const [line] = out.stderrLines();
    expect(line).toMatchObject({ level: 'ERROR', message: '10000 records failed', function_request_id: 'req-big' });
    expect(line.failures).toMatch(/^\[\{"index":0,"id":"msg-0","reason":"not JSON"\},.*…\[truncated: \d+ bytes\]$/s);
    expect(line.line_truncated).toBeGreaterThan(MAX_LINE_BYTES);
  });
});

describe('beside or instead of Powertools injectLambdaContext', () => {
  it('beside it (logContext first): request id on every line, no key leaks, its correlation id kept', async () => {
    const teamLogger = new Logger({ serviceName: 'orders', correlationIdSearchFn: byKey });
    let n = 0;
    const handler = middy(async () => {
      n += 1;
      if (n === 1) teamLogger.appendKeys({ leaked: 'no' });
      teamLogger.info('in handler');
    })
      .use(logContext({ logger: teamLogger }))
      .use(injectLambdaContext(teamLogger, { resetKeys: true, correlationIdPath: 'id' }));
    const a = await captureOutput(() => handler({ id: 'corr-1' }, context('req-a')));
    const b = await captureOutput(() => handler({ id: 'corr-2' }, context('req-b')));
    expect(allLines(a)).toEqual([expect.objectContaining({ function_request_id: 'req-a', correlation_id: 'corr-1', leaked: 'no' })]);
    const [lineB] = allLines(b);
    expect(lineB).toMatchObject({ function_request_id: 'req-b', correlation_id: 'corr-2' });
    expect(lineB).not.toHaveProperty('leaked');
  });

  it('beside it in the other order, and with a logger from createLogger(): request id and no leak', async () => {
    const ours = createLogger({ serviceName: 'orders' });
    let n = 0;
    const handler = middy(async () => {
      n += 1;
      if (n === 1) ours.set('leaked', 'no');
      ours.info('in handler');
    })
      .use(injectLambdaContext(ours))
      .use(logContext({ logger: ours }));
    const a = await captureOutput(() => handler({}, context('req-a')));
    const b = await captureOutput(() => handler({}, context('req-b')));
    expect(a.stdoutLines()).toEqual([expect.objectContaining({ function_request_id: 'req-a', leaked: 'no' })]);
    expect(b.stdoutLines()).toEqual([expect.not.objectContaining({ leaked: 'no' })]);
    expect(b.stdoutLines()[0].function_request_id).toBe('req-b');
  });

  it('instead of it: the same keys as injectLambdaContext writes', async () => {
    const withPowertools = new Logger({ serviceName: 'orders' });
    const withLambdaware = new Logger({ serviceName: 'orders' });
    const a = middy(async () => withPowertools.info('x')).use(injectLambdaContext(withPowertools));
    const b = middy(async () => withLambdaware.info('x')).use(logContext({ logger: withLambdaware }));
    const outA = await captureOutput(() => a({}, context('req-same')));
    const outB = await captureOutput(() => b({}, context('req-same')));
    const keys = (l: Record<string, unknown>) =>
      Object.keys(l)
        .filter((k) => k !== 'timestamp' && k !== 'cold_start')
        .sort();
    expect(keys(outB.stdoutLines()[0])).toEqual(keys(outA.stdoutLines()[0]));
    expect(outB.stdoutLines()[0]).toMatchObject({ function_request_id: 'req-same', function_name: 'orders-handler' });
  });

  it('sampling is kept: a sample rate of 1 logs debug on every invocation', async () => {
    const teamLogger = new Logger({ serviceName: 'orders', logLevel: 'INFO', sampleRateValue: 1 });
    const handler = middy(async () => teamLogger.debug('sampled')).use(logContext({ logger: teamLogger }));
    await captureOutput(() => handler({}, context('req-1')));
    const out = await captureOutput(() => handler({}, context('req-2')));
    expect(allLines(out).map((l) => l.message)).toContain('sampled');
  });
});

describe('createLogger accepts Powertools constructor options', () => {
  it('logLevel, sampleRateValue, logFormatter, jsonReplacerFn, persistentKeys, serviceName', async () => {
    const log = createLogger({
      logLevel: 'DEBUG',
      serviceName: 'payments',
      sampleRateValue: 0,
      logFormatter: new TeamFormatter(),
      persistentKeys: { region: 'eu-west-1' },
      jsonReplacerFn: (_key: string, value: unknown) => (value instanceof Set ? [...value].sort() : value),
    });
    const out = await captureOutput(() => log.debug('hello', { tags: new Set(['b', 'a']) }));
    expect(out.stdoutLines()).toEqual([{ lvl: 'DEBUG', message: 'hello', service: 'payments', team: 'payments', region: 'eu-west-1', tags: ['a', 'b'] }]);
  });

  it('logRecordOrder and lower-case logLevel', async () => {
    const log = createLogger({ logLevel: 'warn', logRecordOrder: ['message', 'level'] });
    const out = await captureOutput(() => {
      log.info('not written');
      log.warn('first');
    });
    const text = out.stdout.trim();
    expect(text.startsWith('{"message":"first","level":"WARN",')).toBe(true);
  });

  it('a bad Powertools option is a LoggerOptionsError naming it', () => {
    expect(() => createLogger({ sampleRateValue: 2 })).toThrow(LoggerOptionsError);
    expect(() => createLogger({ sampleRateValue: 2 })).toThrow('createLogger(): option "sampleRateValue" must be a number from 0 to 1, got 2');
    expect(() => createLogger({ logFormatter: {} as LogFormatter })).toThrow('"logFormatter" must be a Powertools LogFormatter');
    expect(() => createLogger({ level: 'debug', logLevel: 'ERROR' })).toThrow('"level" and "logLevel" are the same setting');
    expect(() => logContext({ logger: {} as Logger })).toThrow('option "logger" must be a logger from createLogger() or a Powertools Logger');
  });
});
