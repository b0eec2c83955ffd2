import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type {
  ConstructorOptions,
  LogAttributes,
  LogItemExtraInput,
  LogItemMessage,
  UnformattedAttributes,
} from '@aws-lambda-powertools/logger/types';
import { redactJsonText, safeJsonReplacer } from '@lambdaware/shared';
import { LoggerOptionsError } from './errors.js';
import { type LogLevel, levelFromEnv, levelOrThrow } from './levels.js';
import { describeValue as describe } from '@lambdaware/shared';

/** Options of createLogger(). */
export interface LoggerOptions {
  /** The level, in any letter case (`fatal` = `critical`). Default: from AWS_LAMBDA_LOG_LEVEL, LOG_LEVEL, POWERTOOLS_LOG_LEVEL, else `info`. */
  level?: string;
  /** The `service` key. Default: POWERTOOLS_SERVICE_NAME, else the function's name (AWS_LAMBDA_FUNCTION_NAME). */
  serviceName?: string;
  /** The `environment` key. Default: the ENVIRONMENT variable (omitted when unset). */
  environment?: string;
  /** Fields on every line this logger writes, for the life of the process. */
  persistentKeys?: Record<string, unknown>;
}

const LOGGER_OPTIONS = ['level', 'serviceName', 'environment', 'persistentKeys'] as const;

/** The methods that write one line, from most to least verbose. */
type LineMethod = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'critical';

const THRESHOLD: Record<LogLevel, number> = { trace: 6, debug: 8, info: 12, warn: 16, error: 20, critical: 24, silent: 28 };

/** Powertools' level names by threshold. */
const LEVEL_NAMES: Record<number, string> = { 6: 'TRACE', 8: 'DEBUG', 12: 'INFO', 16: 'WARN', 20: 'ERROR', 24: 'CRITICAL', 28: 'SILENT' };

/**
 * A value added with `set()`. Powertools deep-merges plain objects into its keys (copying them and dropping
 * circular references); boxed, the value is kept as given, replaced by the next `set()` of the same key, and
 * written by the serializer like any other field.
 */
class InvocationField {
  constructor(readonly value: unknown) {}
}

/** `toISOString()` of the last minute seen, up to the seconds (`2026-01-12T10:15:`), and that minute. */
let minutePrefix = '';
let prefixMinute = Number.NaN;

/** `date.toISOString()` (UTC, milliseconds): the date and time up to the minute are formatted once a minute. */
const isoUtc = (date: Date): string => {
  const t = date.getTime();
  const minute = Math.floor(t / 60_000);
  if (minute !== prefixMinute) {
    const iso = date.toISOString();
    // Years before 0 or after 9999 have another shape (±YYYYYY): formatted in full every time.
    if (iso.length !== 24) return iso;
    minutePrefix = iso.slice(0, 17);
    prefixMinute = minute;
  }
  const ms = t - minute * 60_000;
  const sec = Math.floor(ms / 1000);
  const milli = ms - sec * 1000;
  return `${minutePrefix}${sec < 10 ? '0' : ''}${sec}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
};

/**
 * Powertools' key names (`level`, `message`, `timestamp`, `service`, `environment`, `cold_start`, `function_arn`,
 * `function_memory_size`, `function_name`, `function_request_id`, `sampling_rate`, `xray_trace_id`, `tenant_id`),
 * then the fields, added as they are (Powertools' own formatter deep-merges them: a copy of every object field
 * on every line, and circular references silently dropped).
 */
class LambdaLogFormatter extends LogFormatter {
  /** `TZ` as Powertools reads it (trimmed), read again by refreshTimezone() at the start and end of every invocation. */
  #tz = '';

  constructor() {
    super();
    this.refreshTimezone();
  }

  refreshTimezone(): void {
    this.#tz = process.env.TZ?.trim() ?? '';
  }

  /** Powertools reads `TZ` on every line; in UTC (Lambda's default, `:UTC`) the line gets isoUtc() at once. */
  override formatTimestamp(now: Date): string {
    if (this.#tz === '' || this.#tz.includes('UTC')) return isoUtc(now);
    return super.formatTimestamp(now);
  }

  override formatAttributes(a: UnformattedAttributes, fields: LogAttributes): LogItem {
    const ctx = a.lambdaContext;
    const attributes: LogAttributes = {
      level: a.logLevel,
      message: a.message,
      timestamp: this.formatTimestamp(a.timestamp),
      service: a.serviceName,
      environment: a.environment,
      cold_start: ctx?.coldStart,
      function_arn: ctx?.invokedFunctionArn,
      function_memory_size: ctx?.memoryLimitInMB,
      function_name: ctx?.functionName,
      function_request_id: ctx?.awsRequestId,
      sampling_rate: a.sampleRateValue || undefined,
      xray_trace_id: a.xRayTraceId,
      tenant_id: ctx?.tenantId,
    };
    for (const key in fields) {
      const v = fields[key];
      attributes[key] = v instanceof InvocationField ? v.value : v;
    }
    return new LogItem({ attributes });
  }
}

/** Every line ends here: registered secrets masked in the serialized text, then one write to stdout. */
const writeLine = (line: string): void => {
  process.stdout.write(`${redactJsonText(line)}\n`);
};

/** Powertools writes through `this.console` (also when flushing its log buffer): all of it goes to writeLine. */
const lineConsole = Object.fromEntries(
  ['trace', 'debug', 'info', 'log', 'warn', 'error'].map((m) => [m, (line: unknown) => writeLine(String(line))]),
);

/**
 * A Powertools Logger with the lambdaware additions: LOG_LEVEL in any letter case, `with()` fields for one line,
 * `set()` fields for the rest of the invocation, a serializer that never throws (BigInt, circular references,
 * Errors, Buffers, Maps, Sets), registered secrets masked in every line, and every line on stdout.
 */
export class LambdaLogger extends Logger {
  /**
   * False (undefined) while Powertools' constructor runs: lines written then go through Powertools' own path
   * (it holds them until it is initialized). Class fields are set right after that constructor returns.
   */
  private readonly initialized: boolean = true;
  /** Whether appendKeys() (so set(), setCorrelationId(), …) may have added keys since the last clearInvocation(). */
  private keysAdded = true;

  constructor(options: LoggerOptions = {}) {
    validateLoggerOptions(options);
    const warnings: string[] = [];
    const level =
      options.level !== undefined
        ? levelOrThrow(options.level, 'createLogger: option "level"', (m) => new LoggerOptionsError(m))
        : levelFromEnv(process.env, (m) => warnings.push(m));
    // Powertools reads AWS_LAMBDA_LOG_LEVEL itself (upper case only) and then ignores every level given in code;
    // we have resolved it above with the rest, so it is hidden from Powertools while it reads its settings.
    const alc = process.env.AWS_LAMBDA_LOG_LEVEL;
    delete process.env.AWS_LAMBDA_LOG_LEVEL;
    try {
      super({
        logLevel: level.toUpperCase() as Uppercase<LogLevel>,
        // Powertools' own default is the literal 'service_undefined'; the function's name says more.
        serviceName:
          options.serviceName ??
          (process.env.POWERTOOLS_SERVICE_NAME ? undefined : process.env.AWS_LAMBDA_FUNCTION_NAME || undefined),
        environment: options.environment,
        persistentKeys: options.persistentKeys,
        logFormatter: new LambdaLogFormatter(),
      });
    } finally {
      if (alc !== undefined) process.env.AWS_LAMBDA_LOG_LEVEL = alc;
    }
    (this as unknown as { console: unknown }).console = lineConsole;
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
    super.setLogLevel(levelOrThrow(level, 'setLevel: level', (m) => new LoggerOptionsError(m)).toUpperCase() as Uppercase<LogLevel>);
  }

  /** Powertools' setLogLevel, accepting any letter case and `fatal`. */
  override setLogLevel(level: Parameters<Logger['setLogLevel']>[0]): void {
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
  override appendKeys(attributes: Parameters<Logger['appendKeys']>[0]): void {
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
    const formatter = (this as unknown as { logFormatter: unknown }).logFormatter;
    if (formatter instanceof LambdaLogFormatter) formatter.refreshTimezone();
  }


  /**
   * The serializer: never throws (safeJsonReplacer from @lambdaware/shared). Strings, numbers and booleans,
   * most of a line, are returned at once: the shared replacer would return them unchanged, a little later.
   */
  protected override getJsonReplacer(): (key: string, value: unknown) => unknown {
    const safe = safeJsonReplacer();
    return function replacer(this: unknown, key: string, value: unknown): unknown {
      const t = typeof value;
      if (t === 'string' || t === 'number' || t === 'boolean') return value;
      return safe.call(this, key, value);
    };
  }

  /** A line below the level costs one comparison (Powertools reads and parses _X_AMZN_TRACE_ID first). */
  protected override processLogItem(logLevel: number, input: LogItemMessage, extraInput: LogItemExtraInput): void {
    if (logLevel < this.level) return;
    // No log buffering is configured on a LambdaLogger, so once constructed a line at the level is printed at once
    // (Powertools' own path first reads and parses _X_AMZN_TRACE_ID for the buffer, and the level again).
    if (this.initialized) this.printLog(logLevel, this.createAndPopulateLogItem(logLevel, input, extraInput));
    else super.processLogItem(logLevel, input, extraInput);
  }

  /** One line per item, through writeLine (redaction, stdout). */
  protected override printLog(_logLevel: number, log: LogItem): void {
    // Powertools' prepareForPrint(): keys whose value is undefined, '' or null are left out; in the same pass,
    // whether every value is a string, number or boolean, which the replacer returns unchanged: such a line (most
    // lines) is serialized without calling it for every key.
    const attributes = log.getAttributes();
    const printed: LogAttributes = {};
    let plain = true;
    for (const key in attributes) {
      const v = attributes[key];
      if (v === undefined || v === '' || v === null) continue;
      printed[key] = v;
      if (plain) {
        const t = typeof v;
        plain = t === 'string' || t === 'number' || t === 'boolean';
      }
    }
    log.setAttributes(printed);
    const indent = (this as unknown as { logIndentation: number }).logIndentation;
    writeLine(plain ? JSON.stringify(printed, null, indent) : JSON.stringify(printed, this.getJsonReplacer(), indent));
  }

  /** createChild() gives a LambdaLogger too (so its lines are redacted and on stdout). */
  protected override createLogger(options: ConstructorOptions = {}): Logger {
    // Powertools passes the parent's settings, '' for those never set.
    const given = <T>(v: T | undefined): T | undefined => (v === '' ? undefined : v);
    return new LambdaLogger({
      level: given(options.logLevel),
      serviceName: given(options.serviceName),
      environment: given(options.environment),
      persistentKeys: options.persistentKeys,
    });
  }
}

// Powertools' level name for a threshold, from a table: its own lookup (private in its typings, so replaced on the
// prototype) walks Object.entries() of its table on every line.
const powertoolsLevelName = (Logger.prototype as unknown as Record<string, (n: number) => string>).getLogLevelNameFromNumber;
Object.defineProperty(LambdaLogger.prototype, 'getLogLevelNameFromNumber', {
  configurable: true,
  writable: true,
  value: function getLogLevelNameFromNumber(this: Logger, logLevel: number): string {
    return LEVEL_NAMES[logLevel] ?? powertoolsLevelName.call(this, logLevel);
  },
});

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

const validateLoggerOptions = (options: LoggerOptions): void => {
  if (options === null || typeof options !== 'object') {
    throw new LoggerOptionsError(`createLogger: options must be an object; got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!(LOGGER_OPTIONS as readonly string[]).includes(key)) {
      throw new LoggerOptionsError(`createLogger: unknown option "${key}" (known: ${LOGGER_OPTIONS.join(', ')})`);
    }
  }
  for (const key of ['serviceName', 'environment'] as const) {
    const v = options[key];
    if (v !== undefined && (typeof v !== 'string' || v === '')) {
      throw new LoggerOptionsError(`createLogger: option "${key}" must be a non-empty string; got ${describe(v)}`);
    }
  }
  const keys = options.persistentKeys;
  if (keys !== undefined && (keys === null || typeof keys !== 'object' || Array.isArray(keys))) {
    throw new LoggerOptionsError(`createLogger: option "persistentKeys" must be an object of fields; got ${describe(keys)}`);
  }
};

/** A new logger (see LoggerOptions). Most code uses the shared `logger`. */
export const createLogger = (options: LoggerOptions = {}): LambdaLogger => new LambdaLogger(options);

/** The shared logger, ready to use: level from the environment, lines on stdout. */
export const logger: LambdaLogger = createLogger();
