import middy from '@middy/core';
import { logger } from '@lambdaware/logger';
import { newError, wrapError } from '@lambdaware/errors';
import { lambdaware } from '@lambdaware/preset';

export interface ChargeEvent {
  orderId?: string;
  amount?: number;
  /** Simulates a slow payment provider (awaited): Middy stops the invocation 500 ms before the deadline. */
  delayMs?: number;
  /** Simulates CPU-bound work that blocks the event loop: nothing can run, Lambda's own timeout ends it. */
  spinMs?: number;
}

/** How long before the deadline Middy aborts a handler still waiting (TimeoutError), so it is logged and reported. */
export const TIMEOUT_EARLY_MS = 500;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A payment provider that declines every card: the error carries the values needed to understand why. */
export const chargeCard = async (orderId: string, amount: number, delayMs = 0, spinMs = 0): Promise<never> => {
  if (delayMs > 0) await sleep(delayMs);
  for (const end = Date.now() + spinMs; Date.now() < end; ); // a synchronous loop: no timer can fire meanwhile
  throw newError('card declined').with('orderId', orderId).with('amount', amount).with('declineCode', 'insufficient_funds');
};

/**
 * Charges an order and fails: the invocation fails with the LambdaError (Lambda's `{errorType, errorMessage,
 * trace}`), Sentry gets one event (when SENTRY_DSN is set), and the log has one JSON error line with the message,
 * the values of the whole cause chain, the stack frames (at the TypeScript lines with source maps on) and the
 * Sentry event id, next to the request id.
 *
 * Timeouts: a handler still awaiting 500 ms before the deadline is aborted by Middy with a TimeoutError, which is
 * logged and reported like any failure; a handler blocking the event loop cannot be aborted and Lambda reports
 * `Task timed out after N seconds` (no error line: the process is stopped).
 */
export const handler = middy<ChargeEvent>({ timeoutEarlyInMillis: TIMEOUT_EARLY_MS })
  .use(lambdaware({ records: false }))
  .handler(async (event) => {
    const orderId = event.orderId ?? 'o-1001';
    const amount = event.amount ?? 42.5;
    logger.set('orderId', orderId);
    logger.info('charging the order', { amount });
    try {
      return await chargeCard(orderId, amount, event.delayMs, event.spinMs);
    } catch (e) {
      throw wrapError(e, 'charging the order failed').with('step', 'charge').with('attempt', 1);
    }
  });
