/**
 * The ONE place where @lambdaware/logger relies on Powertools Logger beyond its documented public API.
 * test/powertools-contract.test.ts fails when the installed Powertools changes any of what is listed here.
 *
 * Public API used elsewhere (not listed): `new Logger(options)`, `addContext`, `appendKeys`, `resetKeys`,
 * `clearBuffer`, `refreshSampleRateCalculation`, `setLogLevel`, `level`, the level methods, a custom `LogFormatter`
 * (`formatAttributes`, `formatTimestamp`, `formatError`), `LogItem`, `createLogger` (the documented subclass hook).
 *
 * Internals relied on (each behind a function or class member here):
 *  1. `processLogItem(level, input, extra)`, `createAndPopulateLogItem(level, input, extra)` and
 *     `printLog(level, logItem)`: protected methods; a line is built by the second and written by the third.
 *  2. `awsLogLevelShortCircuit(level)`: private; returning false lets the level resolved by lambdaware (code first,
 *     then AWS_LAMBDA_LOG_LEVEL, LOG_LEVEL, POWERTOOLS_LOG_LEVEL, in any letter case) be the level, instead of
 *     Powertools' own AWS_LAMBDA_LOG_LEVEL (upper case only) overriding every level given in code.
 *  3. `getLogLevelNameFromNumber(n)`: private; replaced by a table lookup (Powertools walks its table per line).
 *  4. `logFormatter`: the private field holding the formatter; a team's own Logger gets its formatter wrapped
 *     (guardLoggerFormatter) so its lines get the depth limit, own keys and structural masking.
 *  5. `logIndentation`: the private field with the JSON indentation (4 with POWERTOOLS_DEV, else 0).
 *  7. A team's own Logger: `printLog(level, item)` (protected) prints `item` with `console[level name]` (its private
 *     `console`: stdout for trace/debug/info, stderr for warn/error; `error` for critical) after `prepareForPrint()`;
 *     boundLoggerLines() replaces it on that Logger instance by the same steps with a bounded serializer.
 *  6. Per-invocation state: temporary keys (`appendKeys`), the Lambda context (`addContext`) and the level are
 *     scoped to the invocation through the InvokeStore when AWS_LAMBDA_MAX_CONCURRENCY is set (Lambda Managed
 *     Instances); lambdaware adds no per-invocation state of its own.
 */
import { LogFormatter, LogItem, Logger, LogLevelThreshold } from '@aws-lambda-powertools/logger';
import type {
  ConstructorOptions,
  LogAttributes,
  LoggerInterface,
  LogItemExtraInput,
  LogItemMessage,
  UnformattedAttributes,
} from '@aws-lambda-powertools/logger/types';

export { LogFormatter, LogItem, Logger as PowertoolsLogger, LogLevelThreshold };
export type { ConstructorOptions, LogAttributes, LoggerInterface, LogItemExtraInput, LogItemMessage, UnformattedAttributes };

/** Powertools' level names by threshold. */
const LEVEL_NAMES: Record<number, string> = Object.fromEntries(Object.entries(LogLevelThreshold).map(([k, v]) => [v, k]));

/** What a Powertools Logger instance holds in the private fields named above (4, 5). */
interface LoggerInternals {
  logFormatter?: unknown;
  logIndentation?: unknown;
}

/**
 * A Powertools Logger whose level is the one given to its constructor (AWS_LAMBDA_LOG_LEVEL is resolved by the
 * subclass), whose lines at or above the level are built and handed to `writeItem()` at once when no log buffer is
 * configured, and whose level names come from a table.
 */
export abstract class AdaptedLogger extends Logger {
  // Plain (not #private) fields: Powertools' constructor calls the methods below before these fields exist
  // (lines written while it configures itself), and reading a missing #private field throws.
  /** False (undefined) while Powertools' constructor runs: lines written then take Powertools' own path. */
  private readonly adapterReady: boolean = true;
  /** True when the Powertools log buffer is configured: every line takes Powertools' path (it may buffer it). */
  private readonly adapterBuffered: boolean;

  constructor(options: ConstructorOptions) {
    super(options);
    const buffer = (options as { logBufferOptions?: { enabled?: boolean } }).logBufferOptions;
    this.adapterBuffered = buffer !== undefined && buffer.enabled !== false;
  }

  /** One line built by Powertools (level, keys, fields) and formatted by the logger's formatter: write it. */
  protected abstract writeItem(logLevel: number, item: LogItem): void;

  /** A line below the level costs one comparison; at the level it is built and written at once. */
  protected override processLogItem(logLevel: number, input: LogItemMessage, extraInput: LogItemExtraInput): void {
    if (logLevel < this.level) return;
    if (this.adapterReady && !this.adapterBuffered) this.writeItem(logLevel, this.createAndPopulateLogItem(logLevel, input, extraInput));
    else super.processLogItem(logLevel, input, extraInput);
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    this.writeItem(logLevel, log);
  }

  /** The JSON indentation Powertools chose (4 with POWERTOOLS_DEV, else 0). */
  protected indentation(): number {
    const n = (this as unknown as LoggerInternals).logIndentation;
    return typeof n === 'number' ? n : 0;
  }
}

// (2) and (3): private in Powertools' typings, so defined on this subclass' prototype (Powertools' own is untouched).
Object.defineProperty(AdaptedLogger.prototype, 'awsLogLevelShortCircuit', {
  configurable: true,
  writable: true,
  value: function awsLogLevelShortCircuit(): boolean {
    return false;
  },
});
Object.defineProperty(AdaptedLogger.prototype, 'getLogLevelNameFromNumber', {
  configurable: true,
  writable: true,
  value: function getLogLevelNameFromNumber(logLevel: number): string | undefined {
    return LEVEL_NAMES[logLevel];
  },
});

/** Marks a formatter installed by guardLoggerFormatter (so a Logger is wrapped once, however many logContext()). */
const GUARD = Symbol.for('lambdaware.logger.guardedFormatter');

/**
 * (4) Wraps the formatter of a Powertools Logger the app configured: `wrap(formatter)` returns the formatter used
 * from now on (which delegates to the one given). Done once per Logger. Returns false when the Logger does not hold
 * a LogFormatter where Powertools keeps it (a Powertools version this adapter does not know; then nothing changes).
 */
export const guardLoggerFormatter = (logger: object, wrap: (inner: LogFormatter) => LogFormatter): boolean => {
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
      const method = logLevel === LogLevelThreshold.CRITICAL ? 'error' : (LEVEL_NAMES[logLevel] ?? 'INFO').toLowerCase();
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
  return ['addContext', 'appendKeys', 'resetKeys', 'info', 'error', 'refreshSampleRateCalculation'].every(
    (m) => typeof l[m] === 'function',
  );
};
