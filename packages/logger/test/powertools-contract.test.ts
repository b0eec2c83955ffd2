import { afterEach, describe, expect, it } from '@jest/globals';
import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import { InvokeStore } from '@aws/lambda-invoke-store';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { captureOutput } from '@lambdaware/testkit';
import { boundLoggerLines, formatterOf, guardLoggerFormatter, isPowertoolsLogger } from '../src/powertools-adapter.js';

// The contract of src/powertools-adapter.ts with the installed @aws-lambda-powertools/logger: each test names the
// internal it checks (the numbers of the adapter's header). A failure here means Powertools changed what the
// adapter relies on: change the adapter, not this test.

const saved = { ...process.env };
afterEach(() => {
  for (const k of ['AWS_LAMBDA_LOG_LEVEL', 'AWS_LAMBDA_MAX_CONCURRENCY']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('powertools-adapter contract', () => {
  it('(4) logFormatter: the private field holding the formatter that formats every line', async () => {
    const teamLogger = new Logger({ serviceName: 'team' });
    expect(formatterOf(teamLogger)).toBeInstanceOf(LogFormatter);
    class Tagging extends LogFormatter {
      constructor(private readonly inner: LogFormatter) {
        super();
      }
      override formatAttributes(a: UnformattedAttributes, f: LogAttributes): LogItem {
        return this.inner.formatAttributes(a, f).addAttributes({ wrapped: true });
      }
    }
    expect(guardLoggerFormatter(teamLogger, (inner) => new Tagging(inner))).toBe(true);
    expect(guardLoggerFormatter(teamLogger, (inner) => new Tagging(inner))).toBe(true); // once per Logger
    const out = await captureOutput(() => teamLogger.info('hello'));
    expect(out.stdoutLines()).toEqual([expect.objectContaining({ message: 'hello', service: 'team', wrapped: true })]);
    expect(formatterOf(teamLogger)).toBeInstanceOf(Tagging);
    expect((formatterOf(teamLogger) as unknown as { inner: unknown }).inner).not.toBeInstanceOf(Tagging);
  });

  it('(7) printLog() on a team’s Logger: replaced, it prints the same text on the same streams as Powertools’ own', async () => {
    const boom = new Error('boom');
    boom.stack = 'Error: boom\n    at handler (/var/task/index.mjs:3:9)';
    const write = (log: Logger) => {
      log.info('info line', { n: 1, big: 2n, nested: { a: [1, 'two'] } });
      log.warn('warn line');
      log.error('error line', boom);
      log.critical('critical line');
    };
    const stock = new Logger({ serviceName: 'contract', jsonReplacerFn: (_k: string, v: unknown) => (v === 1 ? 'one' : v) });
    const bounded = new Logger({ serviceName: 'contract', jsonReplacerFn: (_k: string, v: unknown) => (v === 1 ? 'one' : v) });
    const calls: unknown[][] = [];
    expect(boundLoggerLines(bounded, (a, r, i) => (calls.push([a, i]), JSON.stringify(a, r, i)))).toBe(true);
    expect(boundLoggerLines(bounded, () => 'twice')).toBe(true); // once per Logger
    const a = await captureOutput(() => write(stock));
    const b = await captureOutput(() => write(bounded));
    const strip = (t: string) => t.replace(/"timestamp":"[^"]+"/g, '').replace(/"location":"[^"]+"/g, '');
    expect(strip(b.stdout)).toBe(strip(a.stdout));
    expect(strip(b.stderr)).toBe(strip(a.stderr));
    expect(a.stdoutLines()[0]).toMatchObject({ n: 'one', big: '2' });
    expect(calls).toHaveLength(4);
  });

  it('(5) logIndentation: 0, or 4 with POWERTOOLS_DEV', () => {
    expect((new Logger() as unknown as { logIndentation: unknown }).logIndentation).toBe(0);
    process.env.POWERTOOLS_DEV = 'true';
    try {
      expect((new Logger() as unknown as { logIndentation: unknown }).logIndentation).toBe(4);
    } finally {
      delete process.env.POWERTOOLS_DEV;
    }
  });

  it('(6) with AWS_LAMBDA_MAX_CONCURRENCY, temporary keys, the context and the level are per invocation (InvokeStore)', async () => {
    process.env.AWS_LAMBDA_MAX_CONCURRENCY = '4';
    const store = await InvokeStore.getInstanceAsync(true);
    const log = new Logger({ logLevel: 'INFO' });
    const invocation = (id: string, delay: number) =>
      store.run({ [Symbol.for('_AWS_LAMBDA_REQUEST_ID')]: id }, async () => {
        log.addContext({ awsRequestId: id, functionName: 'f', invokedFunctionArn: 'arn', memoryLimitInMB: '128' } as never);
        log.appendKeys({ mine: id });
        if (id === 'b') log.setLogLevel('ERROR');
        await new Promise((r) => setTimeout(r, delay));
        log.warn(`from ${id}`);
        log.resetKeys();
      });
    const out = await captureOutput(() => Promise.all([invocation('a', 30), invocation('b', 5), invocation('c', 15)]));
    const byMessage = Object.fromEntries(out.stderrLines().map((l) => [l.message, l]));
    expect(Object.keys(byMessage).sort()).toEqual(['from a', 'from c']); // b's level was its own
    for (const id of ['a', 'c']) expect(byMessage[`from ${id}`]).toMatchObject({ function_request_id: id, mine: id });
    expect(isPowertoolsLogger(log)).toBe(true);
    expect(isPowertoolsLogger({ info() {} })).toBe(false);
  });
});
