import { MAX_LINE_BYTES, MAX_MESSAGE_CHARS, cutString, cutToBytes, utf8Length } from '@lambdaware/shared';
import { BASE_KEYS, putOwn, toJsonData } from './line.js';

/** The size bound of a line: @lambdaware/shared's MAX_LINE_BYTES, MAX_MESSAGE_CHARS and its one truncation marker. */

/** True when `line` (a serialized line) is over MAX_LINE_BYTES. Cheap for most lines (length * 3 bounds the bytes). */
export const isOversize = (line: string): boolean => line.length * 3 > MAX_LINE_BYTES && utf8Length(line) > MAX_LINE_BYTES;

/**
 * An oversize line made to fit: the line's own keys stay; a message over MAX_MESSAGE_CHARS is cut (cutString); then
 * the largest fields, one after another, are replaced by the start of their JSON cut with the shared marker
 * (cutToBytes: `…[truncated: N bytes]`), until the line is under MAX_LINE_BYTES. The line gets
 * `"line_truncated": <original size in bytes>`. When that is not enough (thousands of small fields), the fields that
 * fit are kept in order and the line says how many were left out (`fields_omitted`). Always valid JSON.
 */
export const shrinkLine = (attributes: Record<string, unknown>, serialize: (value: unknown) => string, originalBytes: number): string => {
  const out: Record<string, unknown> = {};
  const fields: { key: string; value: unknown; json: string; bytes: number }[] = [];
  for (const key of Object.keys(attributes)) {
    const v = attributes[key];
    if (key === 'message' && typeof v === 'string') {
      putOwn(out, key, cutString(v, MAX_MESSAGE_CHARS));
      continue;
    }
    putOwn(out, key, v);
    if (BASE_KEYS.has(key)) continue;
    const json = serialize(v);
    fields.push({ key, value: v, json, bytes: utf8Length(json) });
  }
  out.line_truncated = originalBytes;
  let total = utf8Length(serialize(out));
  for (const f of [...fields].sort((a, b) => b.bytes - a.bytes)) {
    if (total <= MAX_LINE_BYTES) break;
    // A byte of the cut JSON takes up to 2 once escaped again in the line (a quote, a backslash): half the room.
    const room = Math.max(0, Math.floor((MAX_LINE_BYTES - (total - f.bytes) - 64) / 2));
    const cut = cutToBytes(f.json, room);
    const cutBytes = utf8Length(JSON.stringify(cut));
    if (cutBytes >= f.bytes) continue; // a small field: cutting it does not help
    putOwn(out, f.key, cut);
    total += cutBytes - f.bytes;
  }
  let line = serialize(out);
  if (utf8Length(line) <= MAX_LINE_BYTES) return line;
  // Still over: the fields that fit, in their order; the others left out and counted.
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(out)) if (BASE_KEYS.has(key)) putOwn(kept, key, out[key]);
  let budget = MAX_LINE_BYTES - utf8Length(serialize(kept)) - 64;
  let omitted = 0;
  for (const f of fields) {
    const v = out[f.key];
    const bytes = v === f.value ? f.bytes : utf8Length(JSON.stringify(v));
    const cost = bytes + utf8Length(JSON.stringify(f.key)) + 2;
    if (cost <= budget) {
      putOwn(kept, f.key, v);
      budget -= cost;
    } else omitted += 1;
  }
  kept.fields_omitted = omitted;
  line = serialize(kept);
  if (utf8Length(line) <= MAX_LINE_BYTES) return line;
  // Indentation made the estimate too small: the line's own keys and the count alone.
  const bare: Record<string, unknown> = {};
  for (const key of Object.keys(kept)) if (BASE_KEYS.has(key)) putOwn(bare, key, kept[key]);
  bare.fields_omitted = fields.length;
  return serialize(bare);
};

/**
 * A line's JSON text: `JSON.stringify(attributes, replacer, indent)`, never a throw (a replacer that throws: the line
 * is written without it), never over MAX_LINE_BYTES (shrinkLine()).
 */
export const serializeLine = (
  attributes: Record<string, unknown>,
  replacer: ((key: string, value: unknown) => unknown) | undefined,
  indent: number,
): string => {
  let line: string;
  let stringify = (value: unknown): string => JSON.stringify(value, replacer, indent) ?? 'null';
  try {
    line = stringify(attributes);
  } catch {
    stringify = (value: unknown): string => JSON.stringify(toJsonData(value), null, indent) ?? 'null';
    line = stringify(attributes);
  }
  if (!isOversize(line)) return line;
  const compact = (value: unknown): string => {
    try {
      return JSON.stringify(value, replacer) ?? 'null';
    } catch {
      return JSON.stringify(toJsonData(value)) ?? 'null';
    }
  };
  return shrinkLine(attributes, compact, utf8Length(line));
};
