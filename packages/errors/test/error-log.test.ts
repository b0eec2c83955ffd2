import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context, SQSEvent } from 'aws-lambda';
import middy, { type MiddlewareObj } from '@middy/core';
import {
  MAX_LINE_BYTES as MAX_ERROR_LINE_BYTES,
  MAX_MESSAGE_CHARS,
  OptionsError,
  clearSecrets,
  failureOf,
  fitJson,
  jsonBytes,
  registerSecret,
  setLogSink,
  type LogSink,
} from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';
import { ErrorLogOptionError, errorLog, newError, wrapError, writeErrorLine } from '@lambdaware/errors';

const setSentryEventId = (request: object, eventId: string): void => {
  failureOf(request).eventId = eventId;
};

const sqsEvent = JSON.parse(readFileSync(new URL('../../../fixtures/events/aws-lambda-go/sqs-event.json', import.meta.url), 'utf8')) as SQSEvent;

const REQUEST_ID = 'c6af9ac6-7b61-11e6-9a41-93e812345678';
const context = {
  awsRequestId: REQUEST_ID,
  functionName: 'orders',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders',
  memoryLimitInMB: '128',
  logGroupName: '/aws/lambda/orders',
  logStreamName: '2024/01/01/[$LATEST]abc',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

/** The 1-based line of this file holding `marker`. */
const thisFile = fileURLToPath(import.meta.url);
const lineOf = (marker: string): number =>
  readFileSync(thisFile, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(marker)) + 1;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

afterEach(() => {
  setLogSink(undefined);
  clearSecrets();
});

const fakeSink = () => {
  const log = jest.fn<LogSink['log']>();
  setLogSink({ log });
  return log;
};

describe('errorLog() with the stderr fallback (no logger installed)', () => {
  it('writes exactly one JSON line of this shape, and rethrows the same error object', async () => {
    let thrown: unknown;
    const handler = middy(async (event: SQSEvent) => {
      thrown = newError('oops').with('trigger', event.Records[0].messageId).with('count', event.Records.length); // THROW-A
      throw thrown;
    }).use(errorLog());

    const out = await captureOutput(() => handler(sqsEvent, context));
    expect(out.error).toBe(thrown);
    expect(out.stdout).toBe('');
    const lines = out.stderrLines();
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toEqual({
      level: 'ERROR',
      message: 'oops',
      timestamp: expect.stringMatching(ISO),
      error: {
        type: 'LambdaError',
        message: 'oops',
        values: { trigger: sqsEvent.Records[0].messageId, count: sqsEvent.Records.length },
        stacktrace: expect.any(Array),
      },
      function_request_id: REQUEST_ID,
    });
    expect(Object.keys(line)).toEqual(['level', 'message', 'timestamp', 'error', 'function_request_id']);
    const frames = (line.error as { stacktrace: Record<string, unknown>[] }).stacktrace;
    expect(frames[0]).toEqual({ func: expect.any(String), file: thisFile, line: lineOf('// THROW-A'), column: expect.any(Number) });
    for (const f of frames) expect(Object.keys(f).every((k) => ['func', 'file', 'line', 'column', 'async'].includes(k))).toBe(true);
    expect(frames.some((f) => String(f.file).startsWith('node:'))).toBe(false);
  });

  it('carries the whole cause chain', async () => {
    const handler = middy(async () => {
      const root = new Error('ECONNRESET');
      throw wrapError(wrapError(root, 'query failed').with('table', 'orders'), 'handler failed').with('orderId', 'o-1');
    }).use(errorLog());
    const out = await captureOutput(() => handler(sqsEvent, context));
    const { error } = out.stderrLines()[0] as { error: Record<string, any> };
    expect(error.message).toBe('handler failed');
    expect(error.values).toEqual({ table: 'orders', orderId: 'o-1' });
    expect(error.cause.message).toBe('query failed');
    expect(error.cause.values).toEqual({ table: 'orders' });
    expect(error.cause.cause).toMatchObject({ type: 'Error', message: 'ECONNRESET' });
    expect(error.cause.cause.cause).toBeUndefined();
  });

  it('masks registered secrets anywhere in the line', async () => {
    registerSecret('s3cr3t-token-value');
    const handler = middy(async () => {
      throw newError('token s3cr3t-token-value rejected').with('token', 's3cr3t-token-value');
    }).use(errorLog());
    const out = await captureOutput(() => handler(sqsEvent, context));
    expect(out.stderr).not.toContain('s3cr3t-token-value');
    expect(out.stderrLines()[0]).toMatchObject({ message: 'token **** rejected', error: { values: { token: '****' } } });
  });

  it('writes nothing on success', async () => {
    const handler = middy(async () => ({ ok: true })).use(errorLog());
    const out = await captureOutput(() => handler(sqsEvent, context));
    expect(out.result).toEqual({ ok: true });
    expect(out.stderr + out.stdout).toBe('');
  });

  it('logs non-Error throws', async () => {
    const handler = middy(async () => {
      throw 'plain string'; // eslint-disable-line no-throw-literal
    }).use(errorLog());
    const out = await captureOutput(() => handler(sqsEvent, context));
    expect(out.error).toBe('plain string');
    expect(out.stderrLines()[0]).toMatchObject({ message: 'plain string', error: { type: 'string', message: 'plain string', stacktrace: [] } });
  });
});

describe('errorLog() through an installed sink (what @lambdaware/logger does)', () => {
  it('makes exactly one sink call with the serialized error, and no request id of its own', async () => {
    const log = fakeSink();
    const error = newError('oops').with('trigger', 'sqs');
    const handler = middy(async () => {
      throw error;
    }).use(errorLog());
    await expect(handler(sqsEvent, context)).rejects.toBe(error);
    expect(log).toHaveBeenCalledTimes(1);
    const [level, message, fields] = log.mock.calls[0];
    expect(level).toBe('error');
    expect(message).toBe('oops');
    expect(Object.keys(fields!)).toEqual(['error']);
    expect(fields!.error).toMatchObject({ type: 'LambdaError', message: 'oops', values: { trigger: 'sqs' } });
  });

  it('falls back to stderr when the sink throws, so the line is not lost', async () => {
    setLogSink({
      log: () => {
        throw new Error('sink broken');
      },
    });
    const handler = middy(async () => {
      throw newError('oops');
    }).use(errorLog());
    const out = await captureOutput(() => handler(sqsEvent, context));
    const lines = out.stderrLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'ERROR', message: 'oops', error: { type: 'LambdaError' }, sinkError: { message: 'sink broken' } });
  });

  it('two errorLog() in one chain write one line', async () => {
    const log = fakeSink();
    const handler = middy(async () => {
      throw new Error('once');
    })
      .use(errorLog())
      .use(errorLog());
    await expect(handler(sqsEvent, context)).rejects.toThrow('once');
    expect(log).toHaveBeenCalledTimes(1);
  });
});

describe('errorLog() in a chain of middlewares', () => {
  it('logs a failing before middleware (a secret fetch), and the handler never runs', async () => {
    const log = fakeSink();
    const handlerFn = jest.fn(async () => 'never');
    let fetchError: unknown;
    const secretsLike: MiddlewareObj = {
      before: () => {
        fetchError = wrapError(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }), 'fetching secret prod/db failed').with(
          'secretId',
          'prod/db',
        );
        throw fetchError;
      },
    };
    const handler = middy(handlerFn).use(errorLog()).use(secretsLike);
    await expect(handler(sqsEvent, context)).rejects.toBe(fetchError);
    expect(handlerFn).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][2]!.error).toMatchObject({
      type: 'LambdaError',
      message: 'fetching secret prod/db failed',
      values: { secretId: 'prod/db' },
      cause: { type: 'AccessDeniedException', message: 'User is not authorized' },
    });
  });

  it("logs a failure that happens before errorLog()'s own before ran", async () => {
    const log = fakeSink();
    let seenActive: unknown = 'not called';
    const early: MiddlewareObj = {
      before: () => {
        throw new Error('logContext blew up');
      },
      onError: (request) => {
        seenActive = failureOf(request).line;
      },
    };
    const handler = middy(async () => 'never')
      .use(early)
      .use(errorLog());
    await expect(handler(sqsEvent, context)).rejects.toThrow('logContext blew up');
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][1]).toBe('logContext blew up');
    expect(seenActive).toBe('written'); // errorLog()'s before never claimed the line, its onError wrote it
  });

  it('claims the line in before, and carries the Sentry event id sentry() recorded on the failure state', async () => {
    const log = fakeSink();
    let activeWhenSentryRan: unknown;
    const sentryLike: MiddlewareObj = {
      onError: (request) => {
        activeWhenSentryRan = failureOf(request).line;
        setSentryEventId(request, 'f3a1c0de5b6d4e0f9a8b7c6d5e4f3a2b');
      },
    };
    const handler = middy(async () => {
      throw newError('reported');
    })
      .use(errorLog())
      .use(sentryLike);
    await expect(handler(sqsEvent, context)).rejects.toThrow('reported');
    expect(activeWhenSentryRan).toBe('errorLog');
    const error = log.mock.calls[0][2]!.error as Record<string, unknown>;
    expect(error.sentryEventID).toBe('f3a1c0de5b6d4e0f9a8b7c6d5e4f3a2b');
    expect(Object.keys(error).slice(0, 3)).toEqual(['type', 'message', 'sentryEventID']);
  });

  it('one carrier of the event id: a symbol on the error is not read, only the failure state', async () => {
    const log = fakeSink();
    const handler = middy(async () => {
      const e = newError('reported elsewhere');
      (e as unknown as Record<symbol, unknown>)[Symbol.for('lambdaware.sentryEventId')] = 'from-error';
      throw e;
    }).use(errorLog());
    await expect(handler(sqsEvent, context)).rejects.toThrow();
    expect(log.mock.calls[0][2]!.error).not.toHaveProperty('sentryEventID');
  });

  it('leaves request.error and the error itself untouched, and later onError hooks still run', async () => {
    fakeSink();
    const thrown = newError('same object').with('k', 'v');
    let requestErrorAfter: unknown;
    const outer: MiddlewareObj = {
      onError: (request) => {
        requestErrorAfter = request.error;
      },
    };
    const handler = middy(async () => {
      throw thrown;
    })
      .use(outer)
      .use(errorLog());
    await expect(handler(sqsEvent, context)).rejects.toBe(thrown);
    expect(requestErrorAfter).toBe(thrown);
    expect(Object.keys(thrown)).toEqual([]);
    expect(thrown.values).toEqual({ k: 'v' });
  });
});

describe('errorLog({ respond })', () => {
  class ValidationError extends Error {}
  const respond = (error: unknown) => (error instanceof ValidationError ? { statusCode: 400, body: error.message } : undefined);

  it('turns chosen errors into the response, logs them at warn, and still runs later onError hooks', async () => {
    const log = fakeSink();
    const cleanup = jest.fn();
    const handler = middy(async () => {
      throw new ValidationError('orderId is required');
    })
      .use({ onError: cleanup })
      .use(errorLog({ respond }));
    await expect(handler(sqsEvent, context)).resolves.toEqual({ statusCode: 400, body: 'orderId is required' });
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toBe('warn');
    expect(log.mock.calls[0][2]!.error).toMatchObject({ type: 'ValidationError', message: 'orderId is required' });
  });

  it('lets other errors propagate', async () => {
    const log = fakeSink();
    const other = new Error('database down');
    const handler = middy(async () => {
      throw other;
    }).use(errorLog({ respond }));
    await expect(handler(sqsEvent, context)).rejects.toBe(other);
    expect(log.mock.calls[0][0]).toBe('error');
  });

  it('a respond function that throws does not replace the original error', async () => {
    const log = fakeSink();
    const original = new Error('original');
    const handler = middy(async () => {
      throw original;
    }).use(
      errorLog({
        respond: () => {
          throw new Error('respond bug');
        },
      }),
    );
    await expect(handler(sqsEvent, context)).rejects.toBe(original);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][2]).toMatchObject({ error: { message: 'original' }, respondError: { message: 'respond bug' } });
  });
});

describe('errorLog() options', () => {
  it('message: a string or a function of the error', async () => {
    const log = fakeSink();
    await expect(
      middy(async () => {
        throw new Error('x');
      }).use(errorLog({ message: 'invocation failed' }))(sqsEvent, context),
    ).rejects.toThrow();
    await expect(
      middy(async () => {
        throw new Error('y');
      }).use(errorLog({ message: (e) => `failed: ${(e as Error).message}` }))(sqsEvent, context),
    ).rejects.toThrow();
    expect(log.mock.calls.map((c) => c[1])).toEqual(['invocation failed', 'failed: y']);
  });

  it('trimNodeModules drops frames under node_modules', async () => {
    const log = fakeSink();
    const handler = middy(async () => {
      const e = new Error('deep');
      e.stack = 'Error: deep\n    at lib (/var/task/node_modules/lib/index.js:1:1)\n    at handler (/var/task/index.js:2:2)';
      throw e;
    }).use(errorLog({ trimNodeModules: true }));
    await expect(handler(sqsEvent, context)).rejects.toThrow();
    expect((log.mock.calls[0][2]!.error as { stacktrace: unknown }).stacktrace).toEqual([{ func: 'handler', file: '/var/task/index.js', line: 2, column: 2 }]);
  });

  it.each([
    [{ trimNodeModules: 'yes' }, 'trimNodeModules', 'errorLog(): option "trimNodeModules" must be true or false, got "yes"'],
    [{ trimNodeInternals: 1 }, 'trimNodeInternals', 'errorLog(): option "trimNodeInternals" must be true or false, got 1'],
    [{ maxDepth: -1 }, 'maxDepth', 'errorLog(): option "maxDepth" must be an integer >= 0, got -1'],
    [{ maxErrors: 1.5 }, 'maxErrors', 'errorLog(): option "maxErrors" must be an integer >= 0, got 1.5'],
    [{ message: 42 }, 'message', 'errorLog(): option "message" must be a string or a function (error, request) => string, got 42'],
    [{ respond: { statusCode: 500 } }, 'respond', 'errorLog(): option "respond" must be a function (error, request) => response | undefined, got an object'],
    [
      { respnd: () => undefined },
      'respnd',
      'errorLog(): option "respnd" is not an option of errorLog() (options: trimNodeInternals, trimNodeModules, maxDepth, maxErrors, message, respond)',
    ],
    [null, 'options', 'errorLog(): options must be an object, got null'],
  ])('rejects %j at creation', (options, option, message) => {
    let error: unknown;
    try {
      errorLog(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ErrorLogOptionError);
    expect(error).toBeInstanceOf(OptionsError);
    expect(error).toMatchObject({ name: 'ErrorLogOptionError', package: '@lambdaware/errors', fn: 'errorLog', option, message });
  });

  it('accepts undefined values as defaults', () => {
    expect(() => errorLog({ respond: undefined, maxDepth: undefined })).not.toThrow();
  });
});

describe('errorLog() masks secrets on the error the runtime will print', () => {
  afterEach(() => clearSecrets());

  it('the same error object propagates, its message, stack and causes masked; an error without secrets is untouched', async () => {
    registerSecret('tok-9f8e7d6c');
    const inner = new Error('upstream refused tok-9f8e7d6c');
    const aggregate = new AggregateError([new Error('retry 1 with tok-9f8e7d6c')], 'all retries failed');
    const thrown = wrapError(inner, 'call with token tok-9f8e7d6c failed').with('attempts', 2);
    (inner as { cause?: unknown }).cause = aggregate;
    const handler = middy(async () => {
      throw thrown;
    }).use(errorLog());
    const out = await captureOutput(() => handler(sqsEvent, context));
    expect(out.error).toBe(thrown);
    expect(thrown.message).toBe('call with token **** failed');
    expect(thrown.stack).not.toContain('tok-9f8e7d6c');
    expect(inner.message).toBe('upstream refused ****');
    expect((aggregate.errors[0] as Error).message).toBe('retry 1 with ****');
    expect(thrown.values).toEqual({ attempts: 2 });
    expect(out.stderr).not.toContain('tok-9f8e7d6c');

    const plain = new Error('nothing secret here');
    const stack = plain.stack;
    const plainHandler = middy(async () => {
      throw plain;
    }).use(errorLog());
    const second = await captureOutput(() => plainHandler(sqsEvent, context));
    expect(second.error).toBe(plain);
    expect(plain.message).toBe('nothing secret here');
    expect(plain.stack).toBe(stack);
  });
});

describe('errorLog() masks a thrown string (redactThrown of @lambdaware/shared)', () => {
  afterEach(() => clearSecrets());

  it('a thrown string holding a secret reaches the runtime (and the caller) as its masked copy; the line is masked', async () => {
    registerSecret('tok-9f8e7d6c');
    const handler = middy(async () => {
      // eslint-disable-next-line no-throw-literal
      throw 'bad token tok-9f8e7d6c';
    }).use(errorLog());
    const out = await captureOutput(() => handler(sqsEvent, context));
    expect(out.error).toBe('bad token ****');
    expect(out.stderr).not.toContain('tok-9f8e7d6c');
  });

  it('without a registered secret the thrown value is the same value', async () => {
    const handler = middy(async () => {
      // eslint-disable-next-line no-throw-literal
      throw 'plain failure';
    }).use(errorLog());
    const out = await captureOutput(() => handler(sqsEvent, context));
    expect(out.error).toBe('plain failure');
  });
});

describe('writeErrorLine: the one writer of a failure line', () => {
  it('writes the failure line once per request; another line (failureLine: false) neither counts nor blocks it', () => {
    const log = fakeSink();
    const request = { context };
    setSentryEventId(request, 'a'.repeat(32));
    expect(writeErrorLine(request, new Error('warning first'), { failureLine: false, eventId: 'b'.repeat(32) })).toBe(true);
    expect(writeErrorLine(request, new Error('the failure'))).toBe(true);
    expect(writeErrorLine(request, new Error('again'))).toBe(false);
    expect(log.mock.calls.map((c) => [c[1], (c[2]!.error as { sentryEventID?: string }).sentryEventID])).toEqual([
      ['warning first', 'b'.repeat(32)],
      ['the failure', 'a'.repeat(32)],
    ]);
    expect(failureOf(request).line).toBe('written');
  });

  it('keeps a line of 10,000 failures under MAX_ERROR_LINE_BYTES: the first failures in full, the rest counted, the message cut', () => {
    const log = fakeSink();
    const failures = Array.from({ length: 10_000 }, (_, i) => ({ index: i, id: `id-${i}-${'y'.repeat(60)}`, reason: 'not JSON' }));
    const error = Object.assign(new Error(`all failed: ${failures.map((f) => f.id).join(', ')}`), { failures });
    writeErrorLine({ context }, error);
    const [, message, fields] = log.mock.calls[0];
    expect(Buffer.byteLength(JSON.stringify({ message, ...fields }))).toBeLessThan(MAX_ERROR_LINE_BYTES);
    const written = fields!.error as { failures: unknown[]; failuresOmitted: number; message: string };
    expect(written.failures.slice(0, 5)).toEqual(failures.slice(0, 5));
    expect(written.failures.length + written.failuresOmitted).toBe(10_000);
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS + 40);
    expect(message).toMatch(/…\[truncated: \d+ characters\]$/);
  });
});

describe('fitJson', () => {
  it('returns the value itself when it fits, and the mildest cut that fits otherwise', () => {
    const small = { a: [1, 2, 3] };
    expect(fitJson(small, 1000, () => small).value).toBe(small);
    const big = { list: Array.from({ length: 1000 }, (_, i) => i), text: 'x'.repeat(50_000), errors: [1, 2, 3], errorsOmitted: 7 };
    const { value, cut } = fitJson(big, 4000, () => ({}) as typeof big);
    expect(cut).toBe(true);
    expect(jsonBytes(value)).toBeLessThanOrEqual(4000);
    const v = value as Record<string, any>;
    expect(v.list[0]).toBe(0);
    expect(v.list.length + v.listOmitted).toBe(1000);
    expect(v.errors.length + v.errorsOmitted).toBe(3 + 7);
    expect(v.text).toMatch(/^x+…\[truncated: \d+ characters\]$/);
  });

  it('falls back when even the harshest cut does not fit', () => {
    const deep = { a: 'z'.repeat(10_000) };
    expect(fitJson(deep, 10, (bytes) => ({ a: `was ${bytes}` })).value).toEqual({ a: 'was 10008' });
  });
});
