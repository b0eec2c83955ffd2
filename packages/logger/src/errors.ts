import { OptionsError, type OptionsChecker, nameErrorClass, optionsChecker } from '@lambdaware/shared';

/**
 * A bad option or log level given to createLogger(), logContext() or setLevel(): the shared OptionsError of
 * @lambdaware/shared (`option`, `expected`, `given`; `instanceof OptionsError` holds).
 */
export class LoggerOptionsError extends OptionsError {}
nameErrorClass(LoggerOptionsError, 'LoggerOptionsError');

/** The options checker of one logger function (`createLogger`, `logContext`, `setLevel`). */
export const loggerChecker = (fn: string): OptionsChecker => optionsChecker('@lambdaware/logger', fn, (init) => new LoggerOptionsError(init));
