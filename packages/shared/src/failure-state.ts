import { KEYS } from './keys.js';

/**
 * The failure's state, one object on the Middy request under `KEYS.failure` (the only carrier of the Sentry event id
 * of a failure). @lambdaware/errors writes the failure's error line from it; @lambdaware/sentry sets the event id
 * and, when the line must not wait for Sentry (near the deadline), has the line written before it sends the event.
 * - `eventId`: the id of the failure's Sentry event (made before the event is sent); the line's `error.sentryEventID`.
 * - `line`: who writes the failure's error line. `'unclaimed'` (the start), `'errorLog'` (errorLog()'s `before` ran:
 *   it writes it), `'written'` (written: no second line for this failure).
 * - `writeLine`: the claimed writer (errorLog()'s, with its options), so that the line written early is its line.
 */
export interface FailureState {
  eventId: string | undefined;
  line: 'unclaimed' | 'errorLog' | 'written';
  writeLine?: (request: object) => void;
}

/** The failure's state of this request (created on first use). */
export const failureOf = (request: object): FailureState => {
  const r = request as Record<symbol, FailureState | undefined>;
  let state = r[KEYS.failure];
  if (state === undefined || state === null || typeof state !== 'object') {
    state = { eventId: undefined, line: 'unclaimed' };
    r[KEYS.failure] = state;
  }
  return state;
};
