import { MAX_LINE_BYTES, cutToBytes, setRecentLines } from '@lambdaware/shared';
import { GuardedFormatter } from './formatter.js';
import { InvocationScoped, RecentLines } from './invocation.js';
import { toJsonData } from './line.js';
import { serializeLine } from './line-size.js';
import type { Invocations } from './middleware.js';
import { type LoggerInterface, boundLoggerLines, guardLoggerFormatter } from './powertools-adapter.js';

type Recent = InvocationScoped<{ lines: RecentLines | undefined }>;

/** Per team Logger: the recent lines of the invocation running now, kept from what its formatter formats. */
const recentOf = new WeakMap<object, Recent>();

/** `value` as JSON data, or (over the line limit) the start of its JSON cut with the shared marker. */
const boundedValue = (value: unknown): unknown => {
  const data = toJsonData(value);
  const json = JSON.stringify(data) ?? 'null';
  const cut = cutToBytes(json, MAX_LINE_BYTES - 8 * 1024);
  return cut === json ? data : cut;
};

/**
 * A Powertools Logger the app configured: Powertools' public API per invocation (as its injectLambdaContext does:
 * resetKeys, addContext, refreshSampleRateCalculation, clearBuffer/flushBuffer), and, through the adapter, its
 * formatter wrapped once (depth limit, own keys, structural masking, its own error shape kept) and its lines bounded
 * in size (serialized with its replacer, printed where it prints them). Its log buffer (`logBufferOptions`) is
 * Powertools' own: flushed before the failure's error line (by the sink), cleared on success.
 */
export const teamLoggerInvocations = (logger: LoggerInterface): Invocations => {
  let recent = recentOf.get(logger);
  if (recent === undefined) {
    const created: Recent = new InvocationScoped('lambdaware.logger.teamRecent', () => ({ lines: undefined }));
    recentOf.set(logger, (recent = created));
    const observe = (attributes: Record<string, unknown>): void => {
      const m = attributes.message;
      created.get().lines?.add(attributes, 256 + (typeof m === 'string' ? m.length : 0), false);
    };
    guardLoggerFormatter(logger, (inner) => new GuardedFormatter(inner, true, observe));
  }
  const scoped = recent;
  const linesBounded = boundLoggerLines(logger, serializeLine);
  const l = logger as LoggerInterface & { clearBuffer?: () => void; flushBuffer?: () => void };
  return {
    start(request) {
      l.resetKeys();
      l.clearBuffer?.();
      l.refreshSampleRateCalculation();
      l.addContext(request.context);
      const lines = new RecentLines();
      scoped.reset().lines = lines;
      setRecentLines(request, () => lines.read());
    },
    end(failed) {
      if (failed) l.flushBuffer?.();
      l.resetKeys();
      l.clearBuffer?.();
    },
    // Its lines are bounded by its printLog; with a Powertools the adapter does not know, the values logged here are.
    bounded: linesBounded ? (value) => value : boundedValue,
  };
};
