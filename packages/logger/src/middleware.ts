import type { MiddlewareObj, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { type LogSink, type OptionRule, is, pendingSecrets, setLogSink } from '@lambdaware/shared';
import { loggerChecker } from './errors.js';
import { GuardedFormatter } from './formatter.js';
import { MAX_LINE_BYTES, serializeLine, toJsonData } from './line.js';
import { LambdaLogger, logger as sharedLogger } from './logger.js';
import { type MaskPath, maskPaths, parseMaskPath } from './mask.js';
import { type LoggerInterface, boundLoggerLines, guardLoggerFormatter, isPowertoolsLogger } from './powertools-adapter.js';

/** Options of logContext(). */
export interface LogContextOptions {
  /**
   * The logger whose lines get the invocation's keys: a logger from createLogger(), or a Powertools `Logger` the app
   * already configured (its level, sampling, formatter, persistent keys and replacer are kept). Default: the shared `logger`.
   */
  logger?: LambdaLogger | LoggerInterface;
  /** Write the event as one info line `{ message: 'Lambda invocation event', event }` at the start. Default false. */
  logEvent?: boolean;
  /** Write the response as one info line `{ message: 'Lambda invocation response', response }` on success. Default false. */
  logResponse?: boolean;
  /** Paths in the event and the response whose values are written as `****` (`'body.password'`, `'Records.*.body'`). */
  mask?: string[];
  /** Install this logger as the @lambdaware/shared log sink (errors, sentry, secrets write through it). Default true. */
  logSink?: boolean;
}

const defaults = { logEvent: false, logResponse: false, mask: [] as string[], logSink: true };

/** A LogSink writing through `target`: the line gets the invocation's keys, `fields` at top level, and follows its level. */
export const sinkFor = (target: LambdaLogger | LoggerInterface): LogSink => ({
  log(level, message, fields) {
    if (fields === undefined) target[level](message);
    else target[level](message, fields);
  },
});

/** `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=…;Sampled=1` (or the bare id) -> `1-5759e988-…`. */
const traceRoot = (header: unknown): string | undefined => {
  if (typeof header !== 'string' || header === '') return undefined;
  if (!header.includes('=')) return header;
  for (const part of header.split(';')) {
    const [k, v] = part.split('=');
    if (k.trim() === 'Root' && v) return v.trim();
  }
  return undefined;
};

/** What logContext() does with the logger at the start and the end of an invocation. */
interface Invocations {
  start(context: Context): void;
  end(): void;
  /** `value` made ready for a line of this logger (its own formatter bounds it, or it is bounded here). */
  bounded(value: unknown): unknown;
}

/** A logger from createLogger(): its own keys are reset, its lines bounded by its writer. */
const lambdaLoggerInvocations = (logger: LambdaLogger): Invocations => ({
  start: (context) => logger.startInvocation(context),
  end: () => logger.clearInvocation(),
  bounded: (value) => value,
});

/**
 * A Powertools Logger the app configured: Powertools' public API per invocation (as its injectLambdaContext does:
 * resetKeys, addContext, refreshSampleRateCalculation, clearBuffer), and its formatter wrapped once (depth limit,
 * own keys, structural masking) and its lines bounded in size (serialized with its replacer, printed where it prints
 * them). The event and response values are also bounded here (their line keeps the other keys whole).
 */
const powertoolsInvocations = (logger: LoggerInterface): Invocations => {
  guardLoggerFormatter(logger, (inner) => new GuardedFormatter(inner, true));
  const linesBounded = boundLoggerLines(logger, serializeLine);
  return {
    start(context) {
      logger.resetKeys();
      logger.refreshSampleRateCalculation();
      logger.addContext(context);
    },
    end() {
      logger.resetKeys();
      (logger as { clearBuffer?: () => void }).clearBuffer?.();
    },
    // Its lines are bounded by its printLog; with a Powertools the adapter does not know, the values logged here are.
    bounded: linesBounded ? (value) => value : boundedValue,
  };
};

/** `value` as JSON data, or (over the line limit) the start of its JSON and a note of its size. */
const boundedValue = (value: unknown): unknown => {
  const data = toJsonData(value);
  const json = JSON.stringify(data) ?? 'null';
  const limit = MAX_LINE_BYTES - 8 * 1024;
  if (json.length * 3 <= limit) return data;
  const bytes = Buffer.byteLength(json);
  return bytes <= limit ? data : `${json.slice(0, Math.floor(limit / 6))}…[truncated: ${bytes} bytes]`;
};

/** Time kept back from the invocation's remaining time when the event line waits for secret loads. */
export const SECRET_WAIT_MARGIN_MS = 500;

/** Written instead of the event when a secret load is still in flight at the bound (the event may hold it). */
export const EVENT_WITHHELD = '[Withheld: a secret load was still in flight]';

/**
 * Waits for the secret loads in flight (pendingSecrets() from @lambdaware/shared), bounded by the invocation's
 * remaining time less SECRET_WAIT_MARGIN_MS. True when they settled (or none was in flight), false at the bound.
 */
const secretsSettled = async (pending: Promise<void>, context: Partial<Context>): Promise<boolean> => {
  const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 0;
  const bound = Math.max(0, remaining - SECRET_WAIT_MARGIN_MS);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), bound);
  });
  try {
    return await Promise.race([pending.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Middy middleware: every line written during the invocation carries the Lambda request id, function name,
 * cold-start flag and X-Ray trace id. Fields added with `logger.set()` (or Powertools' `appendKeys()`) are cleared at
 * the start of each invocation, on success and on error, so none reaches the next invocation whatever ran last.
 * Use it first.
 */
export const logContext = (options: LogContextOptions = {}): MiddlewareObj => {
  validateOptions(options);
  const { logger, logEvent, logResponse, mask, logSink } = { logger: sharedLogger, ...defaults, ...options };
  const maskList: MaskPath[] = mask.map(parseMaskPath);
  const invocations = logger instanceof LambdaLogger ? lambdaLoggerInvocations(logger) : powertoolsInvocations(logger);
  const forLine = (value: unknown): unknown => invocations.bounded(maskList.length === 0 ? value : maskPaths(value, maskList));
  if (logSink) setLogSink(sinkFor(logger));

  const writeEventLine = (event: unknown, settled: boolean): void => {
    logger.info('Lambda invocation event', { event: settled ? forLine(event) : EVENT_WITHHELD });
  };

  const logContextBefore = (request: Request): void | Promise<void> => {
    // Whatever the last invocation left (an early return skips after and onError), this one starts clean.
    invocations.start(request.context);
    const context = request.context as Partial<Request['context']> & { xRayTraceId?: string };
    if (process.env._X_AMZN_TRACE_ID === undefined) {
      const root = traceRoot(context.xRayTraceId);
      if (root !== undefined) {
        if (logger instanceof LambdaLogger) logger.set('xray_trace_id', root);
        else logger.appendKeys({ xray_trace_id: root });
      }
    }
    if (!logEvent) return;
    // Cold start: secrets()'s prefetch may still be loading a value the event holds; it is masked once registered.
    const pending = pendingSecrets();
    if (pending === undefined) return writeEventLine(request.event, true);
    return secretsSettled(pending, request.context).then((settled) => writeEventLine(request.event, settled));
  };

  const logContextAfter = (request: Request): void => {
    if (logResponse) logger.info('Lambda invocation response', { response: forLine(request.response) });
    invocations.end();
  };

  // No line of its own: errorLog() writes the one error line (through the sink, with these keys).
  const logContextOnError = (): void => {
    invocations.end();
  };

  return { name: 'logContext', before: logContextBefore, after: logContextAfter, onError: logContextOnError };
};

const logContextOptions = loggerChecker('logContext');

const isMaskPath = (p: unknown): boolean => typeof p === 'string' && p !== '' && p.split('.').every((s) => s !== '');

const LOG_CONTEXT_RULES: Record<keyof LogContextOptions, OptionRule> = {
  logger: is.custom(
    'a logger from createLogger() or a Powertools Logger (@aws-lambda-powertools/logger)',
    (l) => l instanceof LambdaLogger || isPowertoolsLogger(l),
  ),
  logEvent: is.boolean,
  logResponse: is.boolean,
  mask: is.custom("an array of paths like 'body.password'", Array.isArray),
  logSink: is.boolean,
};

const validateOptions = (options: LogContextOptions): void => {
  const { mask } = logContextOptions.options(options, LOG_CONTEXT_RULES) as LogContextOptions;
  mask?.forEach((p, i) => logContextOptions.check(`mask[${i}]`, p, is.custom("a dotted path like 'headers.Authorization'", isMaskPath), false));
};
