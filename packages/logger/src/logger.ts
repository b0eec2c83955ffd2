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
import { type LogLevel, describe, levelFromEnv, levelOrThrow } from './levels.js';

/** Options of createLogger(). */
export interface LoggerOptions {
  /** The level, in any letter case (`fatal` = `critical`). Default: from AWS_LAMBDA_LOG_LEVEL, LOG_LEVEL, POWERTOOLS_LOG_LEVEL, else `info`. */
  level?: string;
  /** The `service` key. Default: POWERTOOLS_SERVICE_NAME, else Powertools' `service_undefined`. */
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

/**
 * A value added with `set()`. Powertools deep-merges plain objects into its keys (copying them and dropping
 * circular references); boxed, the value is kept as given, replaced by the next `set()` of the same key, and
 * written by the serializer like any other field.
 */
class InvocationField {
  constructor(readonly value: unknown) {}
}

/**
 * Powertools' key names (`level`, `message`, `timestamp`, `service`, `environment`, `cold_start`, `function_arn`,
 * `function_memory_size`, `function_name`, `function_request_id`, `sampling_rate`, `xray_trace_id`, `tenant_id`),
 * then the fields, added as they are (Powertools' own formatter deep-merges them: a copy of every object field
 * on every line, and circular references silently dropped).
 */
class LambdaLogFormatter extends LogFormatter {
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
        serviceName: options.serviceName,
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

  /** Clears everything `set()` (and Powertools' `appendKeys()`) added: the end of an invocation. */
  clearInvocation(): void {
    this.resetKeys();
    this.clearBuffer();
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
    if (logLevel < this.level) return; // no log buffering is configured on a LambdaLogger: nothing to buffer
    super.processLogItem(logLevel, input, extraInput);
  }

  /** One line per item, through writeLine (redaction, stdout). */
  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    const indent = (this as unknown as { logIndentation: number }).logIndentation;
    writeLine(JSON.stringify(log.getAttributes(), this.getJsonReplacer(), indent));
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
    if (!this.#logger.isLevelEnabled(method)) return;
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
