import type { OptionRule } from '@lambdaware/shared';
import { describeValue, is } from '@lambdaware/shared';
import { loggerChecker } from './errors.js';
import { parseLevel } from './levels.js';
import type { ConstructorOptions } from './powertools-adapter.js';

/** Powertools' `logBufferOptions`, and `maxLines` (lambdaware's: the most lines held per invocation, default 200). */
export interface LogBufferOptions {
  enabled?: boolean;
  /** Default 20480 (Powertools'). The oldest lines are dropped (and counted) beyond it. */
  maxBytes?: number;
  /** Default 200. */
  maxLines?: number;
  /** Lines at this level and below are held. Default `debug`. */
  bufferAtVerbosity?: string;
  /** An `error()`/`critical()` line writes the held lines first. Default true (as Powertools). */
  flushOnErrorLog?: boolean;
}

/**
 * Options of createLogger(): lambdaware's `level` (any letter case, `fatal` = `critical`) and Powertools' `new
 * Logger()` options (`logLevel`, `serviceName`, `environment`, `sampleRateValue`, `persistentKeys`, `logFormatter`,
 * `logRecordOrder`, `jsonReplacerFn`, `logBufferOptions`, `correlationIdSearchFn`).
 */
export type LoggerOptions = Omit<ConstructorOptions, 'logBufferOptions' | 'logLevel'> & {
  /** The level, in any letter case (`fatal` = `critical`). Default: from AWS_LAMBDA_LOG_LEVEL, LOG_LEVEL, POWERTOOLS_LOG_LEVEL, else `info`. Same as `logLevel`. */
  level?: string;
  logLevel?: string;
  logBufferOptions?: LogBufferOptions;
};

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

export const createLoggerOptions = loggerChecker('createLogger');
export const setLevelOptions = loggerChecker('setLevel');

/** The rule of each option (null: checked by levelOrThrow). */
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
    logFormatter: is.custom(
      'a Powertools LogFormatter (with formatAttributes())',
      (f) => typeof (f as { formatAttributes?: unknown } | null)?.formatAttributes === 'function',
    ),
    logRecordOrder: is.arrayOf(is.string(false), 'an array of key names'),
  },
);

const BUFFER_RULES: Record<keyof LogBufferOptions, OptionRule> = {
  enabled: is.boolean,
  maxBytes: is.integer(1),
  maxLines: is.integer(1),
  bufferAtVerbosity: is.custom('a level (trace, debug, info, warn)', (v) => parseLevel(v) !== undefined),
  flushOnErrorLog: is.boolean,
};

export const validateLoggerOptions = (options: LoggerOptions): void => {
  const o = createLoggerOptions.options(options, LOGGER_RULES);
  if (o.level !== undefined && o.logLevel !== undefined && o.level !== o.logLevel) {
    throw createLoggerOptions.error('level', {
      problem: `and "logLevel" are the same setting; give one (got ${describeValue(o.level)} and ${describeValue(o.logLevel)})`,
    });
  }
  if (o.logRecordOrder !== undefined && o.logFormatter !== undefined) {
    throw createLoggerOptions.error('logRecordOrder', {
      problem: 'cannot be given together with option "logFormatter" (as in Powertools): order the keys in your formatter',
    });
  }
  if (o.logBufferOptions !== undefined) createLoggerOptions.options(o.logBufferOptions, BUFFER_RULES, 'logBufferOptions');
};
