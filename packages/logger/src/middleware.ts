import type { MiddlewareObj, Request } from '@middy/core';
import {
  type LogSink,
  type OptionRule,
  boundedWait,
  deadlineOf,
  is,
  pendingSecrets,
  secretLoadsGivenUp,
  setCorrelationIdOf,
  setLogSink,
  setRecentLines,
} from '@lambdaware/shared';
import { correlationPaths, parseCorrelationPath, prepareCorrelation, readCorrelationId, startCorrelation } from './correlation.js';
import { loggerChecker } from './errors.js';
import { LambdaLogger, logger as sharedLogger, traceRoot } from './logger.js';
import { type MaskPath, maskPaths, parseMaskPath } from './mask.js';
import { type LoggerInterface, isPowertoolsLogger } from './powertools-adapter.js';
import { teamLoggerInvocations } from './team-logger.js';

/** Options of logContext(). */
export interface LogContextOptions {
  /**
   * The logger whose lines get the invocation's keys: a logger from createLogger(), or a Powertools `Logger` the app
   * already configured (its level, sampling, formatter, persistent keys, replacer and buffer are kept). Default: the shared `logger`.
   */
  logger?: LambdaLogger | LoggerInterface;
  /** Write the event as one info line `{ message: 'Lambda invocation event', event }` at the start. Default: POWERTOOLS_LOGGER_LOG_EVENT (`true`), else false. */
  logEvent?: boolean;
  /** Write the response as one info line `{ message: 'Lambda invocation response', response }` on success. Default false. */
  logResponse?: boolean;
  /** Paths in the event and the response whose values are written as `****` (`'body.password'`, `'Records.*.body'`). */
  mask?: string[];
  /** Install this logger as the @lambdaware/shared log sink (errors, sentry, secrets write through it). Default true. */
  logSink?: boolean;
  /**
   * Where the event carries the invocation's correlation id: a path (`'requestContext.requestId'`,
   * `'headers."x-correlation-id"'`) or a preset of `correlationPaths` (`'API_GATEWAY_REST'`, `'EVENT_BRIDGE'`, …). The id is
   * `correlation_id` on every line, `correlationId()` in the handler, and on the request for the Sentry event.
   */
  correlationIdPath?: string;
  /**
   * The shape of the failure's error line with a team's Powertools Logger: `'powertools'` (default: Powertools'
   * own `error.{name,location,message,stack}`) or `'lambdaware'` (`error.{type,message,values,stacktrace,cause}`).
   * lambdaware's own logger always writes lambdaware's.
   */
  errorShape?: 'powertools' | 'lambdaware';
}

const defaults = { logResponse: false, mask: [] as string[], logSink: true, errorShape: 'powertools' as const };

/** POWERTOOLS_LOGGER_LOG_EVENT as Powertools reads it. */
const logEventFromEnv = (): boolean => ['1', 'true', 'yes', 'on'].includes((process.env.POWERTOOLS_LOGGER_LOG_EVENT ?? '').trim().toLowerCase());

/**
 * A LogSink writing through `target`: the line gets the invocation's keys, `fields` at top level, and follows its
 * level. An error line first writes the lines the logger held below its level (in order, marked buffered). With a
 * team's Powertools Logger and `errorShape: 'powertools'`, the failure's thrown Error (`detail.error`) is given to
 * that Logger as Powertools' own `error` (its formatter writes `name`, `location`, `message`, `stack`), the Sentry
 * event id beside it as `sentryEventID`.
 */
export const sinkFor = (target: LambdaLogger | LoggerInterface, options: { errorShape?: 'powertools' | 'lambdaware' } = {}): LogSink => {
  const own = target instanceof LambdaLogger;
  const powertoolsShape = !own && options.errorShape !== 'lambdaware';
  return {
    log(level, message, fields, detail) {
      if (level === 'error') (target as { flushBuffer?: () => void }).flushBuffer?.();
      let f = fields;
      if (powertoolsShape && detail?.error instanceof Error && f !== undefined) {
        const { error: ours, ...rest } = f;
        const eventId = (ours as { sentryEventID?: unknown } | undefined)?.sentryEventID;
        f = eventId === undefined ? { ...rest, error: detail.error } : { ...rest, sentryEventID: eventId, error: detail.error };
      }
      if (f === undefined) target[level](message);
      else target[level](message, f as never);
    },
  };
};

/** What logContext() does with the logger at the start and the end of an invocation. */
export interface Invocations {
  start(request: Request): void;
  /** The end: held lines dropped on success, written on failure (when no error line wrote them already). */
  end(failed: boolean): void;
  /** `value` made ready for a line of this logger (its own line bounds it, or it is bounded here). */
  bounded(value: unknown): unknown;
}

/** A logger from createLogger(): a new invocation state; its recent lines handed to the request (for Sentry). */
const lambdaLoggerInvocations = (logger: LambdaLogger): Invocations => ({
  start(request) {
    logger.startInvocation(request.context);
    setRecentLines(request, logger.recentLines());
  },
  end(failed) {
    if (failed) logger.flushBuffer();
    logger.clearInvocation();
  },
  bounded: (value) => value,
});

/** The longest the event line waits for a secret load in flight, and its share of the remaining time (10 %). */
export const EVENT_SECRET_WAIT_MS = 300;
const EVENT_WAIT_SHARE = 0.1;

/** Written instead of the event when a secret load is still in flight at the bound (the event may hold it). */
export const EVENT_WITHHELD = '[Withheld: a secret load was still in flight]';

/**
 * Waits for the secret loads in flight (pendingSecrets() from @lambdaware/shared) for the event line's share of the
 * invocation's deadline: at most EVENT_SECRET_WAIT_MS and at most a tenth of the remaining time, so the handler and
 * its own `secrets()` fetch keep the rest. Says whether they settled and the time actually waited.
 */
const secretsSettled = async (pending: Promise<void>, context: unknown): Promise<{ settled: boolean; waitedMs: number }> => {
  const deadline = deadlineOf(context);
  const ms = deadline.allow(EVENT_SECRET_WAIT_MS, deadline.remaining() * (1 - EVENT_WAIT_SHARE));
  const outcome = await boundedWait(pending, ms);
  return { settled: outcome.settled, waitedMs: outcome.waitedMs };
};

/**
 * Middy middleware: every line written during the invocation carries the Lambda request id, function name,
 * cold-start flag, X-Ray trace id and (with `correlationIdPath`) the correlation id. Fields added with `logger.set()`
 * (or Powertools' `appendKeys()`) are cleared at the start of each invocation, on success and on error, so none
 * reaches the next invocation whatever ran last. Lines held below the level (`logBufferOptions`) are written before
 * the failure's error line and dropped on success. Use it first.
 */
export const logContext = (options: LogContextOptions = {}): MiddlewareObj => {
  validateOptions(options);
  const { logger, logEvent, logResponse, mask, logSink, correlationIdPath, errorShape } = {
    logger: sharedLogger,
    logEvent: logEventFromEnv(),
    ...defaults,
    ...options,
  };
  const maskList: MaskPath[] = mask.map(parseMaskPath);
  const steps =
    correlationIdPath === undefined
      ? undefined
      : parseCorrelationPath(correlationPaths[correlationIdPath as keyof typeof correlationPaths] ?? correlationIdPath);
  if (steps !== undefined) prepareCorrelation();
  const own = logger instanceof LambdaLogger;
  const invocations = own ? lambdaLoggerInvocations(logger) : teamLoggerInvocations(logger);
  const forLine = (value: unknown): unknown => invocations.bounded(maskList.length === 0 ? value : maskPaths(value, maskList));
  if (logSink) setLogSink(sinkFor(logger, { errorShape }));

  // Withheld while a load is in flight at the bound, or while a load given up (no line waits for it: it hung a whole
  // invocation) may still register a secret; `waitedMs`: the time this line waited (0 when nothing was waited for).
  const writeEventLine = (event: unknown, wait?: { settled: boolean; waitedMs: number }): void => {
    if ((wait === undefined || wait.settled) && !secretLoadsGivenUp()) logger.info('Lambda invocation event', { event: forLine(event) });
    else logger.info('Lambda invocation event', { event: EVENT_WITHHELD, waitedMs: wait?.waitedMs ?? 0 });
  };

  const logContextBefore = (request: Request): void | Promise<void> => {
    // Whatever the last invocation left (an early return skips after and onError), this one starts clean.
    invocations.start(request);
    if (!own && process.env._X_AMZN_TRACE_ID === undefined) {
      const root = traceRoot((request.context as { xRayTraceId?: unknown }).xRayTraceId);
      if (root !== undefined) logger.appendKeys({ xray_trace_id: root });
    }
    if (steps !== undefined) {
      const id = readCorrelationId(request.event, steps);
      startCorrelation(id);
      setCorrelationIdOf(request, id);
      if (id !== undefined) logger.setCorrelationId(id);
    }
    if (!logEvent) return;
    // Cold start: secrets()'s prefetch may still be loading a value the event holds; it is masked once registered.
    const pending = pendingSecrets();
    if (pending === undefined) return writeEventLine(request.event);
    return secretsSettled(pending, request.context).then((wait) => writeEventLine(request.event, wait));
  };

  const logContextAfter = (request: Request): void => {
    if (logResponse) logger.info('Lambda invocation response', { response: forLine(request.response) });
    invocations.end(false);
  };

  // No line of its own: errorLog() writes the one error line (through the sink, with these keys).
  const logContextOnError = (): void => {
    invocations.end(true);
  };

  return { name: 'logContext', before: logContextBefore, after: logContextAfter, onError: logContextOnError };
};

const logContextOptions = loggerChecker('logContext');

const isMaskPath = (p: unknown): boolean => typeof p === 'string' && p !== '' && p.split('.').every((s) => s !== '');
/** A path, or a preset's name (a SCREAMING_CASE word that is not a preset is taken for a misspelt one). */
const isCorrelationPath = (p: unknown): boolean =>
  typeof p === 'string' && (Object.hasOwn(correlationPaths, p) || (!/^[A-Z][A-Z0-9_]*$/.test(p) && parseCorrelationPath(p) !== undefined));

const LOG_CONTEXT_RULES: Record<keyof LogContextOptions, OptionRule> = {
  logger: is.custom(
    'a logger from createLogger() or a Powertools Logger (@aws-lambda-powertools/logger)',
    (l) => l instanceof LambdaLogger || isPowertoolsLogger(l),
  ),
  logEvent: is.boolean,
  logResponse: is.boolean,
  mask: is.custom("an array of paths like 'body.password'", Array.isArray),
  logSink: is.boolean,
  correlationIdPath: is.custom(
    `a path like 'requestContext.requestId' or 'headers."x-correlation-id"', or one of ${Object.keys(correlationPaths).join(', ')}`,
    isCorrelationPath,
  ),
  errorShape: is.oneOf(['powertools', 'lambdaware']),
};

const validateOptions = (options: LogContextOptions): void => {
  const { mask } = logContextOptions.options(options, LOG_CONTEXT_RULES) as LogContextOptions;
  mask?.forEach((p, i) => logContextOptions.check(`mask[${i}]`, p, is.custom("a dotted path like 'headers.Authorization'", isMaskPath), false));
};
