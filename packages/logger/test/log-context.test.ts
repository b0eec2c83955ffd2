import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { getLogSink, setLogSink } from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';
import { LoggerOptionsError, createLogger, logContext, logger } from '@lambdaware/logger';
import { context, readEvent } from './helpers.js';

const CONTEXT_KEYS = ['level', 'message', 'timestamp', 'function_name', 'function_request_id', 'cold_start'];

afterEach(() => {
  setLogSink(undefined);
  delete process.env._X_AMZN_TRACE_ID;
});

describe('logContext(): the invocation keys on every line', () => {
  beforeAll(() => {
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand'; // as Lambda sets it: cold_start is true once
  });
  afterEach(() => {
    delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
  });

  it('writes one JSON object per line with level, message, timestamp, request id, function name, cold start and trace id', async () => {
    const log = createLogger({ serviceName: 'orders' });
    const handler = middy(async () => {
      log.info('handling');
      log.debug('not at info');
      log.warn('careful', { attempt: 2 });
      return 'done';
    }).use(logContext({ logger: log }));

    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1';
    const first = await captureOutput(() => handler({}, context('req-1')));
    delete process.env._X_AMZN_TRACE_ID;
    const second = await captureOutput(() => handler({}, context('req-2')));

    expect(first.result).toBe('done');
    const lines = first.stdoutLines();
    expect(lines).toHaveLength(2);
    for (const line of lines) for (const key of CONTEXT_KEYS) expect(line).toHaveProperty(key);
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      message: 'handling',
      service: 'orders',
      function_name: 'orders-handler',
      function_request_id: 'req-1',
      function_arn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-handler',
      function_memory_size: '256',
      cold_start: true,
      xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
    });
    expect(Date.parse(lines[0].timestamp as string)).not.toBeNaN();
    expect(lines[1]).toMatchObject({ level: 'WARN', message: 'careful', attempt: 2, function_request_id: 'req-1' });
    expect(first.stderr).toBe('');

    const later = second.stdoutLines();
    expect(later[0]).toMatchObject({ function_request_id: 'req-2', cold_start: false });
    expect(later[0]).not.toHaveProperty('xray_trace_id');
  });

  it('takes the trace id from context.xRayTraceId when _X_AMZN_TRACE_ID is not set', async () => {
    const log = createLogger();
    const handler = middy(async () => log.info('x')).use(logContext({ logger: log }));
    const out = await captureOutput(() =>
      handler({}, context('req-3', { xRayTraceId: 'Root=1-65f0c2a1-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=0' })),
    );
    expect(out.stdoutLines()[0]).toMatchObject({ xray_trace_id: '1-65f0c2a1-0123456789abcdef01234567' });
    const next = await captureOutput(() => handler({}, context('req-4')));
    expect(next.stdoutLines()[0]).not.toHaveProperty('xray_trace_id');
  });

  it('adds the keys to lines written by other middlewares and by the shared logger', async () => {
    const handler = middy(async () => {
      logger.info('from the handler');
    })
      .use(logContext())
      .use({ before: () => logger.with('step', 'auth').info('from a middleware') });
    const out = await captureOutput(() => handler({}, context('req-5')));
    expect(out.stdoutLines().map((l) => [l.message, l.function_request_id, l.step])).toEqual([
      ['from a middleware', 'req-5', 'auth'],
      ['from the handler', 'req-5', undefined],
    ]);
  });
});

describe('with() and set()', () => {
  it('with() chains fields onto one line and leaves the logger as it was', async () => {
    const log = createLogger();
    const out = await captureOutput(() => {
      const base = log.with('var1', { a: [1, 2] });
      base.with('k', 2).info('hello');
      base.warn('again');
      log.info('plain');
    });
    const [a, b, c] = out.stdoutLines();
    expect(a).toMatchObject({ message: 'hello', var1: { a: [1, 2] }, k: 2 });
    expect(b).toMatchObject({ level: 'WARN', message: 'again', var1: { a: [1, 2] } });
    expect(b).not.toHaveProperty('k');
    expect(c).not.toHaveProperty('var1');
  });

  it('with() lines follow the level, and accept an error after the message', async () => {
    const log = createLogger({ level: 'warn' });
    const out = await captureOutput(() => {
      log.with('a', 1).info('dropped');
      log.with('a', 1).error('kept', new Error('cause of it'));
    });
    const lines = out.stdoutLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'ERROR', a: 1, error: { name: 'Error', message: 'cause of it' } });
  });

  it('set() adds a field to every later line of the invocation, and a later set() of the same key replaces it', async () => {
    const log = createLogger();
    const handler = middy(async () => {
      log.info('before set');
      log.set('user', { id: 'u-1', roles: ['admin'] });
      log.info('after set');
      log.set('user', { id: 'u-2' });
      log.with('user', 'line wins').info('with over set');
      log.info('replaced');
    }).use(logContext({ logger: log }));
    const out = await captureOutput(() => handler({}, context('req-6')));
    const lines = out.stdoutLines();
    expect(lines[0]).not.toHaveProperty('user');
    expect(lines[1].user).toEqual({ id: 'u-1', roles: ['admin'] });
    expect(lines[2].user).toBe('line wins');
    expect(lines[3].user).toEqual({ id: 'u-2' });
  });
});

describe('process-wide fields and child loggers', () => {
  it('service defaults to POWERTOOLS_SERVICE_NAME, else the function name, not service_undefined', async () => {
    const saved = { fn: process.env.AWS_LAMBDA_FUNCTION_NAME, svc: process.env.POWERTOOLS_SERVICE_NAME };
    try {
      delete process.env.POWERTOOLS_SERVICE_NAME;
      process.env.AWS_LAMBDA_FUNCTION_NAME = 'orders-fn';
      const byFunction = await captureOutput(() => createLogger().info('x'));
      process.env.POWERTOOLS_SERVICE_NAME = 'orders-svc';
      const byService = await captureOutput(() => createLogger().info('x'));
      const byOption = await captureOutput(() => createLogger({ serviceName: 'opt' }).info('x'));
      expect(byFunction.stdoutLines()[0]).toMatchObject({ service: 'orders-fn' });
      expect(byService.stdoutLines()[0]).toMatchObject({ service: 'orders-svc' });
      expect(byOption.stdoutLines()[0]).toMatchObject({ service: 'opt' });
    } finally {
      if (saved.fn === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
      else process.env.AWS_LAMBDA_FUNCTION_NAME = saved.fn;
      if (saved.svc === undefined) delete process.env.POWERTOOLS_SERVICE_NAME;
      else process.env.POWERTOOLS_SERVICE_NAME = saved.svc;
    }
  });

  it('serviceName, environment and persistentKeys are on every line, across invocations', async () => {
    const log = createLogger({ serviceName: 'billing', environment: 'prod', persistentKeys: { team: 'payments' } });
    const handler = middy(async () => log.info('x')).use(logContext({ logger: log }));
    const out = await captureOutput(async () => {
      await handler({}, context('req-p1'));
      await handler({}, context('req-p2'));
    });
    for (const line of out.stdoutLines()) expect(line).toMatchObject({ service: 'billing', environment: 'prod', team: 'payments' });
  });

  it("Powertools' createChild() gives a logger with the same behaviour (level in any case, safe serializer)", async () => {
    const log = createLogger({ level: 'warn' });
    const child = log.createChild({ persistentKeys: { part: 'child' } });
    const out = await captureOutput(() => {
      child.info('hidden');
      child.warn('shown', { n: 1n, m: new Map([['a', 1]]) });
    });
    expect(out.stdoutLines()).toEqual([expect.objectContaining({ message: 'shown', part: 'child', n: '1', m: { a: 1 } })]);
  });
});

describe('nothing set in one invocation appears in the next', () => {
  const leakCheck = async (
    build: (log: ReturnType<typeof createLogger>) => ReturnType<typeof middy>,
    firstEvent: Record<string, unknown>,
  ): Promise<Record<string, unknown>[]> => {
    const log = createLogger();
    const handler = build(log);
    const first = await captureOutput(() => handler(firstEvent, context('req-a')));
    const second = await captureOutput(() => handler({}, context('req-b')));
    const firstLines = first.stdoutLines();
    expect(firstLines.some((l) => l.secret === 'from-a')).toBe(true); // the field was really set in the first one
    return second.stdoutLines();
  };

  const handlerBody = (log: ReturnType<typeof createLogger>) => async (event: { fail?: boolean }) => {
    log.set('secret', 'from-a-handler');
    log.info('in handler');
    if (event.fail) throw new Error('handler failed');
    return 'ok';
  };

  it('when the handler throws', async () => {
    const lines = await leakCheck(
      (log) =>
        middy(async (event: { fail?: boolean }) => {
          if (event.fail) log.set('secret', 'from-a');
          log.info('in handler');
          if (event.fail) throw new Error('handler failed');
          return 'ok';
        }).use(logContext({ logger: log })),
      { fail: true },
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ message: 'in handler', function_request_id: 'req-b' });
    expect(lines[0].secret).toBeUndefined();
  });

  it('when a middleware throws in before, and logContext writes no error line of its own', async () => {
    const log = createLogger();
    const handler = middy(handlerBody(log))
      .use(logContext({ logger: log }))
      .use({
        before: (request) => {
          if ((request.event as { fail?: boolean }).fail) {
            log.set('secret', 'from-a');
            log.info('middleware about to fail');
            throw new Error('middleware failed');
          }
        },
      });
    const first = await captureOutput(() => handler({ fail: true }, context('req-a')));
    expect((first.error as Error).message).toBe('middleware failed');
    expect(first.stdoutLines().map((l) => l.message)).toEqual(['middleware about to fail']);
    expect(first.stdoutLines()[0].secret).toBe('from-a');
    const second = await captureOutput(() => handler({}, context('req-b')));
    expect(second.stdoutLines()).toEqual([expect.objectContaining({ message: 'in handler', secret: 'from-a-handler' })]);
    const third = await captureOutput(() => handler({ fail: false }, context('req-c')));
    expect(third.stdoutLines()[0].secret).toBe('from-a-handler'); // set again by this invocation's handler, not left over
  });

  it('when a middleware returns early (its after and onError never run)', async () => {
    const lines = await leakCheck(
      (log) =>
        middy(handlerBody(log))
          .use(logContext({ logger: log }))
          .use({
            before: (request) => {
              if ((request.event as { early?: boolean }).early) {
                log.set('secret', 'from-a');
                log.info('answering early');
                return { statusCode: 304 };
              }
              return undefined;
            },
          })
          .use({
            before: () => {
              log.info('second before');
            },
          }),
      { early: true },
    );
    expect(lines.map((l) => l.message)).toEqual(['second before', 'in handler']);
    expect(lines[0].secret).toBeUndefined();
  });

  it('when an onError handler returns a response before logContext clears (cleared at the next start)', async () => {
    const lines = await leakCheck(
      (log) =>
        middy(async (event: { fail?: boolean }) => {
          if (event.fail) log.set('secret', 'from-a');
          log.info('in handler');
          if (event.fail) throw new Error('boom');
          return 'ok';
        })
          .use(logContext({ logger: log }))
          // answers the error itself: Middy stops the onError chain there, so logContext's onError does not run
          .use({ onError: () => ({ statusCode: 500 }) }),
      { fail: true },
    );
    expect(lines).toEqual([expect.objectContaining({ message: 'in handler', function_request_id: 'req-b' })]);
    expect(lines[0].secret).toBeUndefined();
  });
});

describe('logEvent and logResponse', () => {
  it('writes neither by default', async () => {
    const log = createLogger();
    const handler = middy(async () => ({ statusCode: 200 })).use(logContext({ logger: log }));
    const out = await captureOutput(() => handler({ a: 1 }, context('req-7')));
    expect(out.stdout).toBe('');
  });

  it('writes the event and the response with the masked paths, leaving the real ones intact', async () => {
    const event = await readEvent('apigw-request.json');
    event.headers = { ...(event.headers as object), Authorization: 'Bearer eyJhbGciOi.secret' };
    event.body = JSON.stringify({ user: 'ann', password: 'p4ssw0rd!' });
    const log = createLogger();
    let seenByHandler: unknown;
    const response = { statusCode: 200, headers: { 'set-cookie': 'session=abc123' }, body: '{"token":"t0k3n-value","ok":true}' };
    const handler = middy(async (e: typeof event) => {
      seenByHandler = e;
      return response;
    }).use(
      logContext({
        logger: log,
        logEvent: true,
        logResponse: true,
        mask: ['body.password', 'headers.authorization', 'multiValueHeaders.Accept.*', 'headers.set-cookie', 'body.token'],
      }),
    );
    const out = await captureOutput(() => handler(event, context('req-8')));
    const [evLine, resLine] = out.stdoutLines();
    expect(evLine.message).toBe('Lambda invocation event');
    const logged = evLine.event as Record<string, Record<string, unknown>>;
    expect(logged.headers.Authorization).toBe('****');
    expect(logged.headers.Host).toBe('gy415nuibc.execute-api.us-east-1.amazonaws.com');
    expect(logged.multiValueHeaders.Accept).toEqual(['****']);
    expect(JSON.parse(logged.body as unknown as string)).toEqual({ user: 'ann', password: '****' });
    expect(out.stdout).not.toContain('p4ssw0rd!');
    expect(out.stdout).not.toContain('eyJhbGciOi.secret');
    expect(resLine).toMatchObject({ message: 'Lambda invocation response', function_request_id: 'req-8' });
    expect(resLine.response).toEqual({ statusCode: 200, headers: { 'set-cookie': '****' }, body: '{"token":"****","ok":true}' });
    expect(seenByHandler).toBe(event);
    expect((event.headers as Record<string, string>).Authorization).toBe('Bearer eyJhbGciOi.secret');
    expect(JSON.parse(event.body as string).password).toBe('p4ssw0rd!');
    expect(out.result).toBe(response);
    expect(response.headers['set-cookie']).toBe('session=abc123');
  });

  it('masks every record with a * path on a real SQS event', async () => {
    const event = await readEvent('sqs-event.json');
    const log = createLogger();
    const handler = middy(async () => undefined).use(logContext({ logger: log, logEvent: true, mask: ['Records.*.body'] }));
    const out = await captureOutput(() => handler(event, context('req-9')));
    const records = (out.stdoutLines()[0].event as { Records: { body: string; messageId: string }[] }).Records;
    expect(records.length).toBe((event.Records as unknown[]).length);
    for (const r of records) expect(r.body).toBe('****');
    expect(records[0].messageId).toBe((event.Records as { messageId: string }[])[0].messageId);
  });
});

describe('the log sink', () => {
  it('logContext() installs a sink that writes ONE line through the logger, fields at top level next to the keys', async () => {
    const log = createLogger();
    const handler = middy(async () => {
      log.set('order', 'o-1');
      throw new Error('boom');
    })
      .use(logContext({ logger: log }))
      // what @lambdaware/errors' errorLog() does in onError
      .use({
        onError: (request) => {
          getLogSink().log('error', (request.error as Error).message, { error: { name: 'Error', message: 'boom', frames: [] } });
        },
      });
    const out = await captureOutput(() => handler({}, context('req-10')));
    expect((out.error as Error).message).toBe('boom');
    const lines = out.stdoutLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'ERROR',
      message: 'boom',
      function_request_id: 'req-10',
      order: 'o-1',
      error: { name: 'Error', message: 'boom', frames: [] },
    });
    expect(out.stderr).toBe('');
  });

  it('the sink follows the level', async () => {
    const log = createLogger({ level: 'error' });
    logContext({ logger: log });
    const out = await captureOutput(() => {
      getLogSink().log('info', 'hidden');
      getLogSink().log('warn', 'hidden too', { a: 1 });
      getLogSink().log('error', 'shown');
    });
    expect(out.stdoutLines().map((l) => l.message)).toEqual(['shown']);
  });

  it('is not installed with logSink: false', async () => {
    logContext({ logSink: false });
    const out = await captureOutput(() => getLogSink().log('error', 'to stderr'));
    expect(out.stdout).toBe('');
    expect(JSON.parse(out.stderr)).toMatchObject({ level: 'ERROR', message: 'to stderr' });
  });
});

describe('options are validated at creation time', () => {
  it.each([
    [{ logEvent: 'yes' }, /^logContext\(\): option "logEvent" must be true or false, got "yes"$/],
    [{ mask: 'body.password' }, /^logContext\(\): option "mask" must be an array of paths/],
    [{ mask: ['body..password'] }, /^logContext\(\): option "mask\[0\]" must be a dotted path/],
    [{ mask: ['ok', 3] }, /option "mask\[1\]"/],
    [{ logEvents: true }, /option "logEvents" is not an option of logContext\(\)/],
    [{ logger: console }, /option "logger" must be a logger from createLogger/],
  ])('logContext(%j) throws', (options, message) => {
    expect(() => logContext(options as never)).toThrow(LoggerOptionsError);
    expect(() => logContext(options as never)).toThrow(message);
  });

  it.each([
    [{ level: 'verbose' }, /^createLogger\(\): option "level" must be one of trace, debug, info, warn, error, critical, silent .*got "verbose"$/],
    [{ serviceName: 3 }, /option "serviceName" must be a non-empty string, got 3/],
    [{ persistentKeys: ['a'] }, /option "persistentKeys" must be an object/],
    [{ lvl: 'debug' }, /option "lvl" is not an option of createLogger\(\)/],
  ])('createLogger(%j) throws', (options, message) => {
    expect(() => createLogger(options as never)).toThrow(LoggerOptionsError);
    expect(() => createLogger(options as never)).toThrow(message);
  });
});
