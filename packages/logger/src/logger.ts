import type { Context } from 'aws-lambda';
import { type OptionRule, describeValue, is } from '@lambdaware/shared';
import { loggerChecker } from './errors.js';
import { GuardedFormatter, InvocationField, LambdaLogFormatter, OwnFields } from './formatter.js';
import { type LogLevel, levelFromEnv, levelOrThrow } from './levels.js';
import { serializeLine } from './line.js';
import {
  AdaptedLogger,
  type ConstructorOptions,
  type LogFormatter,
  type LogItem,
  type LogItemExtraInput,
  type LogItemMessage,
  type PowertoolsLogger,
} from './powertools-adapter.js';

/**
 * Options of createLogger(): lambdaware's `level` (any letter case, `fatal` = `critical`) and every option of
 * Powertools' `new Logger()` (`logLevel`, `serviceName`, `environment`, `sampleRateValue`, `persistentKeys`,
 * `logFormatter`, `logRecordOrder`, `jsonReplacerFn`, `logBufferOptions`, `correlationIdSearchFn`, …).
 */
export type LoggerOptions = ConstructorOptions & {
  /** The level, in any letter case (`fatal` = `critical`). Default: from AWS_LAMBDA_LOG_LEVEL, LOG_LEVEL, POWERTOOLS_LOG_LEVEL, else `info`. Same as `logLevel`. */
  level?: string;
};

/** The options createLogger() knows: lambdaware's `level`, then Powertools' constructor options. */
const LOGGER_OPTIONS = [
  'level',
  'logLevel',
  'serviceName',
  'environment',
  'persistentKeys',
  'persistentLogAttributes',
  'sampleRateValue',
  'logFormatter',
  'logRecordOrder',
  'jsonReplacerFn',
  'logBufferOptions',
  'correlationIdSearchFn',
  'customConfigService',
] as const;

/** The methods that write one line, from most to least verbose. */
type LineMethod = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'critical';

const THRESHOLD: Record<LogLevel, number> = { trace: 6, debug: 8, info: 12, warn: 16, error: 20, critical: 24, silent: 28 };

const hasOwnProto = (v: unknown): boolean => v !== null && typeof v === 'object' && Object.hasOwn(v, '__proto__');

/**
 * A Powertools Logger with the lambdaware additions: LOG_LEVEL in any letter case, `with()` fields for one line,
 * `set()` fields for the rest of the invocation, lines that never throw (depth limit, circular references, BigInt,
 * Errors, Buffers, Maps, Sets), own keys only, registered secrets masked structurally, every line bounded in size
 * (MAX_LINE_BYTES) and on stdout.
 */
export class LambdaLogger extends AdaptedLogger {
  // Plain fields, read by methods Powertools' constructor may already call (undefined then).
  /** Whether appendKeys() (so set(), setCorrelationId(), …) may have added keys since the last clearInvocation(). */
  private keysAdded = true;
  /** The formatter, to refresh its time zone per invocation. */
  private readonly lineFormatter: LogFormatter;
  /** A `jsonReplacerFn` was given: lines are serialized through Powertools' replacer (which calls it). */
  private readonly customReplacer: boolean;
  /** A sample rate is configured: logContext() asks Powertools for a new sampling decision per invocation. */
  readonly sampling: boolean;

  constructor(options: LoggerOptions = {}) {
    validateLoggerOptions(options);
    const warnings: string[] = [];
    const given = options.level ?? options.logLevel;
    const level =
      given !== undefined
        ? levelOrThrow(given, createLoggerOptions, options.level !== undefined ? 'level' : 'logLevel')
        : levelFromEnv(process.env, (m) => warnings.push(m));
    const { level: _level, logFormatter, logRecordOrder, ...powertools } = options as LoggerOptions & { logRecordOrder?: string[] };
    const formatter =
      logFormatter !== undefined
        ? new GuardedFormatter(logFormatter, options.jsonReplacerFn !== undefined)
        : new LambdaLogFormatter(logRecordOrder);
    super({
      ...(powertools as Record<string, unknown>),
      logLevel: level.toUpperCase() as Uppercase<LogLevel>,
      // Powertools' own default is the literal 'service_undefined'; the function's name says more.
      serviceName:
        options.serviceName ??
        (process.env.POWERTOOLS_SERVICE_NAME ? undefined : process.env.AWS_LAMBDA_FUNCTION_NAME || undefined),
      logFormatter: formatter,
    } as ConstructorOptions);
    this.lineFormatter = formatter;
    this.customReplacer = options.jsonReplacerFn !== undefined;
    const rate = options.sampleRateValue ?? Number(process.env.POWERTOOLS_LOGGER_SAMPLE_RATE ?? 0);
    this.sampling = typeof rate === 'number' && rate > 0 && rate <= 1;
    for (const w of warnings) this.warn(w);
  }

/** A line-only field: `logger.with('user', id).with('n', 2).info('hello')`. The logger itself is not changed. */
  with(key: string, value: unknown): LogEntry {
    return new LogEntry(this, { [key]: value });
  }

  /** A field on every later line of this invocation (cleared by logContext() at the start and end of each). */
  set(key: string, value: unknown): void {
    this.appendKeys({ [key]: new InvocationField(value) });
  }

  /** Sets the level in code (any letter case, `fatal` = `critical`); it wins over the environment. */
  setLevel(level: string): void {
    super.setLogLevel(levelOrThrow(level, setLevelOptions, 'level').toUpperCase() as Uppercase<LogLevel>);
  }

  /** Powertools' setLogLevel, accepting any letter case and `fatal`. */
  override setLogLevel(level: Parameters<PowertoolsLogger['setLogLevel']>[0]): void {
    this.setLevel(level);
  }

  /** The level in effect, lower case. */
  getLevel(): LogLevel {
    return this.getLevelName().toLowerCase() as LogLevel;
  }

  /** True when a line at `level` would be written. */
  isLevelEnabled(level: Exclude<LogLevel, 'silent'>): boolean {
    return THRESHOLD[level] >= this.level;
  }

  /** Powertools' appendKeys(), noting that clearInvocation() has keys to reset. */
  override appendKeys(attributes: Parameters<PowertoolsLogger['appendKeys']>[0]): void {
    this.keysAdded = true;
    super.appendKeys(attributes);
  }

  /** Clears everything `set()` (and Powertools' `appendKeys()`) added: the end of an invocation. */
  clearInvocation(): void {
    // Every temporary key arrives through appendKeys(); with none added since the last reset there is nothing to
    // clear (resetting an empty set reads process.env three times).
    if (this.keysAdded) {
      this.keysAdded = false;
      this.resetKeys();
    }
    this.clearBuffer();
    if (this.lineFormatter instanceof LambdaLogFormatter) this.lineFormatter.refreshTimezone();
  }

  /** The invocation's start: the context keys (request id, …), and a new sampling decision when sampling is set. */
  startInvocation(context: Context): void {
    this.clearInvocation();
    if (this.sampling) this.refreshSampleRateCalculation();
    this.addContext(context);
  }

  /**
   * A logged object with an own `__proto__` key has its keys boxed (OwnFields) before Powertools copies them with
   * `attributes[key] = value`, which would make that value the prototype of the line's attributes (and its keys
   * — `level`, `function_request_id` — the line's).
   */
  protected override processLogItem(logLevel: number, input: LogItemMessage, extraInput: LogItemExtraInput): void {
    let main = input;
    let extra = extraInput;
    if (hasOwnProto(main) || extra.some(hasOwnProto)) {
      const boxed: unknown[] = [];
      if (typeof main === 'object' && main !== null && hasOwnProto(main)) {
        const { message, ...rest } = main;
        main = message as string;
        boxed.push({ '\u0000lambdaware.fields.0': new OwnFields(rest) });
      }
      extra.forEach((item, i) => boxed.push(hasOwnProto(item) ? { [`\u0000lambdaware.fields.${i + 1}`]: new OwnFields(item as Record<string, unknown>) } : item));
      extra = boxed as LogItemExtraInput;
    }
    super.processLogItem(logLevel, main, extra);
  }

  /** One line: serialized (never a throw, never over MAX_LINE_BYTES), then one write to stdout. */
  protected override writeItem(_logLevel: number, item: LogItem): void {
    const line = serializeLine(item.getAttributes(), this.customReplacer ? this.getJsonReplacer() : undefined, this.indentation());
    process.stdout.write(`${line}\n`);
  }

  /** createChild() gives a LambdaLogger too (same formatter settings, level in any case, bounded lines). */
  protected override createLogger(options: ConstructorOptions = {}): PowertoolsLogger {
    // Powertools passes the parent's settings ('' for those never set) and the parent's formatter.
    const o = { ...options } as Record<string, unknown>;
    for (const key of Object.keys(o)) if (o[key] === '' || o[key] === undefined) delete o[key];
    const formatter = o.logFormatter;
    delete o.logFormatter;
    if (formatter instanceof GuardedFormatter) o.logFormatter = formatter.inner;
    else if (formatter instanceof LambdaLogFormatter && formatter.logRecordOrder) o.logRecordOrder = [...formatter.logRecordOrder];
    return new LambdaLogger(o as LoggerOptions);
  }
}

/** The fields of one line being built by `with()`; write it with one of the level methods. */
export class LogEntry {
  readonly #logger: LambdaLogger;
  readonly #fields: Record<string, unknown>;

  constructor(logger: LambdaLogger, fields: Record<string, unknown>) {
    this.#logger = logger;
    this.#fields = fields;
  }

  /** Another field on this line (a new entry: this one can be reused without it). */
  with(key: string, value: unknown): LogEntry {
    return new LogEntry(this.#logger, { ...this.#fields, [key]: value });
  }

  trace(message: LogItemMessage, ...extra: LogItemExtraInput): void {
    this.#write('trace', message, extra);
  }
  debug(message: LogItemMessage, ...extra: LogItemExtraInput): void {
    this.#write('debug', message, extra);
  }
  info(message: LogItemMessage, ...extra: LogItemExtraInput): void {
    this.#write('info', message, extra);
  }
  warn(message: LogItemMessage, ...extra: LogItemExtraInput): void {
    this.#write('warn', message, extra);
  }
  error(message: LogItemMessage, ...extra: LogItemExtraInput): void {
    this.#write('error', message, extra);
  }
  critical(message: LogItemMessage, ...extra: LogItemExtraInput): void {
    this.#write('critical', message, extra);
  }

  #write(method: LineMethod, message: LogItemMessage, extra: LogItemExtraInput): void {
    // The level is checked by the logger's processLogItem (once: each check reads process.env).
    (this.#logger[method] as (m: LogItemMessage, ...e: unknown[]) => void)(message, this.#fields, ...extra);
  }
}

const createLoggerOptions = loggerChecker('createLogger');
const setLevelOptions = loggerChecker('setLevel');

/** The rule of each option (null: checked by levelOrThrow, or by Powertools). */
const LOGGER_RULES: Record<(typeof LOGGER_OPTIONS)[number], OptionRule | null> = Object.assign(
  Object.fromEntries(LOGGER_OPTIONS.map((k) => [k, null])) as Record<(typeof LOGGER_OPTIONS)[number], OptionRule | null>,
  {
    serviceName: is.string(),
    environment: is.string(),
    persistentKeys: is.object,
    persistentLogAttributes: is.object,
    logBufferOptions: is.object,
    sampleRateValue: is.number(0, 1),
    jsonReplacerFn: is.function(),
    correlationIdSearchFn: is.function(),
    logFormatter: is.custom('a Powertools LogFormatter (with formatAttributes())', (f) => typeof (f as { formatAttributes?: unknown } | null)?.formatAttributes === 'function'),
    logRecordOrder: is.arrayOf(is.string(false), 'an array of key names'),
  },
);

const validateLoggerOptions = (options: LoggerOptions): void => {
  const o = createLoggerOptions.options(options, LOGGER_RULES);
  if (o.level !== undefined && o.logLevel !== undefined && o.level !== o.logLevel) {
    throw createLoggerOptions.error('level', { problem: `and "logLevel" are the same setting; give one (got ${describeValue(o.level)} and ${describeValue(o.logLevel)})` });
  }
  if (o.logRecordOrder !== undefined && o.logFormatter !== undefined) {
    throw createLoggerOptions.error('logRecordOrder', { problem: 'cannot be given together with option "logFormatter" (as in Powertools): order the keys in your formatter' });
  }
};

/** A new logger (see LoggerOptions). Most code uses the shared `logger`. */
export const createLogger = (options: LoggerOptions = {}): LambdaLogger => new LambdaLogger(options);

/** The shared logger, ready to use: level from the environment, lines on stdout. */
export const logger: LambdaLogger = createLogger();
