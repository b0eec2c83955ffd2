import type { Context } from 'aws-lambda';
import { lambdaContext, type LambdaContextOptions } from './context.js';
import { EventBuildError } from './util.js';
import { describeValue } from '@lambdaware/shared';

/** Any Lambda handler, a Middy one included: `(event, context) => result`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyHandler = (event: any, context: any, ...rest: any[]) => unknown;

/** The event type a handler takes (for a Middy handler, the last call signature: `(event, context) => Promise`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HandlerEvent<H extends AnyHandler> = H extends (event: infer E, context: any) => unknown ? E : Parameters<H>[0];
/** The context type a handler takes: for a Middy handler, `Context` and the fields its middlewares add. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HandlerContext<H extends AnyHandler> = H extends (event: any, context: infer C) => unknown ? C : Parameters<H>[1];
/** What awaiting the handler gives. */
export type HandlerResult<H extends AnyHandler> = Awaited<ReturnType<H>>;

const isContext = (value: unknown): value is Context =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Context).getRemainingTimeInMillis === 'function' &&
  typeof (value as Context).awsRequestId === 'string';

/**
 * Calls `handler(event, context)` as Lambda would, typed from the handler: the event must be what the handler takes,
 * and the result is what it returns. `context` is a Lambda context (`lambdaContext(...)`, also one made earlier and
 * kept in a variable, typed plain `Context`) or options for a new one (default `lambdaContext()`); the fields the
 * handler's middlewares add (`records`, `secrets`...) are theirs to set.
 *
 * @example expect(await invoke(handler, sqsEvent([{ message: 'blue' }]))).toBe('blue')
 * @example const context = lambdaContext({ timeoutMs: 10_000 }); await invoke(handler, event, context);
 */
export async function invoke<H extends AnyHandler>(
  handler: H,
  event: HandlerEvent<H>,
  context: Context | LambdaContextOptions = {},
): Promise<HandlerResult<H>> {
  if (typeof handler !== 'function') throw new EventBuildError(`invoke: handler must be a function, got ${describeValue(handler)}`);
  const lambda = isContext(context) ? context : lambdaContext(context);
  return (await handler(event, lambda as HandlerContext<H>)) as HandlerResult<H>;
}
