import { hasSecrets, redactString, safeString } from '@lambdaware/shared';
import { BASE_KEYS, CONTEXT_KEYS, RESERVED_KEYS, maskedFields, messageText, needsWalk, putOwn, toJsonData } from './line.js';
import type { LogAttributes, LogFormatter, LogItem, UnformattedAttributes } from './powertools-adapter.js';

const isEmpty = (v: unknown): boolean => v === undefined || v === null || v === '';

/**
 * What a Powertools LogFormatter returned (a team's own formatter, or the formatter of a Powertools Logger the app
 * configured), with lambdaware's guarantees: own keys only, empty values left out, JSON data (depth limit, circular
 * references, hostile values), registered secrets masked in the message and in the fields, the line's standard keys
 * (BASE_KEYS) left as they are. With `keepInstances`, Map, Set, Date, BigInt and class instances are left for the
 * Logger's `jsonReplacerFn`.
 */
export const guardAttributes = (
  attributes: Record<string, unknown>,
  keepInstances: boolean,
  formatError?: (error: Error) => unknown,
): Record<string, unknown> => {
  const line: Record<string, unknown> = {};
  const secrets = hasSecrets();
  const rest: Record<string, unknown> = secrets ? {} : line;
  for (const key of Object.keys(attributes)) {
    const v = attributes[key];
    if (isEmpty(v)) continue;
    if (key === 'message') putOwn(line, key, typeof v === 'string' ? (secrets ? redactString(v) : v) : messageText(v));
    else if (BASE_KEYS.has(key)) putOwn(line, key, v);
    else if (formatError !== undefined && v instanceof Error) putOwn(rest, key, toJsonData(errorShape(v, formatError), keepInstances));
    else putOwn(rest, key, needsWalk(v) ? toJsonData(v, keepInstances) : v);
  }
  if (secrets) {
    const masked = maskedFields(rest);
    for (const k of Object.keys(masked)) putOwn(line, k, masked[k]);
  }
  return line;
};

/** The Logger's own error shape (Powertools: name, location, message, stack), else lambdaware's data of it. */
const errorShape = (error: Error, formatError: (error: Error) => unknown): unknown => {
  try {
    return formatError(error);
  } catch {
    return error;
  }
};

/** The line of last resort when a formatter throws on a value: lambdaware's keys, the message and the fields as data. */
const fallbackAttributes = (a: UnformattedAttributes, fields: LogAttributes, e: unknown): Record<string, unknown> => {
  const line: Record<string, unknown> = { level: a.logLevel, message: messageText(a.message), timestamp: a.timestamp?.toISOString?.() };
  if (!isEmpty(a.serviceName)) line.service = a.serviceName;
  const ctx = a.lambdaContext;
  if (ctx !== undefined) {
    line.cold_start = ctx.coldStart;
    if (!isEmpty(ctx.functionName)) line.function_name = ctx.functionName;
    if (!isEmpty(ctx.awsRequestId)) line.function_request_id = ctx.awsRequestId;
  }
  if (!isEmpty(a.xRayTraceId)) line.xray_trace_id = a.xRayTraceId;
  for (const key of Object.keys(fields)) {
    const k = RESERVED_KEYS.has(key) ? undefined : CONTEXT_KEYS.has(key) ? `field_${key}` : key;
    if (k !== undefined && !isEmpty(fields[key])) putOwn(line, k, toJsonData(fields[key]));
  }
  line.formatter_error = safeString(e);
  return line;
};

/** A LogItem's methods the Logger calls, over attributes already made ready (Powertools' LogItem not loaded). */
class PlainItem {
  constructor(private attributes: Record<string, unknown>) {}
  getAttributes(): Record<string, unknown> {
    return this.attributes;
  }
  setAttributes(attributes: Record<string, unknown>): void {
    this.attributes = attributes;
  }
  addAttributes(attributes: Record<string, unknown>): this {
    for (const k of Object.keys(attributes)) putOwn(this.attributes, k, attributes[k]);
    return this;
  }
  prepareForPrint(): void {}
}

/**
 * Another formatter (the formatter of a Powertools Logger the app configured) with lambdaware's guarantees on what it
 * returns (guardAttributes). Not a subclass of Powertools' LogFormatter, so loading @lambdaware/logger never loads
 * Powertools: it has the methods the Logger calls (formatAttributes, formatTimestamp, formatError, getCodeLocation).
 */
export class GuardedFormatter {
  readonly #formatError: (error: Error) => unknown;

  constructor(
    readonly inner: LogFormatter,
    private readonly keepInstances: boolean,
    /** Called with each line's attributes once guarded (the invocation's recent lines). */
    private readonly observe?: (attributes: Record<string, unknown>) => void,
  ) {
    this.#formatError = (e) => inner.formatError(e);
  }

  formatAttributes(a: UnformattedAttributes, fields: LogAttributes): LogItem {
    let item: LogItem;
    try {
      item = this.inner.formatAttributes(a, fields);
      item.setAttributes(guardAttributes(item.getAttributes(), this.keepInstances, this.#formatError) as LogAttributes);
    } catch (e) {
      // The formatter threw on a value (Powertools' own deep-merges every field: a 3,000-level object overflows the
      // stack): the line is written with lambdaware's keys instead, and says so.
      item = new PlainItem(guardAttributes(fallbackAttributes(a, fields, e), false)) as unknown as LogItem;
    }
    this.observe?.(item.getAttributes());
    return item;
  }

  formatTimestamp(now: Date): string {
    return this.inner.formatTimestamp(now);
  }

  formatError(error: Error): LogAttributes {
    return this.inner.formatError(error);
  }

  getCodeLocation(stack?: string): string {
    return this.inner.getCodeLocation(stack);
  }
}
