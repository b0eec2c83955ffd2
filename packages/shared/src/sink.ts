import { KEYS } from './keys.js';
import { redactString } from './redaction.js';
import { redactDeep } from './redact-deep.js';
import { safeStringify } from './json.js';

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

/** The installed sink, or the stderr fallback. */
export const getLogSink = (): LogSink =>
  ((globalThis as Record<symbol, unknown>)[KEYS.logSink] as LogSink | undefined) ?? stderrSink;

/** One JSON line on stderr: `{ level, message, timestamp, ...fields }`, with registered secrets masked. */
export const stderrSink: LogSink = {
  log(level, message, fields) {
    // masked where the values are, before serializing: the line stays JSON, numbers and keys are never cut
    const line = safeStringify({ level: level.toUpperCase(), message: redactString(message), timestamp: new Date().toISOString(), ...redactDeep(fields) });
    process.stderr.write(`${line}\n`);
  },
};
