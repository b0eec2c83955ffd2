import type { Context } from 'aws-lambda';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION, hex, isPlainObject, uuid, optionError } from './util.js';

export interface LambdaContextOptions extends Partial<Omit<Context, 'memoryLimitInMB'>> {
  /** The function's timeout: getRemainingTimeInMillis() counts down from it, from creation (default 3000). */
  timeoutMs?: number;
  /** Memory size, as a number or the string Lambda gives (default '128'). */
  memoryLimitInMB?: string | number;
  /** Region in invokedFunctionArn (default `us-east-1`). */
  region?: string;
  /** Account id in invokedFunctionArn (default `123456789012`). */
  accountId?: string;
}

/**
 * A Node.js Lambda context: a new awsRequestId per call, and getRemainingTimeInMillis() counting down from
 * `timeoutMs` (default 3000) since the context was made. Any field can be given.
 *
 * Its type is the context the handler it is passed to declares: a Middy handler built with `.use(records(...))` or
 * `.use(secrets(...))` takes `Context & { records: ... }` / `Context & { secrets: ... }`, fields its middlewares set
 * before the handler runs, so `handler(event, lambdaContext())` compiles without a cast and the handler's
 * `context.records`/`context.secrets` stay typed. Called on its own it is a plain `Context`. (The object itself has
 * only the Lambda fields: the middlewares add theirs.)
 *
 * @example lambdaContext({ functionName: 'orders', timeoutMs: 10_000 })
 * @example await handler(sqsEvent([{ id: 1 }]), lambdaContext())
 */
export function lambdaContext<TContext extends Context = Context>(overrides?: LambdaContextOptions): TContext {
  const builder = 'lambdaContext';
  if (overrides !== undefined && !isPlainObject(overrides as unknown)) {
    throw optionError(builder, 'options', { expected: 'an object', value: overrides });
  }
  // Options given as undefined take their defaults; a Context field given as undefined is left out.
  const given = Object.fromEntries(Object.entries(overrides ?? {}).filter(([, value]) => value !== undefined)) as LambdaContextOptions;
  const { timeoutMs = 3000, memoryLimitInMB = '128', region = DEFAULT_REGION, accountId = DEFAULT_ACCOUNT_ID, ...fields } = given;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw optionError(builder, 'timeoutMs', { expected: 'a positive number of milliseconds', value: timeoutMs });
  }
  const memory = String(memoryLimitInMB);
  if (!/^\d+$/.test(memory)) {
    throw optionError(builder, 'memoryLimitInMB', { expected: 'a whole number of MB', value: memoryLimitInMB });
  }
  const functionName = fields.functionName ?? 'test-function';
  const functionVersion = fields.functionVersion ?? '$LATEST';
  const deadline = Date.now() + timeoutMs;
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  const context: Context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion,
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: memory,
    awsRequestId: uuid(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[${functionVersion}]${hex(16)}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // Deprecated callbacks of early Node runtimes: accepted and ignored, as the handler's return value decides.
    done: () => {},
    fail: () => {},
    succeed: () => {},
    ...fields,
  };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === undefined) delete (context as unknown as Record<string, unknown>)[key];
  }
  // The fields a handler's middlewares add (records, secrets...) are set by them during the invocation.
  return context as TContext;
}
