// Through the real Sentry SDK (@sentry/core) posting envelopes to a local ingest on 127.0.0.1.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import middy from '@middy/core';
import { KEYS, clearSecrets, registerSecret, setLogSink } from '@lambdaware/shared';
import { apiGatewayV1Event, lambdaContext } from '@lambdaware/events';
import { http } from '@lambdaware/http';
import { startSentryIngest, type SentryIngest, type ReceivedEvent } from '@lambdaware/testkit';
import { sentry, type SentryErrorEvent, type SentryOptions } from '@lambdaware/sentry';
import { failureOf } from '@lambdaware/shared';
import { collectLines, invoke, sleep, sqsEvent, type SinkLine } from './helpers.js';

type Exception = { type: string; value: string; stacktrace?: { frames: { filename?: string; function?: string; lineno?: number }[] } };
const exceptions = (event: ReceivedEvent): Exception[] => (event.exception as { values: Exception[] }).values;
const contexts = (event: ReceivedEvent) => event.contexts as Record<string, Record<string, unknown>>;

class OrderError extends Error {
  override name = 'OrderError';
}
/** An error carrying `.with()` values the way @lambdaware/errors stores them. */
const withValues = <E extends Error>(error: E, values: Record<string, unknown>): E => {
  (error as unknown as Record<symbol, unknown>)[KEYS.errorValues] = values;
  return error;
};

let ingest: SentryIngest;
let sink: ReturnType<typeof collectLines>;
const savedEnv = { ...process.env };

beforeAll(async () => {
  ingest = await startSentryIngest();
});
afterAll(async () => {
  await ingest.close();
});
beforeEach(async () => {
  await ingest.setMode('ok');
  ingest.envelopes.length = 0;
  ingest.events.length = 0;
  sink = collectLines();
});
afterEach(() => {
  sink.restore();
  clearSecrets();
  process.env = { ...savedEnv };
});

const handlerThrowing = (error: unknown, options: Partial<SentryOptions> = {}) =>
  middy(async () => {
    throw error;
  }).use(sentry({ dsn: ingest.dsn, ...options }));

const warnings = (lines: SinkLine[]) => lines.filter((l) => l.level === 'warn');

describe('on failure, through the real SDK', () => {
  test('the event id in the log line is the id of the event received, with values, frames, causes and Lambda context', async () => {
    process.env.SENTRY_ENV = 'staging';
    process.env.SENTRY_RELEASE = 'orders@1.2.3';
    const root = withValues(new TypeError('socket hang up'), { host: 'db.internal', attempt: 3 });
    const error = withValues(new OrderError('order 17 not saved', { cause: root }), { orderId: 17, attempt: 4 });
    const context = lambdaContext({ functionName: 'orders', region: 'eu-west-1', timeoutMs: 10_000 });
    const { error: thrown } = await invoke(() => handlerThrowing(error)(sqsEvent(), context));

    expect(thrown).toBe(error); // the handler's error is unchanged
    const line = sink.lines.find((l) => l.level === 'error')!;
    expect(line).toBeDefined();
    const logged = line.error as { sentryEventID: string; type: string; message: string };
    expect(logged).toMatchObject({ type: 'OrderError', message: 'order 17 not saved' });
    const event = await ingest.waitForEvent(3000);
    expect(event.event_id).toBe(logged.sentryEventID);
    expect(Object.getOwnPropertySymbols(error)).not.toContain(KEYS.failure); // one carrier: the request, not the error

    // values, merged along the cause chain, outer winning
    expect(event.extra).toEqual({ orderId: 17, attempt: 4, host: 'db.internal' });
    // the cause chain as linked errors (innermost first, as Sentry orders them)
    const values = exceptions(event);
    expect(values.map((v) => [v.type, v.value])).toEqual([
      ['TypeError', 'socket hang up'],
      ['OrderError', 'order 17 not saved'],
    ]);
    // frames with file names: this test file is among them
    const frames = values[1].stacktrace!.frames;
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.some((f) => f.filename?.endsWith('sentry.test.ts') && typeof f.lineno === 'number')).toBe(true);
    // Lambda context
    expect(contexts(event)['aws.lambda']).toMatchObject({
      aws_request_id: context.awsRequestId,
      function_name: 'orders',
      function_version: '$LATEST',
      invoked_function_arn: context.invokedFunctionArn,
    });
    const remaining = contexts(event)['aws.lambda'].remaining_time_in_millis as number;
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(10_000);
    const logs = contexts(event)['aws.cloudwatch.logs'];
    expect(logs).toMatchObject({ log_group: '/aws/lambda/orders', log_stream: context.logStreamName });
    expect(logs.url).toBe(
      'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Forders' +
        `/log-events/${encodeURIComponent(context.logStreamName).replaceAll('%', '$25')}`,
    );
    expect(event.tags).toMatchObject({ function_name: 'orders', aws_request_id: context.awsRequestId, aws_region: 'eu-west-1' });
    expect(event.transaction).toBe('orders');
    expect(event.environment).toBe('staging');
    expect(event.release).toBe('orders@1.2.3');
    expect(event.level).toBe('error');
    // the envelope went to the project of the DSN with its public key
    expect(ingest.envelopes[0]).toMatchObject({ project: '1', query: expect.objectContaining({ sentry_key: 'public' }) });
    expect(warnings(sink.lines)).toEqual([]);
  });

  test('SENTRY_ENVIRONMENT wins over SENTRY_ENV, and SENTRY_DSN turns it on', async () => {
    process.env.SENTRY_DSN = ingest.dsn;
    process.env.SENTRY_ENVIRONMENT = 'prod';
    process.env.SENTRY_ENV = 'ignored';
    const handler = middy(async () => {
      throw new Error('from env');
    }).use(sentry());
    await invoke(() => handler({}, lambdaContext()));
    expect((await ingest.waitForEvent(3000)).environment).toBe('prod');
  });

  test('with errorLog() in the chain: no own line, and the id is on the failure state for its line', async () => {
    const seen: { id?: unknown; requestId?: unknown } = {};
    const fakeErrorLog = {
      before: (request: object) => {
        failureOf(request).line = 'errorLog';
      },
      onError: (request: object) => {
        seen.id = failureOf(request).eventId;
        seen.requestId = seen.id;
      },
    };
    const handler = middy(async () => {
      throw new Error('reported once');
    })
      .use(fakeErrorLog as never)
      .use(sentry({ dsn: ingest.dsn }));
    await invoke(() => handler({}, lambdaContext()));
    const event = await ingest.waitForEvent(3000);
    expect(seen.id).toBe(event.event_id);
    expect(seen.requestId).toBe(event.event_id);
    expect(sink.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  test('a thrown non-Error value is reported and stays what it was', async () => {
    const { error } = await invoke(() => handlerThrowing('plain string failure')({}, lambdaContext()));
    expect(error).toBe('plain string failure');
    const event = await ingest.waitForEvent(3000);
    expect(JSON.stringify(event.exception ?? event.message)).toContain('plain string failure');
    expect((sink.lines.find((l) => l.level === 'error')!.error as { sentryEventID: string }).sentryEventID).toBe(event.event_id);
  });

  test('the same error object thrown by two invocations (a cached init failure) is reported by each', async () => {
    const initFailure = new Error('config could not be loaded');
    const handler = handlerThrowing(initFailure);
    const first = lambdaContext();
    const second = lambdaContext();
    await invoke(() => handler({}, first));
    await invoke(() => handler({}, second));
    await ingest.waitForEvent(3000, (e) => contexts(e)['aws.lambda'].aws_request_id === second.awsRequestId);
    expect(ingest.events.map((e) => contexts(e)['aws.lambda'].aws_request_id)).toEqual([first.awsRequestId, second.awsRequestId]);
    const ids = sink.lines.filter((l) => l.level === 'error').map((l) => (l.error as { sentryEventID: string }).sentryEventID);
    expect(ids).toEqual(ingest.events.map((e) => e.event_id));
  });

  test('a registered secret never reaches Sentry', async () => {
    const secret = 'sk_live_51HxQ2eLkdIwHu7ix';
    registerSecret(secret);
    const error = withValues(new Error(`auth failed with key ${secret}`, { cause: new Error(`inner ${secret}`) }), { apiKey: secret, [secret]: 'as a key' });
    await invoke(() => handlerThrowing(error, { tags: { key: secret } })({}, lambdaContext()));
    await ingest.waitForEvent(3000);
    const everything = JSON.stringify(ingest.envelopes);
    expect(everything).toContain('auth failed with key ****');
    expect(everything).not.toContain(secret);
  });

  test('beforeSend can drop an event: nothing sent, no warning', async () => {
    const handler = handlerThrowing(new Error('ignored'), { beforeSend: () => null });
    await invoke(() => handler({}, lambdaContext()));
    await sleep(150);
    expect(ingest.envelopes).toEqual([]);
    expect(warnings(sink.lines)).toEqual([]);
  });

  test("the event names the SDK, the runtime, a trace, and the envelope carries the trace for the DSN's key", async () => {
    await invoke(() => handlerThrowing(new Error('described'), { release: 'r@9' })({}, lambdaContext()));
    const event = await ingest.waitForEvent(3000);
    expect(event.platform).toBe('node');
    expect(event.sdk).toMatchObject({
      name: 'sentry.javascript.lambdaware',
      integrations: ['LinkedErrors'],
      packages: [{ name: 'npm:@lambdaware/sentry' }, { name: 'npm:@sentry/core' }],
    });
    expect(contexts(event).runtime).toEqual({ name: 'node', version: process.version });
    const trace = contexts(event).trace as { trace_id: string; span_id: string };
    expect(trace.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(trace.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(ingest.envelopes[0].header).toMatchObject({
      event_id: event.event_id,
      trace: { trace_id: trace.trace_id, public_key: 'public', release: 'r@9', environment: 'production' },
    });
    expect(typeof event.timestamp).toBe('number');
  });

  test('an error already captured by a Sentry SDK is not sent again, and one we capture is marked for the others', async () => {
    const theirs = new Error('captured by the user');
    Object.defineProperty(theirs, '__sentry_captured__', { value: true, enumerable: false, configurable: true });
    await invoke(() => handlerThrowing(theirs)({}, lambdaContext()));
    const ours = new Error('captured here');
    await invoke(() => handlerThrowing(ours)({}, lambdaContext()));
    await ingest.waitForEvent(3000);
    await sleep(100);
    expect(ingest.events.map((e) => exceptions(e)[0].value)).toEqual(['captured here']);
    expect((ours as unknown as { __sentry_captured__?: boolean }).__sentry_captured__).toBe(true);
  });

  test('a thrown plain object and an AggregateError are reported with their data', async () => {
    await invoke(() => handlerThrowing({ code: 'E_DECLINED', status: 402 })({}, lambdaContext()));
    const plain = await ingest.waitForEvent(3000);
    expect(exceptions(plain)[0].value).toBe('Object captured as exception with keys: code, status');
    expect(plain.extra).toEqual({ __serialized__: { code: 'E_DECLINED', status: 402 } });
    await invoke(() => handlerThrowing(new AggregateError([new RangeError('first'), new SyntaxError('second')], 'both failed'))({}, lambdaContext()));
    const aggregate = await ingest.waitForEvent(3000, (e) => e !== plain);
    expect(exceptions(aggregate).map((v) => [v.type, v.value])).toEqual([
      ['SyntaxError', 'second'],
      ['RangeError', 'first'],
      ['AggregateError', 'both failed'],
    ]);
  });

  test('a beforeSend that throws: nothing sent, one warning at once naming it, the error unchanged', async () => {
    const error = new Error('kept');
    const { error: thrown, ms } = await invoke(() =>
      handlerThrowing(error, {
        flushTimeout: 2000,
        beforeSend: () => {
          throw new TypeError('bug in beforeSend');
        },
      })({}, lambdaContext()),
    );
    expect(thrown).toBe(error);
    expect(ms).toBeLessThan(1000);
    expect(warnings(sink.lines)).toMatchObject([{ message: 'Sentry event not delivered', reason: 'beforeSend threw TypeError' }]);
    await sleep(100);
    expect(ingest.envelopes).toEqual([]);
  });

  test("debug ids injected by a Sentry bundler plugin are sent as debug_meta images for the frames' files", async () => {
    // The plugins inject `_sentryDebugIds[new Error().stack] = '<id>'` into each bundle; a frame of that file maps to it.
    const debugIds = ((globalThis as { _sentryDebugIds?: Record<string, string> })._sentryDebugIds = {});
    const debugId = '6fd2e5d4-8f0e-4d0a-9b55-6a1c2f0f9a11';
    debugIds[new Error().stack!] = debugId;
    try {
      await invoke(() => handlerThrowing(new Error('from a bundle'))({}, lambdaContext()));
      const event = await ingest.waitForEvent(3000);
      const images = (event.debug_meta as { images: { type: string; code_file: string; debug_id: string }[] }).images;
      expect(images).toContainEqual({ type: 'sourcemap', code_file: expect.stringMatching(/sentry\.test\.ts$/), debug_id: debugId });
    } finally {
      delete (globalThis as { _sentryDebugIds?: unknown })._sentryDebugIds;
    }
  });

  test('shouldReport decides which errors are reported', async () => {
    const handler = middy(async (event: { fail: string }) => {
      throw new Error(event.fail);
    }).use(sentry({ dsn: ingest.dsn, shouldReport: (e) => !(e as Error).message.startsWith('client') }));
    await invoke(() => handler({ fail: 'client error' }, lambdaContext()));
    await invoke(() => handler({ fail: 'server error' }, lambdaContext()));
    const event = await ingest.waitForEvent(3000);
    await sleep(100);
    expect(ingest.events.map((e) => exceptions(e).at(-1)!.value)).toEqual(['server error']);
    expect(event).toBeDefined();
  });
});

describe('success path', () => {
  test('a successful invocation sends nothing and adds no hooks but onError', async () => {
    const middleware = sentry({ dsn: ingest.dsn });
    expect(Object.keys(middleware).filter((k) => k !== 'name')).toEqual(['onError']); // issue 25: no code on success (the app's client is hooked at init)
    const handler = middy(async (event: { ok: boolean }) => {
      if (!event.ok) throw new Error('second call fails');
      return { statusCode: 200 };
    }).use(middleware);
    const ok = await invoke(() => handler({ ok: true }, lambdaContext()));
    expect(ok.result).toEqual({ statusCode: 200 });
    await sleep(150);
    expect(ingest.envelopes).toEqual([]);
    // the same handler does report a failure (the ingest was listening all along)
    await invoke(() => handler({ ok: false }, lambdaContext()));
    expect(exceptions(await ingest.waitForEvent(3000))[0].value).toBe('second call fails');
  });

  test('two invocations: nothing of the first one in the second event', async () => {
    const handler = middy(async (event: { n: number }) => {
      throw withValues(new Error(`failure ${event.n}`), event.n === 1 ? { onlyInFirst: 'x', n: 1 } : { n: 2 });
    }).use(sentry({ dsn: ingest.dsn }));
    const first = lambdaContext({ functionName: 'first-fn' });
    const second = lambdaContext({ functionName: 'second-fn', logGroupName: undefined, logStreamName: undefined });
    await invoke(() => handler({ n: 1 }, first));
    await ingest.waitForEvent(3000);
    await invoke(() => handler({ n: 2 }, second));
    const event = await ingest.waitForEvent(3000, (e) => exceptions(e)[0].value === 'failure 2');
    expect(event.extra).toEqual({ n: 2 });
    const text = JSON.stringify(event);
    expect(text).not.toContain(first.awsRequestId);
    expect(text).not.toContain('first-fn');
    expect(text).not.toContain('onlyInFirst');
    expect(contexts(event)['aws.cloudwatch.logs']).toBeUndefined();
    expect(contexts(event)['aws.lambda'].aws_request_id).toBe(second.awsRequestId);
  });
});

describe('Sentry slow, down or failing', () => {
  test('refused connections: error unchanged, one warning, delay bounded', async () => {
    await ingest.setMode('refuse');
    const error = new Error('still the same error');
    const { error: thrown, ms } = await invoke(() => handlerThrowing(error, { flushTimeout: 1000 })({}, lambdaContext()));
    expect(thrown).toBe(error);
    expect(ms).toBeLessThan(1000 + 1000);
    const warns = warnings(sink.lines);
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatchObject({ message: 'Sentry event not delivered', reason: 'ECONNREFUSED' });
    expect(warns[0].sentryEventID).toEqual(expect.stringMatching(/^[0-9a-f]{32}$/));
    expect(sink.lines.find((l) => l.level === 'error')!.error).not.toHaveProperty('sentryEventID'); // no event: no id
  });

  test('hanging ingest: the result is unchanged and the wait ends at flushTimeout', async () => {
    await ingest.setMode('hang');
    const error = new Error('slow sentry');
    const { error: thrown, ms } = await invoke(() => handlerThrowing(error, { flushTimeout: 400 })({}, lambdaContext()));
    expect(thrown).toBe(error);
    expect(ms).toBeGreaterThanOrEqual(350);
    expect(ms).toBeLessThan(400 + 1000);
    const warns = warnings(sink.lines);
    expect(warns).toHaveLength(1);
    expect(warns[0].reason).toBe('no answer within 400 ms');
    expect(ingest.envelopes).toHaveLength(1); // it did arrive, it just was never answered
    expect(ingest.envelopes[0].answered).toBe('hang');
  });

  test('hanging ingest: the wait also ends flushMargin before the deadline', async () => {
    await ingest.setMode('hang');
    const context = lambdaContext({ timeoutMs: 700 });
    const { ms } = await invoke(() => handlerThrowing(new Error('near the deadline'), { flushTimeout: 5000, flushMargin: 300 })({}, context));
    expect(ms).toBeLessThan(700 - 300 + 1000);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(warnings(sink.lines)).toHaveLength(1);
  });

  test.each([429, 500])('ingest answering %i: error unchanged, one warning line', async (status) => {
    await ingest.setStatus(status);
    const error = new Error(`answered ${status}`);
    const { error: thrown, ms } = await invoke(() => handlerThrowing(error, { flushTimeout: 1000 })({}, lambdaContext()));
    expect(thrown).toBe(error);
    expect(ms).toBeLessThan(2000);
    const warns = warnings(sink.lines);
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatchObject({ message: 'Sentry event not delivered', reason: `HTTP ${status}` });
    expect(ingest.envelopes).toHaveLength(1);
  });

  test('after a 429 the SDK backs off: the next failure is not sent, and says so at once', async () => {
    const handler = middy(async () => {
      throw new Error('rate limited');
    }).use(sentry({ dsn: ingest.dsn, flushTimeout: 1000 }));
    await ingest.setStatus(429, { 'retry-after': '60' });
    await invoke(() => handler({}, lambdaContext()));
    await ingest.setMode('ok');
    const second = await invoke(() => handler({}, lambdaContext()));
    expect(second.ms).toBeLessThan(500);
    expect(ingest.envelopes).toHaveLength(1);
    const warns = warnings(sink.lines);
    expect(warns).toHaveLength(2);
    expect(warns[1].reason).toMatch(/rate limited/);
  });
});

test('a log sink that throws does not change the error', async () => {
  sink.restore();
  setLogSink({
    log: () => {
      throw new Error('sink down');
    },
  });
  const error = new Error('original');
  await ingest.setMode('refuse');
  const { error: thrown } = await invoke(() => handlerThrowing(error, { flushTimeout: 300 })({}, lambdaContext()));
  expect(thrown).toBe(error);
});

test('no time left before the deadline: no wait at all, one warning', async () => {
  await ingest.setMode('hang');
  const { ms } = await invoke(() => handlerThrowing(new Error('at the deadline'), { flushMargin: 1000 })({}, lambdaContext({ timeoutMs: 500 })));
  expect(ms).toBeLessThan(300);
  expect(warnings(sink.lines)).toHaveLength(1);
});

test('an event given up at the bound is never sent later (it would land in another invocation)', async () => {
  // beforeSend holds the event back past the bound (no time left: bound 0), so it is given up before the transport
  // sends it; it must not go out afterwards
  const slowBeforeSend = async (event: SentryErrorEvent) => {
    await sleep(100);
    return event;
  };
  // an ingest of its own: no event of another test can arrive in this one's window
  const own = await startSentryIngest();
  try {
    const handler = handlerThrowing(new Error('given up'), { dsn: own.dsn, flushMargin: 1000, beforeSend: slowBeforeSend });
    const { error } = await invoke(() => handler({}, lambdaContext({ timeoutMs: 500 })));
    expect((error as Error).message).toBe('given up');
    await sleep(400);
    expect(own.envelopes).toHaveLength(0);
    expect(warnings(sink.lines)).toHaveLength(1);
  } finally {
    await own.close();
  }
});

describe('timeout warning', () => {
  test('a "possible timeout" event arrives before the deadline, with the Lambda context', async () => {
    const context = lambdaContext({ functionName: 'slow-fn', timeoutMs: 1200 });
    const deadline = Date.now() + context.getRemainingTimeInMillis();
    const handler = middy(async () => {
      await sleep(1000);
      return 'done in time';
    }).use(sentry({ dsn: ingest.dsn, timeoutWarning: 600 }));
    const { result } = await invoke(() => handler({}, context));
    expect(result).toBe('done in time');
    // the first event of this function (an event abandoned by an earlier test may still reach the shared ingest)
    const event = await ingest.waitForEvent(1000, (e) => (e.tags as Record<string, unknown> | undefined)?.function_name === 'slow-fn');
    expect(event.level).toBe('warning');
    expect(event.message).toMatch(/^Possible timeout: slow-fn has \d+ ms left/);
    expect(contexts(event)['aws.lambda'].aws_request_id).toBe(context.awsRequestId);
    expect(ingest.envelopes.find((e) => e.header.event_id === event.event_id)!.receivedAt).toBeLessThan(deadline);
    expect(sink.lines.find((l) => l.message === 'Possible timeout reported to Sentry')?.sentryEventID).toBe(event.event_id);
  });

  test("when the warning fires, one ERROR line in errorLog's shape (type TimeoutWarning, the event id, the ms left); a success after it adds no line", async () => {
    const context = lambdaContext({ functionName: 'slow-fn', timeoutMs: 900 });
    const handler = middy(async () => {
      await sleep(600);
      return 'just in time';
    }).use(sentry({ dsn: ingest.dsn, timeoutWarning: 500 }));
    const { result } = await invoke(() => handler({}, context));
    expect(result).toBe('just in time');
    const event = await ingest.waitForEvent(1000);
    await sleep(50);
    const errors = sink.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    const line = errors[0]!;
    expect(line.message).toMatch(/^possible timeout: \d+ ms left$/);
    const error = line.error as Record<string, any>;
    expect(error).toEqual({
      type: 'TimeoutWarning',
      message: line.message,
      sentryEventID: event.event_id,
      stacktrace: [],
      values: { remainingTimeInMillis: expect.any(Number), timeoutWarningMs: 500, functionName: 'slow-fn' },
    });
    expect(error.values.remainingTimeInMillis).toBeGreaterThan(300);
    expect(error.values.remainingTimeInMillis).toBeLessThanOrEqual(500);
    expect(line.message).toBe(`possible timeout: ${error.values.remainingTimeInMillis} ms left`);
    // written when the warning fired, before the Sentry event was confirmed
    expect(sink.lines.findIndex((l) => l === line)).toBeLessThan(sink.lines.findIndex((l) => l.message === 'Possible timeout reported to Sentry'));
  });

  test('a failure after the warning is a second event and a second ERROR line, with its own event id', async () => {
    const context = lambdaContext({ functionName: 'slow-fn', timeoutMs: 900 });
    const handler = middy(async () => {
      await sleep(600);
      throw new Error('failed late');
    }).use(sentry({ dsn: ingest.dsn, timeoutWarning: 500 }));
    const { error: thrown } = await invoke(() => handler({}, context));
    expect((thrown as Error).message).toBe('failed late');
    const warning = await ingest.waitForEvent(2000, (e) => e.level === 'warning');
    const failure = await ingest.waitForEvent(2000, (e) => e.level === 'error');
    expect(warning.event_id).not.toBe(failure.event_id);
    const errors = sink.lines.filter((l) => l.level === 'error');
    expect(errors.map((l) => [(l.error as any).message, (l.error as any).sentryEventID])).toEqual([
      [expect.stringMatching(/^possible timeout: \d+ ms left$/), warning.event_id],
      ['failed late', failure.event_id],
    ]);
  });

  test('an event dropped by beforeSend: the timeout line is still written', async () => {
    const context = lambdaContext({ timeoutMs: 400 });
    const handler = middy(async () => {
      await sleep(300);
      return 'ok';
    }).use(sentry({ dsn: ingest.dsn, timeoutWarning: 300, beforeSend: () => null }));
    await invoke(() => handler({}, context));
    await sleep(50);
    const errors = sink.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect((errors[0]!.error as any).type).toBe('TimeoutWarning');
    expect(ingest.events).toHaveLength(0);
  });

  test("an early return (@lambdaware/http answering a 400 from its `before`) skips sentry's `after`: no false warning, and the next invocation's warning is its own", async () => {
    const handler = middy(async (_event: unknown, context: { functionName: string }) => {
      await sleep(context.functionName === 'slow-fn' ? 500 : 0);
      return { statusCode: 200, body: 'ok' };
    })
      .use(sentry({ dsn: ingest.dsn, timeoutWarning: 300 }))
      .use(http());
    const badJson = apiGatewayV1Event('{"id": ', { method: 'POST', headers: { 'content-type': 'application/json' } });
    const { result } = await invoke(() => handler(badJson, lambdaContext({ functionName: 'early-fn', timeoutMs: 400 })));
    expect((result as { statusCode: number }).statusCode).toBe(400);
    // past the early-answered invocation's warning time (100 ms after its start): nothing reported
    await sleep(250);
    expect(sink.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(ingest.events).toEqual([]);
    // a second invocation answered early, then one that really runs late: one warning, the late one's
    await invoke(() => handler(badJson, lambdaContext({ functionName: 'early-fn', timeoutMs: 400 })));
    const { result: late } = await invoke(() =>
      handler(apiGatewayV1Event({ id: 1 }, { method: 'POST' }), lambdaContext({ functionName: 'slow-fn', timeoutMs: 700 })),
    );
    expect((late as { statusCode: number }).statusCode).toBe(200);
    const event = await ingest.waitForEvent(1000);
    await sleep(150);
    expect(ingest.events.map((e) => (e.tags as Record<string, unknown>).function_name)).toEqual(['slow-fn']);
    expect(sink.lines.filter((l) => l.level === 'error').map((l) => (l.error as { sentryEventID?: string }).sentryEventID)).toEqual([event.event_id]);
  });

  test('no event when the invocation ends in time, success or failure (timer cleared)', async () => {
    const handler = middy(async (event: { fail: boolean }) => {
      if (event.fail) throw new Error('fast failure');
      return 'fast';
    }).use(sentry({ dsn: ingest.dsn, timeoutWarning: 300 }));
    await invoke(() => handler({ fail: false }, lambdaContext({ timeoutMs: 500 })));
    await invoke(() => handler({ fail: true }, lambdaContext({ timeoutMs: 500 })));
    await sleep(400);
    expect(ingest.events.map((e) => e.level)).toEqual(['error']);
  });
});
