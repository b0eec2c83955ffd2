import type { MiddlewareObj, Request } from '@middy/core';
import { type LogSink, setLogSink } from '@lambdaware/shared';
import { LoggerOptionsError } from './errors.js';
import { describeValue as describe } from '@lambdaware/shared';
import { type LambdaLogger, logger as sharedLogger } from './logger.js';
import { type MaskPath, maskPaths, parseMaskPath } from './mask.js';

/** Options of logContext(). */
export interface LogContextOptions {
  /** The logger whose lines get the invocation's keys. Default: the shared `logger`. */
  logger?: LambdaLogger;
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
export const sinkFor = (target: LambdaLogger): LogSink => ({
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

/**
 * Middy middleware: every line written during the invocation carries the Lambda request id, function name,
 * cold-start flag and X-Ray trace id. Fields added with `logger.set()` are cleared at the start of each
 * invocation, on success and on error, so none reaches the next invocation whatever ran last. Use it first.
 */
export const logContext = (options: LogContextOptions = {}): MiddlewareObj => {
  validateOptions(options);
  const { logger, logEvent, logResponse, mask, logSink } = { logger: sharedLogger, ...defaults, ...options };
  const maskList: MaskPath[] = mask.map(parseMaskPath);
  const masked = (value: unknown): unknown => (maskList.length === 0 ? value : maskPaths(value, maskList));
  if (logSink) setLogSink(sinkFor(logger));

  const logContextBefore = (request: Request): void => {
    // Whatever the last invocation left (an early return skips after and onError), this one starts clean.
    logger.clearInvocation();
    const context = request.context as Partial<Request['context']> & { xRayTraceId?: string };
    logger.addContext(request.context);
    if (process.env._X_AMZN_TRACE_ID === undefined) {
      const root = traceRoot(context.xRayTraceId);
      if (root !== undefined) logger.set('xray_trace_id', root);
    }
    if (logEvent) logger.info('Lambda invocation event', { event: masked(request.event) });
  };

  const logContextAfter = (request: Request): void => {
    if (logResponse) logger.info('Lambda invocation response', { response: masked(request.response) });
    logger.clearInvocation();
  };

  // No line of its own: errorLog() writes the one error line (through the sink, with these keys).
  const logContextOnError = (): void => {
    logger.clearInvocation();
  };

  return { before: logContextBefore, after: logContextAfter, onError: logContextOnError };
};

const KNOWN = ['logger', 'logEvent', 'logResponse', 'mask', 'logSink'];

const validateOptions = (options: LogContextOptions): void => {
  if (options === null || typeof options !== 'object') {
    throw new LoggerOptionsError(`logContext: options must be an object; got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw new LoggerOptionsError(`logContext: unknown option "${key}" (known: ${KNOWN.join(', ')})`);
  }
  for (const key of ['logEvent', 'logResponse', 'logSink'] as const) {
    const v = options[key];
    if (v !== undefined && typeof v !== 'boolean') {
      throw new LoggerOptionsError(`logContext: option "${key}" must be true or false; got ${describe(v)}`);
    }
  }
  const { logger, mask } = options;
  if (logger !== undefined && (logger === null || typeof (logger as Partial<LambdaLogger>).clearInvocation !== 'function')) {
    throw new LoggerOptionsError(`logContext: option "logger" must be a logger from createLogger(); got ${describe(logger)}`);
  }
  if (mask !== undefined) {
    if (!Array.isArray(mask)) {
      throw new LoggerOptionsError(`logContext: option "mask" must be an array of paths like 'body.password'; got ${describe(mask)}`);
    }
    mask.forEach((p, i) => {
      if (typeof p !== 'string' || p === '' || p.split('.').some((s) => s === '')) {
        throw new LoggerOptionsError(`logContext: option "mask"[${i}] must be a dotted path like 'headers.Authorization'; got ${describe(p)}`);
      }
    });
  }
};
