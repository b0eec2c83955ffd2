import { describe, expect, it, jest } from '@jest/globals';
import { lambdaContext } from '@lambdaware/events';

describe('lambdaContext', () => {
  it('is a full Node Lambda context with realistic defaults', () => {
    const context = lambdaContext();
    expect(context).toMatchObject({
      callbackWaitsForEmptyEventLoop: true,
      functionName: 'test-function',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test-function',
      memoryLimitInMB: '128',
      logGroupName: '/aws/lambda/test-function',
    });
    expect(context.awsRequestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(context.logStreamName).toMatch(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    for (const fn of ['done', 'fail', 'succeed', 'getRemainingTimeInMillis'] as const) expect(typeof context[fn]).toBe('function');
    expect(() => context.succeed('ok')).not.toThrow();
  });

  it('gives a new awsRequestId per call', () => {
    const ids = new Set(Array.from({ length: 20 }, () => lambdaContext().awsRequestId));
    expect(ids.size).toBe(20);
  });

  it('derives the ARN and log group from the overrides, and keeps any field given', () => {
    const context = lambdaContext({
      functionName: 'orders',
      functionVersion: '7',
      region: 'eu-west-1',
      accountId: '111122223333',
      memoryLimitInMB: 1024,
      awsRequestId: 'req-1',
    });
    expect(context.invokedFunctionArn).toBe('arn:aws:lambda:eu-west-1:111122223333:function:orders');
    expect(context.logGroupName).toBe('/aws/lambda/orders');
    expect(context.logStreamName).toContain('[7]');
    expect(context.memoryLimitInMB).toBe('1024');
    expect(context.awsRequestId).toBe('req-1');
    expect(context).not.toHaveProperty('timeoutMs');
    expect(context).not.toHaveProperty('region');
  });

  it('leaves out a field given as undefined; an option given as undefined takes its default', () => {
    const context = lambdaContext({ logGroupName: undefined, logStreamName: undefined, timeoutMs: undefined, region: undefined });
    expect('logGroupName' in context).toBe(false);
    expect('logStreamName' in context).toBe(false);
    expect(context.functionName).toBe('test-function');
    expect(context.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:test-function');
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(2_000);
  });

  it('counts getRemainingTimeInMillis down from timeoutMs, measured from creation, never below 0', () => {
    jest.useFakeTimers({ now: Date.UTC(2024, 0, 1) });
    try {
      const context = lambdaContext({ timeoutMs: 10_000 });
      expect(context.getRemainingTimeInMillis()).toBe(10_000);
      jest.advanceTimersByTime(2_500);
      expect(context.getRemainingTimeInMillis()).toBe(7_500);
      jest.advanceTimersByTime(10_000);
      expect(context.getRemainingTimeInMillis()).toBe(0);
      expect(lambdaContext().getRemainingTimeInMillis()).toBe(3_000);
    } finally {
      jest.useRealTimers();
    }
  });

  it('counts down in real time too', async () => {
    const context = lambdaContext({ timeoutMs: 1_000 });
    const before = context.getRemainingTimeInMillis();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const after = context.getRemainingTimeInMillis();
    expect(before).toBeLessThanOrEqual(1_000);
    expect(after).toBeLessThanOrEqual(before - 25);
  });

  it('names a bad option', () => {
    expect(() => lambdaContext({ timeoutMs: 0 })).toThrow('lambdaContext(): option "timeoutMs" must be a positive number of milliseconds, got 0');
    expect(() => lambdaContext({ timeoutMs: '3000' as never })).toThrow(/option "timeoutMs"/);
    expect(() => lambdaContext({ memoryLimitInMB: 'lots' })).toThrow(/option "memoryLimitInMB" must be a whole number of MB/);
  });
});
