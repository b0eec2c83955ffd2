import { KEYS } from './keys.js';
import { safeStringify } from './json.js';
import { redactJsonText } from './redact-json.js';
import type { LogSink } from './sink.js';

/**
 * getLogSink() for a bundle that must stay small (@lambdaware/records' per-source entry points, ≤ 20 KB): the
 * installed sink (the logger's) as getLogSink() gives it, else a stderr fallback writing the same line,
 * `{ level, message, timestamp, ...fields }`, masked once serialized (redactJsonText: every registered secret, the text
 * still JSON) where getLogSink()'s fallback masks the values before (redactDeep, whose walk is 4.6 KB of a bundle).
 */
export const getLightLogSink = (): LogSink => ((globalThis as Record<symbol, unknown>)[KEYS.logSink] as LogSink | undefined) ?? lightStderrSink;

const lightStderrSink: LogSink = {
  log(level, message, fields) {
    process.stderr.write(`${redactJsonText(safeStringify({ level: level.toUpperCase(), message, timestamp: new Date().toISOString(), ...fields }))}\n`);
  },
};
