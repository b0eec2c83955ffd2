/**
 * lambdaware's logger. It owns its line: it builds, masks, bounds and writes every line itself, with Powertools'
 * key names and Powertools Logger's public API (appendKeys, addContext, createChild, setCorrelationId, a
 * LogFormatter, jsonReplacerFn, logRecordOrder, logBufferOptions, …), and does not subclass Powertools (see the
 * README, "Why lambdaware owns the line"). Over 300 lines: Powertools Logger's API (keys, levels, context, buffer,
 * child loggers) is one class; what the arguments of a call become is in line-input.ts, the options in logger-options.ts.
 */
import type { Context } from 'aws-lambda';
import { type RecentLine, hasSecrets, redactJsonText, redactString, safeString } from '@lambdaware/shared';
import { guardAttributes } from './formatter.js';
import { type InvocationState, InvocationScoped, LineBuffer, RecentLines, newState } from './invocation.js';
import { type LogLevel, levelFromEnv, levelOrThrow } from './levels.js';
import { CONTEXT_KEYS, RESERVED_KEYS, maskedFields, messageText, needsWalk, putOwn, toJsonData } from './line.js';
import { serializeLine } from './line-size.js';
import { addExtra, copyKeys, isEmpty, messageShape, readSafely, reorder, truthy, withInstancesWritten } from './line-input.js';
import { LogEntry } from './log-entry.js';
import { type LoggerOptions, createLoggerOptions, setLevelOptions, validateLoggerOptions } from './logger-options.js';
import type { LogAttributes, LogFormatter, UnformattedAttributes } from './powertools-adapter.js';
import { timestampFormatter } from './timestamp.js';

export { LogEntry } from './log-entry.js';
export type { LogBufferOptions, LoggerOptions } from './logger-options.js';

/** Powertools' level thresholds and names. */
const THRESHOLD: Record<LogLevel, number> = { trace: 6, debug: 8, info: 12, warn: 16, error: 20, critical: 24, silent: 28 };
const NAMES: Record<number, string> = { 6: 'TRACE', 8: 'DEBUG', 12: 'INFO', 16: 'WARN', 20: 'ERROR', 24: 'CRITICAL', 28: 'SILENT' };
export type LineMethod = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'critical';
type Message = unknown;
/** `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=…;Sampled=1` (or the bare id) -> `1-5759e988-…`. */
export const traceRoot = (header: unknown): string | undefined => {
  if (typeof header !== 'string' || header === '') return undefined;
  if (!header.includes('=')) return header;
  for (const part of header.split(';')) {
    const [k, v] = part.split('=');
    if (k.trim() === 'Root' && v) return v.trim();
  }
  return undefined;
};
/**
 * JSON log lines with the invocation's context (Powertools' keys), LOG_LEVEL in any letter case, `with()` fields for
 * one line, `set()` fields for the rest of the invocation; lines that never throw and never lie (any value, the
 * line's own keys never taken from data), registered secrets masked, every line under MAX_LINE_BYTES, on stdout.
 */
export class LambdaLogger {
  #level: number;
  readonly #service: string;
  readonly #environment: string | undefined;
  #persistent: Record<string, unknown> = {};
  readonly #sampleRate: number;
  readonly #formatter: LogFormatter | undefined;
  readonly #order: readonly string[] | undefined;
  readonly #userReplacer: ((key: string, value: unknown) => unknown) | undefined;
  readonly #replacer: ((key: string, value: unknown) => unknown) | undefined;
  readonly #indent: number;
  readonly #buffer: { at: number; flushOnError: boolean; maxBytes: number; maxLines: number } | undefined;
  readonly #searchFn: ((path: string, data: unknown) => unknown) | undefined;
  readonly #options: LoggerOptions;
  readonly #scope = new InvocationScoped<InvocationState>('lambdaware.logger.invocation', newState);
  #timestamp = timestampFormatter();
  #coldStart = process.env.AWS_LAMBDA_INITIALIZATION_TYPE !== 'provisioned-concurrency';

  constructor(options: LoggerOptions = {}) {
    validateLoggerOptions(options);
    this.#options = options;
    const warnings: string[] = [];
    const given = options.level ?? options.logLevel;
    this.#level =
      THRESHOLD[
        given !== undefined
          ? levelOrThrow(given, createLoggerOptions, options.level !== undefined ? 'level' : 'logLevel')
          : levelFromEnv(process.env, (m) => warnings.push(m))
      ];
    // Powertools' own default is the literal 'service_undefined'; the function's name says more.
    this.#service = options.serviceName ?? (process.env.POWERTOOLS_SERVICE_NAME || process.env.AWS_LAMBDA_FUNCTION_NAME || 'service_undefined');
    this.#environment = options.environment ?? (process.env.ENVIRONMENT || undefined);
    const rate = options.sampleRateValue ?? Number(process.env.POWERTOOLS_LOGGER_SAMPLE_RATE ?? 0);
    this.#sampleRate = typeof rate === 'number' && rate > 0 && rate <= 1 ? rate : 0;
    this.#formatter = options.logFormatter;
    const order = (options as { logRecordOrder?: string[] }).logRecordOrder;
    this.#order = order && order.length > 0 ? order : undefined;
    this.#userReplacer = options.jsonReplacerFn as ((key: string, value: unknown) => unknown) | undefined;
    this.#replacer = this.#userReplacer && withInstancesWritten(this.#userReplacer);
    this.#indent = truthy(process.env.POWERTOOLS_DEV) ? 4 : 0;
    this.#searchFn = options.correlationIdSearchFn as ((path: string, data: unknown) => unknown) | undefined;
    const b = options.logBufferOptions;
    if (b !== undefined && b.enabled !== false) {
      this.#buffer = {
        at: THRESHOLD[levelOrThrow(b.bufferAtVerbosity ?? 'debug', createLoggerOptions, 'logBufferOptions.bufferAtVerbosity')],
        flushOnError: b.flushOnErrorLog !== false,
        maxBytes: b.maxBytes ?? 20480,
        maxLines: b.maxLines ?? 200,
      };
    }
    this.appendPersistentKeys(options.persistentKeys ?? (options as { persistentLogAttributes?: Record<string, unknown> }).persistentLogAttributes);
    if (this.#sampleRate > 0) this.refreshSampleRateCalculation();
    for (const w of warnings) this.warn(w);
  }

  // ---- lines --------------------------------------------------------------------------------------------------
  trace(message: Message, ...extra: unknown[]): void {
    this.#log(6, message, extra, undefined);
  }
  debug(message: Message, ...extra: unknown[]): void {
    this.#log(8, message, extra, undefined);
  }
  info(message: Message, ...extra: unknown[]): void {
    this.#log(12, message, extra, undefined);
  }
  warn(message: Message, ...extra: unknown[]): void {
    this.#log(16, message, extra, undefined);
  }
  error(message: Message, ...extra: unknown[]): void {
    this.#log(20, message, extra, undefined);
  }
  critical(message: Message, ...extra: unknown[]): void {
    this.#log(24, message, extra, undefined);
  }

  /** A line-only field: `logger.with('user', id).with('n', 2).info('hello')`. The logger itself is not changed. */
  with(key: string, value: unknown): LogEntry {
    return new LogEntry(this, { [key]: value });
  }

  /** A field on every later line of this invocation (cleared by logContext() at the start and end of each). */
  set(key: string, value: unknown): void {
    this.appendKeys({ [key]: value });
  }

  /** @internal the write of a LogEntry. */
  writeEntry(method: LineMethod, message: Message, fields: Record<string, unknown>, extra: unknown[]): void {
    this.#log(THRESHOLD[method], message, extra, fields);
  }

  // ---- levels -------------------------------------------------------------------------------------------------
  /** Sets the level in code (any letter case, `fatal` = `critical`); it wins over the environment. */
  setLevel(level: string): void {
    this.#level = THRESHOLD[levelOrThrow(level, setLevelOptions, 'level')];
  }
  /** Powertools' setLogLevel, in any letter case and `fatal`. */
  setLogLevel(level: string): void {
    this.setLevel(level);
  }
  /** The level in effect, lower case. */
  getLevel(): LogLevel {
    return NAMES[this.level]!.toLowerCase() as LogLevel;
  }
  /** Powertools' getLevelName(): upper case. */
  getLevelName(): string {
    return NAMES[this.level]!;
  }
  /** Powertools' numeric threshold (this invocation's when sampling raised it). */
  get level(): number {
    return this.#scope.get().sampledLevel ?? this.#level;
  }
  /** True when a line at `level` would be written. */
  isLevelEnabled(level: Exclude<LogLevel, 'silent'>): boolean {
    return THRESHOLD[level] >= this.level;
  }

  // ---- keys (Powertools' API) -----------------------------------------------------------------------------------
  appendKeys(attributes: Record<string, unknown> = {}): void {
    const state = this.#scope.get();
    copyKeys(attributes, (key, v) => {
      if (!this.#reserved(key)) putOwn((state.keys ??= {}), key, v);
    });
  }
  appendPersistentKeys(attributes: Record<string, unknown> = {}): void {
    copyKeys(attributes, (key, v) => {
      if (!this.#reserved(key)) putOwn(this.#persistent, key, v);
    });
  }
  /** @deprecated Powertools' old name of appendPersistentKeys. */
  addPersistentLogAttributes(attributes: Record<string, unknown> = {}): void {
    this.appendPersistentKeys(attributes);
  }
  removeKeys(keys: string[]): void {
    const state = this.#scope.get();
    for (const k of keys) if (state.keys) delete state.keys[k];
  }
  removePersistentKeys(keys: string[]): void {
    for (const k of keys) delete this.#persistent[k];
  }
  getPersistentLogAttributes(): Record<string, unknown> {
    return { ...this.#persistent };
  }
  /** Clears the temporary keys (`set()`, `appendKeys()`) and the correlation id. */
  resetKeys(): void {
    const state = this.#scope.get();
    state.keys = undefined;
    state.correlationId = undefined;
  }
  /** The correlation id on every line of this invocation (`value`, or what `correlationIdSearchFn(path, value)` finds). */
  setCorrelationId(value: unknown, correlationIdPath?: string): void {
    let v = value;
    if (correlationIdPath !== undefined && this.#searchFn !== undefined) {
      try {
        v = this.#searchFn(correlationIdPath, value);
      } catch {
        v = undefined;
      }
    }
    this.#scope.get().correlationId = isEmpty(v) ? undefined : typeof v === 'string' ? v : safeString(v);
  }
  getCorrelationId(): string | undefined {
    return this.#scope.get().correlationId;
  }

  // ---- the invocation -----------------------------------------------------------------------------------------
  /** The invocation's start: a new state (keys, buffer, recent lines), the context keys, a sampling decision. */
  startInvocation(context: Context): void {
    this.#timestamp = timestampFormatter();
    this.#scope.reset();
    this.addContext(context);
    if (this.#sampleRate > 0) this.refreshSampleRateCalculation();
  }
  /** The end of an invocation: its keys and held lines are cleared (kept only for the next start to replace). */
  clearInvocation(): void {
    const state = this.#scope.get();
    state.keys = undefined;
    state.correlationId = undefined;
    state.buffer = undefined;
  }
  /** Powertools' addContext(): the line's context keys from the Lambda context (request id, cold start, …). */
  addContext(context: Context): void {
    const c = (context ?? {}) as Partial<Context> & { xRayTraceId?: unknown; tenantId?: unknown };
    const keys: Record<string, unknown> = { cold_start: this.#coldStart };
    this.#coldStart = false;
    if (!isEmpty(c.invokedFunctionArn)) keys.function_arn = c.invokedFunctionArn;
    if (!isEmpty(c.memoryLimitInMB)) keys.function_memory_size = c.memoryLimitInMB;
    if (!isEmpty(c.functionName)) keys.function_name = c.functionName;
    if (!isEmpty(c.awsRequestId)) keys.function_request_id = c.awsRequestId;
    const trace = traceRoot(process.env._X_AMZN_TRACE_ID) ?? traceRoot(c.xRayTraceId);
    if (trace !== undefined) keys.xray_trace_id = trace;
    if (!isEmpty(c.tenantId)) keys.tenant_id = c.tenantId;
    this.#scope.get().context = keys;
  }
  /** Powertools' per-invocation sampling decision: debug for this invocation when it is sampled. */
  refreshSampleRateCalculation(): void {
    this.#scope.get().sampledLevel = this.#sampleRate > 0 && Math.random() <= this.#sampleRate ? Math.min(THRESHOLD.debug, this.#level) : undefined;
  }
  shouldLogEvent(overwriteValue?: boolean): boolean {
    return overwriteValue ?? truthy(process.env.POWERTOOLS_LOGGER_LOG_EVENT);
  }
  logEventIfEnabled(event: unknown, overwriteValue?: boolean): void {
    if (this.shouldLogEvent(overwriteValue)) this.info('Lambda invocation event', { event });
  }
  /** Writes the lines held during this invocation (oldest first, marked `"buffered": true`), after a count of those dropped. */
  flushBuffer(): void {
    const state = this.#scope.get();
    const held = state.buffer?.take();
    if (held === undefined || (held.lines.length === 0 && held.dropped === 0)) return;
    if (held.dropped > 0) {
      this.#emit(
        16,
        `${held.dropped} buffered lines dropped (the buffer keeps the last ${this.#buffer!.maxLines} lines and ${this.#buffer!.maxBytes} bytes)`,
        [{ buffered_lines_dropped: held.dropped }],
        undefined,
        state,
        false,
      );
    }
    // a secret registered since a line was held (a prefetch that settled later) is masked now too
    const mask = hasSecrets();
    for (const line of held.lines) process.stdout.write(`${mask ? redactJsonText(line) : line}\n`);
  }
  /** Drops the lines held during this invocation. */
  clearBuffer(): void {
    this.#scope.get().buffer = undefined;
  }
  /** A reader of this invocation's recent lines (written and held, masked, bounded), for the failure's Sentry event. */
  recentLines(): () => RecentLine[] {
    const state = this.#scope.get();
    return () => state.recent?.read() ?? [];
  }

  /** A new logger with this one's settings, `options` over them (Powertools' createChild). */
  createChild(options: LoggerOptions = {}): LambdaLogger {
    const { level: _l, logLevel: _ll, persistentKeys: _p, ...inherited } = this.#options as LoggerOptions & { persistentKeys?: object };
    const levelGiven = options.level !== undefined || options.logLevel !== undefined;
    return new LambdaLogger({
      ...inherited,
      ...(levelGiven ? {} : { level: this.getLevel() }),
      ...options,
      persistentKeys: { ...this.#persistent, ...(options as { persistentKeys?: object }).persistentKeys },
    } as LoggerOptions);
  }

  // ---- the line -----------------------------------------------------------------------------------------------
  /** A field named like a Powertools reserved key is dropped with a warning line (as Powertools does). */
  #reserved(key: string): boolean {
    if (!RESERVED_KEYS.has(key)) return false;
    this.warn(`The key "${key}" is a reserved key and will be dropped.`);
    return true;
  }

  #log(n: number, message: Message, extra: unknown[], withFields: Record<string, unknown> | undefined): void {
    const state = this.#scope.get();
    let buffered = false;
    if (n < (state.sampledLevel ?? this.#level)) {
      if (this.#buffer === undefined || n > this.#buffer.at || state.context === undefined) return;
      buffered = true;
    }
    try {
      if (!buffered && n >= 20 && this.#buffer?.flushOnError && state.buffer !== undefined) this.flushBuffer();
      this.#emit(n, message, extra, withFields, state, buffered);
    } catch (e) {
      // never a throw from a log call: the line says what could not be written, with the invocation's keys
      const line = {
        level: NAMES[n],
        message: 'a log line could not be written',
        timestamp: new Date().toISOString(),
        service: this.#service,
        ...state.context,
        logger_error: safeString(e),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  }

  #emit(n: number, message: Message, extra: unknown[], withFields: Record<string, unknown> | undefined, state: InvocationState, buffered: boolean): void {
    const fields: Record<string, unknown> = {};
    const keep = this.#replacer !== undefined;
    const add = (key: string, raw: unknown): void => {
      if (isEmpty(raw)) return;
      if (RESERVED_KEYS.has(key)) {
        this.#reserved(key);
        return;
      }
      putOwn(fields, CONTEXT_KEYS.has(key) ? `field_${key}` : key, needsWalk(raw) ? toJsonData(raw, keep) : raw);
    };
    const addAll = (source: Record<string, unknown>): void => {
      for (const key of Object.keys(source)) add(key, readSafely(source, key));
    };
    addAll(this.#persistent);
    if (state.keys !== undefined) addAll(state.keys);
    if (withFields !== undefined) addAll(withFields);
    let text: unknown = message;
    const shape = messageShape(message);
    if (shape.fields !== undefined) {
      // Powertools' form: info({ message, ...fields }) (an object with toJSON(): what it returns)
      const f = shape.fields;
      text = readSafely(f, 'message');
      for (const key of Object.keys(f)) if (key !== 'message') add(key, readSafely(f, key));
    } else if (shape.error) {
      text = readSafely(message as Error, 'message');
      add('error', message);
    } else text = shape.text;
    for (const item of extra) addExtra(item, add);
    const secrets = hasSecrets();
    const msg = typeof text === 'string' ? (secrets ? redactString(text) : text) : messageText(text);
    const masked = secrets ? maskedFields(fields) : fields;
    const attributes = this.#formatter !== undefined ? this.#formatted(n, msg, masked, state) : this.#attributes(n, msg, masked, state, buffered);
    const ordered = this.#order === undefined ? attributes : reorder(attributes, this.#order);
    const line = serializeLine(ordered, this.#replacer, this.#indent);
    if (buffered) (state.buffer ??= new LineBuffer(this.#buffer!)).push(line);
    else process.stdout.write(`${line}\n`);
    if (state.context !== undefined) (state.recent ??= new RecentLines()).add(ordered, line.length, buffered);
  }

  #attributes(n: number, message: string, fields: Record<string, unknown>, state: InvocationState, buffered: boolean): Record<string, unknown> {
    const a: Record<string, unknown> = { level: NAMES[n], message, timestamp: this.#timestamp(new Date()), service: this.#service };
    if (this.#environment !== undefined) a.environment = this.#environment;
    const ctx = state.context;
    if (ctx !== undefined) for (const k in ctx) a[k] = ctx[k];
    if (this.#sampleRate > 0) a.sampling_rate = this.#sampleRate;
    if (state.correlationId !== undefined) a.correlation_id = state.correlationId;
    if (buffered) a.buffered = true;
    for (const k of Object.keys(fields)) putOwn(a, k, fields[k]);
    return a;
  }

  /** A team's LogFormatter given to createLogger(): Powertools' documented formatter interface, its result guarded. */
  #formatted(n: number, message: string, fields: Record<string, unknown>, state: InvocationState): Record<string, unknown> {
    const ctx = state.context ?? {};
    const unformatted = {
      logLevel: NAMES[n],
      timestamp: new Date(),
      message,
      serviceName: this.#service,
      environment: this.#environment,
      sampleRateValue: this.#sampleRate,
      xRayTraceId: ctx.xray_trace_id,
      awsRegion: process.env.AWS_REGION ?? '',
      lambdaContext: state.context && {
        coldStart: ctx.cold_start,
        functionName: ctx.function_name,
        memoryLimitInMB: ctx.function_memory_size,
        invokedFunctionArn: ctx.function_arn,
        awsRequestId: ctx.function_request_id,
        tenantId: ctx.tenant_id,
      },
    } as unknown as UnformattedAttributes;
    if (state.correlationId !== undefined) fields = { correlation_id: state.correlationId, ...fields };
    return guardAttributes(this.#formatter!.formatAttributes(unformatted, fields as LogAttributes).getAttributes(), this.#replacer !== undefined);
  }
}
/** A new logger (see LoggerOptions). Most code uses the shared `logger`. */
export const createLogger = (options: LoggerOptions = {}): LambdaLogger => new LambdaLogger(options);

/** The shared logger, ready to use: level from the environment, lines on stdout. */
export const logger: LambdaLogger = createLogger();
