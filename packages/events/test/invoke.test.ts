import { describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { z } from 'zod';
import { EventBuildError, invoke, lambdaContext, sqsEvent } from '@lambdaware/events';
import { records } from '@lambdaware/records';
import { typecheck } from '@lambdaware/testkit';

const handler = middy()
  .use(records({ schema: z.object({ message: z.string() }) }))
  .handler(async (_event, context) => ({
    joined: context.records.map((r) => r.payload.message).join(':'),
    requestId: context.awsRequestId,
    remaining: context.getRemainingTimeInMillis(),
  }));

describe('invoke', () => {
  it('runs a middy handler with its middlewares on a new lambdaContext() by default', async () => {
    const result = await invoke(handler, sqsEvent([{ message: 'blue' }, { message: 'orange' }]));
    expect(result.joined).toBe('blue:orange');
    expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.remaining).toBeLessThanOrEqual(3000);
  });

  it('uses the context given, also one kept in a variable typed plain Context', async () => {
    const context = lambdaContext({ awsRequestId: 'req-7', timeoutMs: 60_000 });
    const result = await invoke(handler, sqsEvent([{ message: 'x' }]), context);
    expect(result.requestId).toBe('req-7');
    expect(result.remaining).toBeGreaterThan(3000);
  });

  it('builds a context from options', async () => {
    const result = await invoke(handler, sqsEvent([{ message: 'x' }]), { awsRequestId: 'req-8', timeoutMs: 60_000 });
    expect(result.requestId).toBe('req-8');
    expect(result.remaining).toBeGreaterThan(3000);
  });

  it('passes the handler error through unchanged', async () => {
    const failing = middy(async () => {
      throw new RangeError('nope');
    });
    await expect(invoke(failing, {})).rejects.toThrow(RangeError);
  });

  it('says so when the handler is not a function', async () => {
    await expect(invoke(undefined as never, {})).rejects.toThrow(new EventBuildError('invoke: handler must be a function, got undefined'));
  });
});

// handler(event, lambdaContext()) and invoke(handler, event, context) compile against a middy handler whose
// middlewares add context.records / context.secrets, and a wrong event or misuse of the result does not:
// test/types/typed-tests.ts, whose `@ts-expect-error` lines must each be an error.
it('typed tests need no cast (tsc on test/types)', async () => {
  const result = await typecheck(new URL('./types/tsconfig.json', import.meta.url));
  expect(result.output).toBe('');
  expect(result.code).toBe(0);
});
