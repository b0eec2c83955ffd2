import { afterEach, describe, expect, it, jest } from '@jest/globals';
import middy from '@middy/core';
import { setLogSink } from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';
import { createLogger, logContext } from '@lambdaware/logger';
import { context } from './helpers.js';

// The per-line shortcuts of LambdaLogger (timestamp formatted once a minute, TZ read per invocation, no replacer
// for lines of plain values, temporary keys reset only when some were added) give the lines Powertools' path gives.

afterEach(() => {
  jest.useRealTimers();
  setLogSink(undefined);
});

describe('timestamps', () => {
  it('are toISOString() of the time of the line, across second, minute, hour and year boundaries', async () => {
    const times = [
      Date.UTC(2026, 0, 12, 10, 15, 2, 481),
      Date.UTC(2026, 0, 12, 10, 15, 2, 7),
      Date.UTC(2026, 0, 12, 10, 15, 59, 999),
      Date.UTC(2026, 0, 12, 10, 16, 0, 0),
      Date.UTC(2026, 0, 12, 10, 15, 9, 50), // back into an earlier minute
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(2027, 0, 1, 0, 0, 0, 1),
      0,
      -1,
    ];
    const log = createLogger();
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const out = await captureOutput(() => {
      for (const t of times) {
        jest.setSystemTime(t);
        log.info('tick');
      }
    });
    expect(out.stdoutLines().map((l) => l.timestamp)).toEqual(times.map((t) => new Date(t).toISOString()));
  });

  it('follow a TZ set between invocations (read again when logContext starts one)', async () => {
    const saved = process.env.TZ;
    const log = createLogger();
    const handler = middy(async () => log.info('in handler')).use(logContext({ logger: log }));
    try {
      process.env.TZ = 'Asia/Dhaka'; // UTC+06:00, no daylight saving
      const out = await captureOutput(() => handler({}, context('req-tz')));
      // Powertools' formatting with an offset (the offset's value depends on when Node's Date notices TZ).
      expect(out.stdoutLines()[0].timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    const out = await captureOutput(() => handler({}, context('req-utc')));
    expect(out.stdoutLines()[0].timestamp).toMatch(/Z$/);
  });
});

describe('serialization', () => {
  it('writes the same text for plain values and for values needing the safe serializer, empty values left out', async () => {
    const log = createLogger({ serviceName: 'orders' });
    const out = await captureOutput(() => {
      log.info('plain', { a: 'x', b: 0, c: false, d: '', e: null, f: undefined, g: 'quote " and \\ back' });
      log.info('mixed', { a: 'x', b: 0, c: false, d: '', e: null, n: 2n, o: { deep: [1, 'two'] } });
    });
    const [plain, mixed] = out.stdout.trim().split('\n');
    const tail = (line: string) => line.slice(line.indexOf('"service"'));
    expect(tail(plain)).toBe('"service":"orders","a":"x","b":0,"c":false,"g":"quote \\" and \\\\ back"}');
    expect(tail(mixed)).toBe('"service":"orders","a":"x","b":0,"c":false,"n":"2","o":{"deep":[1,"two"]}}');
    expect(plain.startsWith('{"level":"INFO","message":"plain","timestamp":"')).toBe(true);
  });

  it('writes every level name', async () => {
    const log = createLogger({ level: 'trace' });
    const out = await captureOutput(() => {
      log.trace('t');
      log.debug('d');
      log.info('i');
      log.warn('w');
      log.error('e');
      log.critical('c');
      log.with('k', 1).critical('c2');
    });
    expect(out.stdoutLines().map((l) => l.level)).toEqual(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'CRITICAL']);
  });
});

describe("keys added through Powertools' own API", () => {
  it('appendKeys() and setCorrelationId() in one invocation are not on the lines of the next', async () => {
    const log = createLogger();
    let first = true;
    const handler = middy(async () => {
      if (first) {
        log.appendKeys({ tenant: 'acme' });
        log.setCorrelationId('corr-1');
        first = false;
      }
      log.info('in handler');
    }).use(logContext({ logger: log }));
    const a = await captureOutput(() => handler({}, context('req-a')));
    const b = await captureOutput(() => handler({}, context('req-b')));
    expect(a.stdoutLines()[0]).toEqual(expect.objectContaining({ tenant: 'acme', correlation_id: 'corr-1' }));
    expect(b.stdoutLines()[0]).not.toHaveProperty('tenant');
    expect(b.stdoutLines()[0]).not.toHaveProperty('correlation_id');
  });
});
