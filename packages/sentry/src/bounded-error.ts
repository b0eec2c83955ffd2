// What Sentry is given to build an event from: the thrown value itself, or, when it is an AggregateError with more
// members than an event shows, a stand-in that has the first ones only. Sentry's linked errors (ours, and the app's
// `linkedErrorsIntegration`) turn every member into an exception before cutting them, quadratically: 20,000 members
// took 13 s, 100,000 outlived a 60 s timeout. The stand-in keeps the error's class, name, message, stack, cause
// and own properties, and its message says how many members were left out (the one truncation marker).
import { truncationMarker } from '@lambdaware/shared';

/** Members of one AggregateError given to Sentry (as errorLog()'s `maxErrors` default, and more than an event shows). */
export const MAX_SENTRY_MEMBERS = 50;
/** How deep along `cause` and `errors` the stand-in is built (Sentry's linked errors stop at 5). */
const MAX_LINKED_DEPTH = 5;

const membersOf = (error: Error): unknown[] | undefined => {
  const d = Object.getOwnPropertyDescriptor(error, 'errors');
  return d !== undefined && 'value' in d && Array.isArray(d.value) ? (d.value as unknown[]) : undefined;
};

const bounded = (value: unknown, depth: number): unknown => {
  if (!(value instanceof Error) || depth > MAX_LINKED_DEPTH) return value;
  const members = membersOf(value);
  const cause = Object.getOwnPropertyDescriptor(value, 'cause');
  const newCause = cause !== undefined && 'value' in cause ? bounded(cause.value, depth + 1) : undefined;
  const kept = members?.slice(0, MAX_SENTRY_MEMBERS).map((m) => bounded(m, depth + 1));
  const cut = members !== undefined && members.length > MAX_SENTRY_MEMBERS;
  const changedMembers = kept !== undefined && (cut || kept.some((m, i) => m !== members![i]));
  const changedCause = cause !== undefined && 'value' in cause && newCause !== cause.value;
  if (!changedMembers && !changedCause) return value;
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Error;
  for (const key of Reflect.ownKeys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key)!;
    if (key === 'errors' && changedMembers) d.value = kept;
    else if (key === 'cause' && changedCause) d.value = newCause;
    else if (key === 'message' && cut && typeof d.value === 'string')
      d.value = `${d.value}${truncationMarker(members!.length - MAX_SENTRY_MEMBERS, 'members')}`;
    Object.defineProperty(copy, key, d);
  }
  return copy;
};

/** The value Sentry builds the event from: `error` itself unless an AggregateError in it has too many members. */
export const boundedForSentry = (error: unknown): unknown => {
  try {
    return bounded(error, 0);
  } catch {
    return error; // a Proxy or an odd getter: Sentry reads it as it is
  }
};
