// errorLog() composed with the real @lambdaware/logger in the documented order: the line goes through the
// logger (stdout, its keys, its request id key once), nothing on stderr. The logger is a test-only companion:
// @lambdaware/errors does not depend on it.
import { afterEach, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Context, SQSEvent } from 'aws-lambda';
import middy from '@middy/core';
import { setLogSink } from '@lambdaware/shared';
import { captureOutput } from '@lambdaware/testkit';
import { logContext } from '@lambdaware/logger';
import { errorLog, newError, wrapError } from '@lambdaware/errors';

afterEach(() => setLogSink(undefined));

const event = JSON.parse(readFileSync(new URL('../../../fixtures/events/aws-lambda-go/sqs-event.json', import.meta.url), 'utf8')) as SQSEvent;
const context = {
  awsRequestId: 'a1b2c3d4-0000-4000-8000-000000000001',
  functionName: 'orders',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders',
  memoryLimitInMB: '128',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

it('writes one line through the logger with the invocation keys and the serialized error', async () => {
  const thrown = wrapError(new Error('ECONNRESET'), 'query failed').with('messageId', event.Records[0].messageId);
  const handler = middy(async () => {
    throw thrown;
  })
    .use(logContext())
    .use(errorLog());
  const out = await captureOutput(() => handler(event, context));
  expect(out.error).toBe(thrown);
  expect(out.stderr).toBe('');
  const lines = out.stdoutLines();
  expect(lines).toHaveLength(1);
  const [line] = lines;
  expect(line).toMatchObject({
    level: 'ERROR',
    message: 'query failed',
    function_request_id: context.awsRequestId,
    function_name: 'orders',
    error: {
      type: 'LambdaError',
      message: 'query failed',
      values: { messageId: event.Records[0].messageId },
      cause: { type: 'Error', message: 'ECONNRESET' },
    },
  });
  expect(out.stdout.split('function_request_id').length - 1).toBe(1);
  expect(Array.isArray((line.error as { stacktrace: unknown }).stacktrace)).toBe(true);
});

it('a failure in a before middleware after errorLog() is logged through the logger too', async () => {
  const handler = middy(async () => 'never')
    .use(logContext())
    .use(errorLog())
    .use({
      before: () => {
        throw newError('secret prod/db could not be fetched').with('secretId', 'prod/db');
      },
    });
  const out = await captureOutput(() => handler(event, context));
  expect(out.stdoutLines()).toEqual([expect.objectContaining({ level: 'ERROR', error: expect.objectContaining({ values: { secretId: 'prod/db' } }) })]);
});
