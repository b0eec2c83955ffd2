/**
 * The ONE place where @lambdaware/logger relies on Powertools Logger beyond its documented public API, for a team's
 * own Powertools Logger given to `logContext({ logger })`. lambdaware's own logger (logger.ts) does not use
 * Powertools at run time: it owns its line (types only are imported from Powertools).
 * test/powertools-contract.test.ts fails when the installed Powertools changes any of what is listed here.
 *
 * Public API used elsewhere (not listed): `addContext`, `appendKeys`, `resetKeys`, `clearBuffer`, `flushBuffer`,
 * `setCorrelationId`, `refreshSampleRateCalculation`, the level methods, `getLevelName`, the LogFormatter interface
 * (`formatAttributes`, `formatTimestamp`, `formatError`, `getCodeLocation`) and `LogItem` (`getAttributes`, `setAttributes`).
 *
 * Internals relied on (each behind a function here):
 *  4. `logFormatter`: the private field holding the formatter; a team's own Logger gets its formatter wrapped
 *     (guardLoggerFormatter) so its lines get the depth limit, own keys and structural masking.
 *  5. `logIndentation`: the private field with the JSON indentation (4 with POWERTOOLS_DEV, else 0).
 *  7. `printLog(level, item)` (protected) prints `item` with `console[level name]` (its private `console`: stdout for
 *     trace/debug/info, stderr for warn/error; `error` for critical) after `prepareForPrint()`, serialized with its
 *     protected `getJsonReplacer()`; boundLoggerLines() replaces it on that Logger instance by the same steps with a
 *     bounded serializer.
 *  6. Per-invocation state: temporary keys (`appendKeys`), the Lambda context (`addContext`) and the level are
 *     scoped to the invocation through the InvokeStore when AWS_LAMBDA_MAX_CONCURRENCY is set (Lambda Managed
 *     Instances); lambdaware adds no per-invocation state of its own to that Logger.
 * (1-3, a subclass of Powertools' Logger overriding processLogItem, awsLogLevelShortCircuit and
 * getLogLevelNameFromNumber, are gone: lambdaware's logger no longer extends Powertools.)
 */
import type { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type {
  ConstructorOptions,
  LogAttributes,
  LoggerInterface,
  LogItemExtraInput,
  LogItemMessage,
  UnformattedAttributes,
} from '@aws-lambda-powertools/logger/types';

export type { LogFormatter, LogItem, Logger as PowertoolsLogger };
export type { ConstructorOptions, LogAttributes, LoggerInterface, LogItemExtraInput, LogItemMessage, UnformattedAttributes };

/** Powertools' level names by threshold. */
const LEVEL_NAMES: Record<number, string> = { 6: 'TRACE', 8: 'DEBUG', 12: 'INFO', 16: 'WARN', 20: 'ERROR', 24: 'CRITICAL', 28: 'SILENT' };
const CRITICAL = 24;

/** What a Powertools Logger instance holds in the private fields named above (4, 5). */
interface LoggerInternals {
  logFormatter?: unknown;
  logIndentation?: unknown;
}

/** Marks a formatter installed by guardLoggerFormatter (so a Logger is wrapped once, however many logContext()). */
const GUARD = Symbol.for('lambdaware.logger.guardedFormatter');

/**
 * (4) Wraps the formatter of a Powertools Logger the app configured: `wrap(formatter)` returns the formatter used
 * from now on (which delegates to the one given). Done once per Logger. Returns false when the Logger does not hold
 * a LogFormatter where Powertools keeps it (a Powertools version this adapter does not know; then nothing changes).
 */
export const guardLoggerFormatter = (logger: object, wrap: (inner: LogFormatter) => object): boolean => {
  const internals = logger as LoggerInternals;
  const current = internals.logFormatter;
  if (current === null || typeof current !== 'object' || typeof (current as LogFormatter).formatAttributes !== 'function') {
    return false;
  }
  if ((current as Record<symbol, unknown>)[GUARD] === true) return true;
  const guarded = wrap(current as LogFormatter);
  (guarded as unknown as Record<symbol, unknown>)[GUARD] = true;
  internals.logFormatter = guarded;
  return true;
};

/** Marks a Logger whose printLog() was replaced by boundLoggerLines(). */
const BOUNDED = Symbol.for('lambdaware.logger.boundedLines');

/**
 * (7) A Powertools Logger the app configured prints each line as Powertools does (`prepareForPrint()`, then its
 * console method for the level) but serialized by `serialize(attributes, replacer, indent)` (lambdaware's bounded
 * serializer) with the Logger's own replacer and indentation. Done once per Logger; false when the Logger does not
 * have what this relies on (then nothing changes).
 */
export const boundLoggerLines = (
  logger: object,
  serialize: (attributes: Record<string, unknown>, replacer: (key: string, value: unknown) => unknown, indent: number) => string,
): boolean => {
  const l = logger as Record<PropertyKey, unknown> & LoggerInternals;
  if (l[BOUNDED] === true) return true;
  const cons = (l as { console?: Record<string, unknown> }).console;
  if (typeof l.printLog !== 'function' || typeof l.getJsonReplacer !== 'function' || cons === null || typeof cons !== 'object') {
    return false;
  }
  Object.defineProperty(logger, 'printLog', {
    configurable: true,
    writable: true,
    value: function printLog(this: Record<string, unknown> & LoggerInternals, logLevel: number, log: LogItem): void {
      log.prepareForPrint();
      const method = logLevel === CRITICAL ? 'error' : (LEVEL_NAMES[logLevel] ?? 'INFO').toLowerCase();
      const replacer = (this.getJsonReplacer as () => (key: string, value: unknown) => unknown)();
      const indent = typeof this.logIndentation === 'number' ? this.logIndentation : 0;
      (this.console as Record<string, (line: string) => void>)[method](serialize(log.getAttributes(), replacer, indent));
    },
  });
  l[BOUNDED] = true;
  return true;
};

/** The formatter a Powertools Logger uses (for tests and for the contract test). */
export const formatterOf = (logger: object): unknown => (logger as LoggerInternals).logFormatter;

/** Duck-typed check for a Powertools Logger (any copy of the package: `instanceof` fails across copies). */
export const isPowertoolsLogger = (value: unknown): value is LoggerInterface => {
  if (value === null || typeof value !== 'object') return false;
  const l = value as Record<string, unknown>;
  return ['addContext', 'appendKeys', 'resetKeys', 'info', 'error', 'refreshSampleRateCalculation'].every((m) => typeof l[m] === 'function');
};
