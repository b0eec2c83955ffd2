import { afterEach, describe, expect, it } from '@jest/globals';
import { captureOutput } from '@lambdaware/testkit';
import { LoggerOptionsError, createLogger } from '@lambdaware/logger';

const VARS = ['AWS_LAMBDA_LOG_LEVEL', 'LOG_LEVEL', 'POWERTOOLS_LOG_LEVEL'];
afterEach(() => {
  for (const v of VARS) delete process.env[v];
});

/** Creates a logger under `env`, writes one line at each level, returns the levels that came out. */
const written = async (env: Record<string, string>, options = {}) => {
  for (const v of VARS) delete process.env[v];
  Object.assign(process.env, env);
  const out = await captureOutput(() => {
    const log = createLogger(options);
    log.trace('t');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    log.critical('c');
    return log.getLevel();
  });
  return { level: out.result, levels: out.stdoutLines().map((l) => l.level), lines: out.stdoutLines() };
};

const ALL = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL'];

describe('LOG_LEVEL', () => {
  it.each([
    ['trace', 'trace', ALL],
    ['debug', 'debug', ALL.slice(1)],
    ['info', 'info', ALL.slice(2)],
    ['warn', 'warn', ALL.slice(3)],
    ['error', 'error', ALL.slice(4)],
    ['critical', 'critical', ALL.slice(5)],
    ['fatal', 'critical', ALL.slice(5)],
    ['silent', 'silent', []],
  ])('%s: level %s', async (value, level, expected) => {
    for (const spelling of [value, value.toUpperCase(), value[0].toUpperCase() + value.slice(1), ` ${value}\n`]) {
      const r = await written({ LOG_LEVEL: spelling });
      expect([spelling, r.level]).toEqual([spelling, level]);
      expect(r.levels).toEqual(expected);
    }
  });

  it('defaults to info when nothing is set', async () => {
    const r = await written({});
    expect(r.level).toBe('info');
    expect(r.levels).toEqual(ALL.slice(2));
  });

  it('AWS_LAMBDA_LOG_LEVEL (advanced logging controls) takes precedence over LOG_LEVEL, in any case, FATAL too', async () => {
    expect((await written({ AWS_LAMBDA_LOG_LEVEL: 'ERROR', LOG_LEVEL: 'debug' })).levels).toEqual(['ERROR', 'CRITICAL']);
    expect((await written({ AWS_LAMBDA_LOG_LEVEL: 'debug', LOG_LEVEL: 'error' })).level).toBe('debug');
    expect((await written({ AWS_LAMBDA_LOG_LEVEL: 'FATAL', LOG_LEVEL: 'trace' })).levels).toEqual(['CRITICAL']);
    expect((await written({ LOG_LEVEL: 'warn', POWERTOOLS_LOG_LEVEL: 'debug' })).level).toBe('warn');
    expect((await written({ POWERTOOLS_LOG_LEVEL: 'Debug' })).level).toBe('debug');
  });

  it('an invalid value: exactly one clear warning line, then info', async () => {
    const r = await written({ LOG_LEVEL: 'verbose' });
    expect(r.level).toBe('info');
    const warnings = r.lines.filter((l) => l.level === 'WARN' && l.message !== 'w');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toBe(
      'LOG_LEVEL="verbose" is not a log level (accepted: trace, debug, info, warn, error, critical, silent (fatal = critical), in any letter case); logging at info (the default)',
    );
    expect(r.levels).toEqual(['WARN', ...ALL.slice(2)]);
    // once per process: another logger under the same setting does not repeat it
    const again = await written({ LOG_LEVEL: 'verbose' });
    expect(again.levels).toEqual(ALL.slice(2));
  });

  it('an invalid AWS_LAMBDA_LOG_LEVEL falls through to a valid LOG_LEVEL, and says so', async () => {
    const r = await written({ AWS_LAMBDA_LOG_LEVEL: 'LOUD', LOG_LEVEL: 'error' });
    expect(r.level).toBe('error');
    // at error level the warning itself is below the level: it is filtered like any WARN line
    expect(r.levels).toEqual(['ERROR', 'CRITICAL']);
    const atInfo = await written({ AWS_LAMBDA_LOG_LEVEL: 'LOUDER', LOG_LEVEL: 'info' });
    expect(atInfo.lines[0].message).toMatch(/^AWS_LAMBDA_LOG_LEVEL="LOUDER" is not a log level .* logging at info \(LOG_LEVEL\)$/);
  });
});

describe('code overrides the environment', () => {
  it('the level option wins over both variables', async () => {
    const r = await written({ AWS_LAMBDA_LOG_LEVEL: 'ERROR', LOG_LEVEL: 'error' }, { level: 'DEBUG' });
    expect(r.level).toBe('debug');
    expect(r.levels).toEqual(ALL.slice(1));
  });

  it('setLevel() and Powertools setLogLevel() take any case, and fatal', async () => {
    process.env.AWS_LAMBDA_LOG_LEVEL = 'ERROR';
    const out = await captureOutput(() => {
      const log = createLogger();
      log.setLevel('Debug');
      log.debug('one');
      log.setLogLevel('warn' as never);
      log.info('hidden');
      log.warn('two');
      log.setLevel('FATAL');
      log.error('hidden');
      log.critical('three');
      log.setLevel('silent');
      log.critical('hidden');
      return log.getLevel();
    });
    expect(out.result).toBe('silent');
    expect(out.stdoutLines().map((l) => l.message)).toEqual(['one', 'two', 'three']);
  });

  it('setLevel() with a bad value throws a LoggerOptionsError and keeps the level', () => {
    const log = createLogger({ level: 'warn' });
    expect(() => log.setLevel('loud')).toThrow(LoggerOptionsError);
    expect(() => log.setLevel('loud')).toThrow('setLevel(): option "level" must be one of');
    expect(log.getLevel()).toBe('warn');
  });
});
