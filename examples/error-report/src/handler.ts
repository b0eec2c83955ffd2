import middy from '@middy/core';
import { logger } from '@lambdaware/logger';
import { newError, wrapError } from '@lambdaware/errors';
import { lambdaware } from '@lambdaware/preset';

export interface ChargeEvent {
  orderId?: string;
  amount?: number;
  /** Simulates a slow payment provider: the charge takes this long (to see a timeout). */
  delayMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A payment provider that declines every card: the error carries the values needed to understand why. */
export const chargeCard = async (orderId: string, amount: number, delayMs: number): Promise<never> => {
  if (delayMs > 0) await sleep(delayMs);
  throw newError('card declined').with('orderId', orderId).with('amount', amount).with('declineCode', 'insufficient_funds');
};

/**
 * Charges an order and fails: the invocation fails with the LambdaError (Lambda's `{errorType, errorMessage,
 * trace}`), Sentry gets one event (when SENTRY_DSN is set), and the log has one JSON error line with the message,
 * the values of the whole cause chain, the stack frames (at the TypeScript lines with source maps on) and the
 * Sentry event id, next to the request id.
 */
export const handler = middy<ChargeEvent>()
  .use(lambdaware({ records: false }))
  .handler(async (event) => {
    const orderId = event.orderId ?? 'o-1001';
    const amount = event.amount ?? 42.5;
    logger.set('orderId', orderId);
    logger.info('charging the order', { amount });
    try {
      return await chargeCard(orderId, amount, event.delayMs ?? 0);
    } catch (e) {
      throw wrapError(e, 'charging the order failed').with('step', 'charge').with('attempt', 1);
    }
  });
