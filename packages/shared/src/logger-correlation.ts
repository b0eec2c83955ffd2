/**
 * The invocation's correlation id on the Middy request: written by @lambdaware/logger's logContext({ correlationIdPath }),
 * read by whoever reports the failure (the Sentry middleware: a tag of the event). Cooperation through a well-known
 * key, not an import; `Symbol.for` so two copies of a package agree.
 */
import { KEYS } from './keys.js';

const CORRELATION_ID = KEYS.correlationId;

export const setCorrelationIdOf = (request: object, id: string | undefined): void => {
  (request as Record<symbol, unknown>)[CORRELATION_ID] = id;
};

/** The correlation id logContext() found for this request's invocation, or undefined. Never throws. */
export const correlationIdOf = (request: object | undefined): string | undefined => {
  const id = request ? (request as Record<symbol, unknown>)[CORRELATION_ID] : undefined;
  return typeof id === 'string' ? id : undefined;
};
