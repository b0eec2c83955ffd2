import type { LambdaLogger } from './logger.js';
import { putOwn } from './line.js';

type Message = unknown;

/** The fields of one line being built by `with()`; write it with one of the level methods. */
export class LogEntry {
  readonly #logger: LambdaLogger;
  readonly #fields: Record<string, unknown>;

  constructor(logger: LambdaLogger, fields: Record<string, unknown>) {
    this.#logger = logger;
    this.#fields = fields;
  }

  /** Another field on this line (a new entry: this one can be reused without it). */
  with(key: string, value: unknown): LogEntry {
    const fields = { ...this.#fields };
    putOwn(fields, key, value);
    return new LogEntry(this.#logger, fields);
  }

  trace(message: Message, ...extra: unknown[]): void {
    this.#logger.writeEntry('trace', message, this.#fields, extra);
  }
  debug(message: Message, ...extra: unknown[]): void {
    this.#logger.writeEntry('debug', message, this.#fields, extra);
  }
  info(message: Message, ...extra: unknown[]): void {
    this.#logger.writeEntry('info', message, this.#fields, extra);
  }
  warn(message: Message, ...extra: unknown[]): void {
    this.#logger.writeEntry('warn', message, this.#fields, extra);
  }
  error(message: Message, ...extra: unknown[]): void {
    this.#logger.writeEntry('error', message, this.#fields, extra);
  }
  critical(message: Message, ...extra: unknown[]): void {
    this.#logger.writeEntry('critical', message, this.#fields, extra);
  }
}
