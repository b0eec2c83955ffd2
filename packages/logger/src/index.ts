export { LambdaLogger, LogEntry, createLogger, logger, type LoggerOptions } from './logger.js';
export { logContext, sinkFor, type LogContextOptions } from './middleware.js';
export { LOG_LEVELS, LEVEL_VARIABLES, parseLevel, type LogLevel } from './levels.js';
export { LoggerOptionsError } from './errors.js';
