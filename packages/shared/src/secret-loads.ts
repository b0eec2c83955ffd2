import { KEYS } from './keys.js';

/** Secret loads (Secrets Manager fetches) in flight, so that a line written before they settle can wait for them. */
const pending = (): Set<Promise<unknown>> => {
  const g = globalThis as Record<symbol, Set<Promise<unknown>> | undefined>;
  return (g[KEYS.pendingSecrets] ??= new Set());
};

/** Called by @lambdaware/secrets for every load it starts (a prefetch at init, a fetch in `before`). */
export const trackSecretLoad = (load: Promise<unknown>): void => {
  const set = pending();
  set.add(load);
  const done = (): void => {
    set.delete(load);
  };
  load.then(done, done);
};

/**
 * A promise that settles (never rejects) when every secret load started so far has settled, or `undefined` when none
 * is in flight. A writer that may print secret values (the logger's event line) awaits it, bounded by the
 * invocation's remaining time, before it writes.
 */
export const pendingSecrets = (): Promise<void> | undefined => {
  const set = pending();
  if (set.size === 0) return undefined;
  return Promise.allSettled([...set]).then(() => undefined);
};
