import { recentLinesOf, remainingTimeOf } from '@lambdaware/shared';

/** The fields of the Lambda context this package reads (a subset of `Context` from aws-lambda). */
export interface LambdaContextLike {
  awsRequestId?: string;
  functionName?: string;
  functionVersion?: string;
  invokedFunctionArn?: string;
  memoryLimitInMB?: string;
  logGroupName?: string;
  logStreamName?: string;
  getRemainingTimeInMillis?: () => number;
}
type Context = LambdaContextLike;

/** What one Sentry event carries about the invocation: plain data, built without the SDK. */
export interface InvocationData {
  tags: Record<string, string>;
  contexts: Record<string, Record<string, unknown>>;
  transaction: string | undefined;
}

/** The region of an ARN (`arn:aws:lambda:<region>:...`), else AWS_REGION. */
const regionOf = (context: Partial<Context>): string | undefined => {
  const fromArn = typeof context.invokedFunctionArn === 'string' ? context.invokedFunctionArn.split(':')[3] : undefined;
  return fromArn || process.env.AWS_REGION || undefined;
};

/**
 * The CloudWatch console's own encoding of a path part in a `#logsV2:` fragment: URI-encoded, then every `%`
 * written as `$25` (so `/aws/lambda/fn` becomes `$252Faws$252Flambda$252Ffn`).
 */
const consoleEncode = (part: string): string => encodeURIComponent(part).replaceAll('%', '$25');

/** A link to the invocation's log stream in the CloudWatch Logs console, or undefined without a log group. */
export const cloudWatchLogsUrl = (context: Partial<Context>): string | undefined => {
  const region = regionOf(context);
  if (!context.logGroupName || !region) return undefined;
  let url = `https://console.aws.amazon.com/cloudwatch/home?region=${encodeURIComponent(region)}#logsV2:log-groups/log-group/${consoleEncode(context.logGroupName)}`;
  if (context.logStreamName) url += `/log-events/${consoleEncode(context.logStreamName)}`;
  return url;
};

/** The context's remaining time (shared's one reader of the clock), or undefined without one. */
const remainingTime = (context: Partial<Context>): number | undefined => remainingTimeOf(context);

const withoutUndefined = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/**
 * The tags and contexts of an event for this invocation. Context names follow @sentry/aws-serverless
 * (`aws.lambda`, `aws.cloudwatch.logs`) so that Sentry shows them the same way.
 */
export const invocationData = (context: Partial<Context> | undefined, extraTags: Record<string, string>, startedAt?: number): InvocationData => {
  const c = context ?? {};
  const region = regionOf(c);
  const tags: Record<string, string> = { ...extraTags };
  if (c.functionName) tags.function_name = c.functionName;
  if (c.functionVersion) tags.function_version = c.functionVersion;
  if (c.awsRequestId) tags.aws_request_id = c.awsRequestId;
  if (region) tags.aws_region = region;
  const contexts: InvocationData['contexts'] = {
    'aws.lambda': withoutUndefined({
      aws_request_id: c.awsRequestId,
      function_name: c.functionName,
      function_version: c.functionVersion,
      invoked_function_arn: c.invokedFunctionArn,
      memory_limit_in_mb: c.memoryLimitInMB,
      remaining_time_in_millis: remainingTime(c),
      execution_duration_in_millis: startedAt === undefined ? undefined : performance.now() - startedAt,
      'sys.argv': process.argv,
    }),
  };
  if (c.logGroupName || c.logStreamName) {
    contexts['aws.cloudwatch.logs'] = withoutUndefined({
      log_group: c.logGroupName,
      log_stream: c.logStreamName,
      url: cloudWatchLogsUrl(c),
    });
  }
  return { tags, contexts, transaction: c.functionName || undefined };
};

export { remainingTime };

/** Sentry's default `maxBreadcrumbs`: the most recent lines an event carries. */
export const MAX_BREADCRUMBS = 100;

export type LineBreadcrumb = {
  timestamp: number;
  level: 'debug' | 'info' | 'warning' | 'error';
  category: string;
  message: string;
  data?: Record<string, unknown>;
};

const LEVELS: Record<string, LineBreadcrumb['level']> = { debug: 'debug', info: 'info', warn: 'warning', warning: 'warning', error: 'error' };

/** The invocation's recent log lines (shared `recentLinesOf`: already masked and bounded) as breadcrumbs, the last MAX_BREADCRUMBS. */
export const lineBreadcrumbs = (request: object): LineBreadcrumb[] =>
  recentLinesOf(request)
    .slice(-MAX_BREADCRUMBS)
    .map((l) => ({
      timestamp: l.timestamp / 1000,
      level: LEVELS[String(l.level).toLowerCase()] ?? 'info',
      category: l.buffered ? 'log.buffered' : 'log',
      message: String(l.message),
      ...(l.data !== undefined ? { data: l.data } : {}),
    }));
