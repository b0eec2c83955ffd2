import type { Context } from 'aws-lambda';

/** A Lambda context as the Node runtime builds it (aws-lambda-ric), for tests. */
export const context = (requestId: string, extra: Partial<Context> & { xRayTraceId?: string } = {}): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'orders-handler',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-handler',
  memoryLimitInMB: '256',
  awsRequestId: requestId,
  logGroupName: '/aws/lambda/orders-handler',
  logStreamName: '2026/01/01/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 30000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
  ...extra,
});

export const readEvent = async (name: string): Promise<Record<string, unknown>> => {
  const { readFile } = await import('node:fs/promises');
  const url = new URL(`../../../../shared/events/aws-lambda-go/${name}`, import.meta.url);
  return JSON.parse(await readFile(url, 'utf8')) as Record<string, unknown>;
};
