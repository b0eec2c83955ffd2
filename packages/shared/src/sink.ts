import { KEYS } from './keys.js';
import { redactString } from './redaction.js';
import { redactJsonText } from './redact-json.js';
import { safeStringify } from './json.js';
import { MAX_LINE_BYTES, MAX_MESSAGE_CHARS, cutString, cutToBytes, fitJson, truncationMarker } from './bound.js';
import { safeString } from './describe.js';

export type SinkLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Where lambdaware packages that do not own logging (errors, sentry, secrets) write a line.
 * @lambdaware/logger installs itself as the sink, so these lines carry the invocation's context keys and follow
 * LOG_LEVEL; without it the fallback writes one JSON line to stderr (redacted).
 */
export interface LogSink {
  /**
   * One line. `detail.error`: the thrown value itself, when the line is a failure's error line (errors'
   * writeErrorLine passes it), so a sink that writes its own error shape (a team's Powertools Logger, which writes
   * `error.{name,location,message,stack}`) can; `fields.error` holds lambdaware's serialized shape.
   */
  log(level: SinkLevel, message: string, fields?: Record<string, unknown>, detail?: SinkDetail): void;
}

/** What a line is about, beyond its fields (see LogSink.log). */
export interface SinkDetail {
  error?: unknown;
}

export const setLogSink = (sink: LogSink | undefined): void => {
  (globalThis as Record<symbol, unknown>)[KEYS.logSink] = sink;
};

/** The installed sink (the logger's), or the stderr fallback: the one fallback of every package. */
export const getLogSink = (): LogSink => ((globalThis as Record<symbol, unknown>)[KEYS.logSink] as LogSink | undefined) ?? stderrSink;

/** The keys the fallback line owns: a field of the same name is written as `field_<key>`. */
const OWN = new Set(['level', 'message', 'timestamp']);

/** The fields, masked and bounded to the line's budget; never a throw (a value that cannot be read is noted). */
const fallbackFields = (fields: Record<string, unknown> | undefined, budget: number): Record<string, unknown> => {
  if (fields === undefined) return {};
  try {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(fields)) out[OWN.has(key) ? `field_${key}` : key] = fields[key];
    // masked in its JSON text (every registered secret, the text still JSON), read back so the cut below never
    // keeps half a secret; no value walk here, so a bundle that only writes through the sink stays small
    const masked = JSON.parse(redactJsonText(safeStringify(out))) as Record<string, unknown>;
    return fitJson(masked, budget, (bytes) => ({ fields_truncated: truncationMarker(bytes, 'bytes') })).value;
  } catch (e) {
    return { fields_unreadable: safeString(e) };
  }
};

/**
 * One JSON line on stderr: `{ level, message, timestamp, ...fields }`, with registered secrets masked (before
 * serializing: the line stays JSON, numbers and keys are never cut), the line's own keys never taken from `fields`
 * (`field_<key>`), the message cut at MAX_MESSAGE_CHARS and the line under MAX_LINE_BYTES. Never throws.
 */
export const stderrSink: LogSink = {
  log(level, message, fields) {
    const head = {
      level: String(level).toUpperCase(),
      message: cutString(redactString(typeof message === 'string' ? message : safeString(message)), MAX_MESSAGE_CHARS),
      timestamp: new Date().toISOString(),
    };
    const line = safeStringify({ ...head, ...fallbackFields(fields, MAX_LINE_BYTES - 1024 - Buffer.byteLength(JSON.stringify(head))) });
    process.stderr.write(`${cutToBytes(line, MAX_LINE_BYTES) === line ? line : safeStringify({ ...head, line_truncated: Buffer.byteLength(line) })}\n`);
  },
};
