/**
 * Size bounds for what a failure writes: an error line (CloudWatch Logs) and a Sentry event.
 *
 * - CloudWatch Logs: a log event is at most 256 KB (PutLogEvents; raised to 1 MB for PutLogEvents in 2025, while
 *   Lambda's own log capture still documents 256 KB): a longer line is cut or lost. An error line is kept under
 *   MAX_ERROR_LINE_BYTES.
 * - Sentry: an event over 1 MB decompressed (or 200 KB compressed) is rejected with 413 (docs.sentry.io, "Size
 *   Limits"); a message over 8192 characters is cut by Sentry. An event is kept under MAX_SENTRY_EVENT_BYTES.
 *
 * A value over its budget keeps its first array items and the start of its long strings in full, and counts what
 * was left out: an array under an object key keeps its first items and gets a sibling `<key>Omitted: <count>`; a
 * long string keeps its start and ends with `… [<n> more characters]`. The cut is the mildest of a fixed series of
 * caps that fits, so the first failures of a batch stay in full.
 */

/** Under CloudWatch Logs' 256 KB per log event, with room for the logger's own keys. */
export const MAX_ERROR_LINE_BYTES = 240 * 1024;
/** The budget of the `error` object of a line (the message and the logger's keys take the rest). */
export const MAX_ERROR_FIELDS_BYTES = 200 * 1024;
/** The longest line `message`: Sentry's own cut of a message, also a readable CloudWatch line. */
export const MAX_MESSAGE_CHARS = 8192;
/** Under Sentry's 200 KB compressed / 1 MB decompressed per event: an event is kept under 200 KB before compression. */
export const MAX_SENTRY_EVENT_BYTES = 200 * 1024;

/** (items kept per array, characters kept per string), mildest first. */
const CAPS: [number, number][] = [
  [200, 16384],
  [100, 8192],
  [50, 4096],
  [20, 2048],
  [10, 1024],
  [5, 512],
  [2, 256],
  [1, 128],
  [0, 64],
];

/** The UTF-8 size of `value` as JSON. */
export const jsonBytes = (value: unknown): number => {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return Infinity;
  }
};

/** A string cut to `chars`, saying how much was left out. */
export const cutString = (text: string, chars: number): string =>
  text.length <= chars ? text : `${text.slice(0, chars)}… [${text.length - chars} more characters]`;

const cut = (value: unknown, items: number, chars: number, seen: Set<object>): unknown => {
  if (typeof value === 'string') return cutString(value, chars);
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const kept = value.slice(0, items).map((v) => cut(v, items, chars, seen));
      if (value.length > items) kept.push(`… [${value.length - items} more items]`);
      return kept;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (Array.isArray(v) && v.length > items) {
        out[k] = v.slice(0, items).map((x) => cut(x, items, chars, seen));
        const key = `${k}Omitted`;
        const already = (value as Record<string, unknown>)[key];
        out[key] = (typeof already === 'number' ? already : 0) + (v.length - items);
      } else if (!(k in out)) {
        out[k] = cut(v, items, chars, seen);
      }
    }
    return out;
  } finally {
    seen.delete(value);
  }
};

/**
 * `value` itself when its JSON fits in `maxBytes`; else a copy cut with the mildest caps that fit (see above), or,
 * when even the harshest caps do not fit, `fallback()` of the size found.
 */
export const fitJson = <T>(value: T, maxBytes: number, fallback: (bytes: number) => T): { value: T; bytes: number; cut: boolean } => {
  const bytes = jsonBytes(value);
  if (bytes <= maxBytes) return { value, bytes, cut: false };
  for (const [items, chars] of CAPS) {
    const candidate = cut(value, items, chars, new Set()) as T;
    const size = jsonBytes(candidate);
    if (size <= maxBytes) return { value: candidate, bytes: size, cut: true };
  }
  const last = fallback(bytes);
  return { value: last, bytes: jsonBytes(last), cut: true };
};
