export { LambdaLogger, LogEntry, createLogger, logger, type LoggerOptions } from './logger.js';
export { logContext, sinkFor, EVENT_WITHHELD, SECRET_WAIT_MARGIN_MS, type LogContextOptions } from './middleware.js';
export { MAX_LINE_BYTES, MAX_DEPTH, DEPTH_MARKER } from './line.js';
export { LOG_LEVELS, LEVEL_VARIABLES, parseLevel, type LogLevel } from './levels.js';
export { LoggerOptionsError } from './errors.js';
