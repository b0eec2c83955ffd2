/**
 * The one size bound of lambdaware: every line, error object and event any package writes is cut here, with one
 * truncation marker, `…[truncated: <n> <unit>]` (unit: characters, items or bytes), so a cut is found with one query.
 *
 * The limits it serves:
 * - CloudWatch Logs keeps a log event whole up to 256 KB (Lambda's log capture; PutLogEvents now documents 1 MB):
 *   MAX_LINE_BYTES is that, less a margin, for every line of every package.
 * - MAX_MESSAGE_CHARS: the longest `message` of a line (Sentry cuts a message at 8192 characters too).
 * (The Sentry event limit lives in @lambdaware/sentry, the only package that builds Sentry events.)
 *
 * A value over its budget keeps its first array items and the start of its long strings in full, and counts what
 * was left out; the cut is the mildest of a fixed series of caps that fits, so the first items of a batch stay whole.
 */

/** The largest line any package writes, in UTF-8 bytes: under CloudWatch Logs' 256 KB per log event. */
export const MAX_LINE_BYTES = 255 * 1024;
/** The longest `message` of a line, in characters. */
export const MAX_MESSAGE_CHARS = 8192;

/** The one truncation marker: what follows the kept start of a cut value. */
export const truncationMarker = (count: number, unit: 'characters' | 'items' | 'bytes' | 'members' | 'causes'): string => `…[truncated: ${count} ${unit}]`;

/** The UTF-8 size of a string, without allocating a Buffer for the common short ASCII case. */
export const utf8Length = (text: string): number => (text.length < 64 && /^[\x00-\x7f]*$/.test(text) ? text.length : Buffer.byteLength(text));

/** The UTF-8 size of `value` as JSON (Infinity when it cannot be serialized). */
export const jsonBytes = (value: unknown): number => {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return Infinity;
  }
};

/** A string cut to `chars` characters (never inside a surrogate pair), ending with the marker of what was left out. */
export const cutString = (text: string, chars: number): string => {
  if (text.length <= chars) return text;
  let end = Math.max(0, chars);
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${text.slice(0, end)}${truncationMarker(text.length - end, 'characters')}`;
};

/**
 * A text cut so its UTF-8 size fits `maxBytes` (marker included): for a serialized value too large to keep whole,
 * e.g. a field's JSON. Returns `text` itself when it fits.
 */
export const cutToBytes = (text: string, maxBytes: number): string => {
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return text;
  const marker = truncationMarker(bytes, 'bytes');
  // every UTF-16 unit is at most 3 UTF-8 bytes: this many characters always fit
  let end = Math.max(0, Math.floor((maxBytes - marker.length - 3) / 3));
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${text.slice(0, end)}${marker}`;
};

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

const cut = (value: unknown, items: number, chars: number, seen: Set<object>): unknown => {
  if (typeof value === 'string') return cutString(value, chars);
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const kept = value.slice(0, items).map((v) => cut(v, items, chars, seen));
      if (value.length > items) kept.push(truncationMarker(value.length - items, 'items'));
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
 * `value` itself when its JSON fits in `maxBytes`; else a copy cut with the mildest caps that fit (see above): an
 * array under an object key keeps its first items and gets a sibling `<key>Omitted: <count>`, an array elsewhere
 * ends with the marker, a long string keeps its start and ends with the marker. When even the harshest caps do not
 * fit, `fallback()` of the size found.
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
