export { LambdaLogger, LogEntry, createLogger, logger, type LoggerOptions, type LogBufferOptions } from './logger.js';
export { logContext, sinkFor, EVENT_WITHHELD, EVENT_SECRET_WAIT_MS, type LogContextOptions } from './middleware.js';
export { correlationId, correlationPaths, type CorrelationPreset } from './correlation.js';
export { MAX_DEPTH, DEPTH_MARKER } from './line.js';
export { MAX_LINE_BYTES } from '@lambdaware/shared';
export { LOG_LEVELS, LEVEL_VARIABLES, parseLevel, type LogLevel } from './levels.js';
export { LoggerOptionsError } from './errors.js';
