/**
 * Secret loads given up but still in flight. A request that went unanswered a whole invocation long is given up:
 * `pendingSecrets()` leaves it out, so no later line waits for it (a hung prefetch never costs a later invocation
 * its time). Until it settles (at its own bound) its late answer may still register a secret, so a line that may
 * print one (the logger's event line) withholds what it would print meanwhile, without waiting.
 */
import { KEYS } from './keys.js';

const givenUp = (): Set<Promise<unknown>> => {
  const g = globalThis as Record<symbol, Set<Promise<unknown>> | undefined>;
  return (g[KEYS.givenUpSecretLoads] ??= new Set());
};

/** Called by @lambdaware/secrets when it stops waiting for a load still in flight (it settles at its own bound). */
export const giveUpSecretLoad = (load: Promise<unknown>): void => {
  const set = givenUp();
  set.add(load);
  const done = (): void => {
    set.delete(load);
  };
  load.then(done, done);
};

/** Whether a given-up secret load is still in flight (its answer may yet register a secret). */
export const secretLoadsGivenUp = (): boolean => givenUp().size > 0;
