import type { Context } from 'aws-lambda';

/** A plain Lambda context (what the runtime passes), fresh per invocation. */
export const lambdaContextFor = (): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'secrets-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:secrets-test',
  memoryLimitInMB: '128',
  awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
  logGroupName: '/aws/lambda/secrets-test',
  logStreamName: '2026/01/01/[$LATEST]abc',
  getRemainingTimeInMillis: () => 30000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
