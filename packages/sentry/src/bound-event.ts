import { MAX_MESSAGE_CHARS, cutString, fitJson, jsonBytes } from '@lambdaware/shared';

/**
 * The largest event sent, in bytes of JSON before compression: Sentry rejects an event over 1 MB decompressed or
 * 200 KB compressed with 413 (docs.sentry.io, "Size Limits"). The one Sentry size limit (shared has the line's).
 */
export const MAX_SENTRY_EVENT_BYTES = 200 * 1024;

/** Frames kept per exception when an event is too large: Sentry's order puts the crashing frame last. */
const MAX_FRAMES = 100;

type EventLike = {
  message?: unknown;
  exception?: { values?: { value?: unknown; stacktrace?: { frames?: unknown[] } }[] };
  extra?: Record<string, unknown>;
  contexts?: Record<string, unknown>;
  breadcrumbs?: unknown[];
};

/**
 * The event itself when its JSON is under MAX_SENTRY_EVENT_BYTES (200 KB; Sentry rejects events over 200 KB
 * compressed or 1 MB decompressed); else a copy cut to fit: exception messages at MAX_MESSAGE_CHARS (where Sentry cuts
 * them anyway), frames to the last MAX_FRAMES of each exception, then `extra`, `contexts` and `breadcrumbs` cut by
 * shared's `fitJson` (the one truncation marker) (first array items and the start of long strings in full, the rest counted), and as a
 * last resort without them (`extra.lambdaware_truncated` says how large it was).
 */
export const boundEvent = <E extends object>(event: E): E => {
  const original = jsonBytes(event);
  if (original <= MAX_SENTRY_EVENT_BYTES) return event;
  const e = { ...event } as EventLike;
  if (typeof e.message === 'string') e.message = cutString(e.message, MAX_MESSAGE_CHARS);
  if (e.exception?.values) {
    e.exception = {
      ...e.exception,
      values: e.exception.values.map((v) => {
        const frames = v.stacktrace?.frames;
        return {
          ...v,
          ...(typeof v.value === 'string' ? { value: cutString(v.value, MAX_MESSAGE_CHARS) } : {}),
          ...(frames && frames.length > MAX_FRAMES ? { stacktrace: { ...v.stacktrace, frames: frames.slice(-MAX_FRAMES) } } : {}),
        };
      }),
    };
  }
  const { extra, contexts, breadcrumbs, ...rest } = e;
  const budget = MAX_SENTRY_EVENT_BYTES - jsonBytes(rest) - 64;
  const fitted = fitJson({ extra, contexts, breadcrumbs }, Math.max(0, budget), () => ({
    extra: { lambdaware_truncated: `the event was ${original} bytes; its extra data, contexts and breadcrumbs were left out` },
    contexts: undefined,
    breadcrumbs: undefined,
  })).value;
  const out = { ...rest } as EventLike;
  if (fitted.extra !== undefined) out.extra = fitted.extra;
  if (fitted.contexts !== undefined) out.contexts = fitted.contexts;
  if (fitted.breadcrumbs !== undefined) out.breadcrumbs = fitted.breadcrumbs;
  return out as E;
};
