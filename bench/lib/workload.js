// The workload every stack runs: an SQS batch of 10 JSON bodies {"message": ...}; the handler returns the messages
// joined with ':'. The error event has the same batch with one message "fail": the handler throws on it.
import { sqsEvent } from '@lambdaware/events';

export const STACKS = ['raw', 'middy-official', 'powertools-first', 'lambdaware', 'lambdaware-app-sentry', 'lambdaware-no-sentry'];

/**
 * The stacks that report failures to Sentry. lambdaware-no-sentry does the same work with no Sentry at all (no DSN,
 * sentry() left out): the floor the error path of the lambdaware stack is held to (one loopback POST above it).
 */
export const reportsToSentry = (stack) => stack !== 'lambdaware-no-sentry';
export const MESSAGES = Array.from({ length: 10 }, (_, i) => `m${i}`);
export const EXPECTED = MESSAGES.join(':');
export const FAIL_INDEX = 7;

export const successEvent = () => sqsEvent(MESSAGES.map((message) => ({ message })));
export const errorEvent = () => sqsEvent(MESSAGES.map((message, i) => ({ message: i === FAIL_INDEX ? 'fail' : message })));

const base = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'bench-fn',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench-fn',
  memoryLimitInMB: '1024',
  logGroupName: '/aws/lambda/bench-fn',
  logStreamName: '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef',
};

/** A Lambda context with its own request id; 30 s left, as at the start of an invocation of a 30 s function. */
export const contextFor = (requestId) => ({ ...base, awsRequestId: requestId, getRemainingTimeInMillis: () => 30_000 });

/** A request id in Lambda's format (a UUID), distinct per (tag, n). */
export const requestId = (tag, n) => `${tag.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** The environment of every stack's process, as Lambda sets it (plus the local endpoints). */
export const stackEnv = ({ stack, secretsManager, ingest }) => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  TZ: 'UTC',
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  POWERTOOLS_SERVICE_NAME: 'bench',
  AWS_LAMBDA_FUNCTION_NAME: 'bench-fn',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  ...secretsManager.env,
  ...(reportsToSentry(stack) ? { SENTRY_DSN: ingest.dsn } : {}),
  SECRET_ID: `bench/${stack}`,
});
