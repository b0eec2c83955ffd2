import { KEYS } from './keys.js';

/** The values attached to one error alone (`error[KEYS.errorValues]`), or undefined. */
export const ownErrorValues = (error: unknown): Record<string, unknown> | undefined => {
  if (error === null || (typeof error !== 'object' && typeof error !== 'function')) return undefined;
  const values = (error as Record<symbol, unknown>)[KEYS.errorValues];
  return values !== null && typeof values === 'object' ? (values as Record<string, unknown>) : undefined;
};

/**
 * The values of a whole cause chain merged into one object, the outer error winning on the same key
 * (golambda's `Values()`). Walks `cause` with a cycle guard; errors without values are skipped.
 */
export const collectErrorValues = (error: unknown): Record<string, unknown> => {
  const chain: Record<string, unknown>[] = [];
  const seen = new Set<unknown>();
  for (let e: unknown = error; e !== null && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const own = ownErrorValues(e);
    if (own !== undefined) chain.push(own);
  }
  const merged: Record<string, unknown> = {};
  for (let i = chain.length - 1; i >= 0; i--) Object.assign(merged, chain[i]);
  return merged;
};
