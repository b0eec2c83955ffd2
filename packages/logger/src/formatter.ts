import { hasSecrets, redactDeep, safeString } from '@lambdaware/shared';
import { BASE_KEYS, OWN_KEYS, maskedMessage, needsWalk, putOwn, toJsonData } from './line.js';
import { type LogAttributes, LogFormatter, LogItem, type UnformattedAttributes } from './powertools-adapter.js';

/**
 * A value added with `set()`. Powertools deep-merges plain objects into its keys (copying them and dropping
 * circular references); boxed, the value is kept as given, replaced by the next `set()` of the same key, and
 * written like any other field.
 */
export class InvocationField {
  constructor(readonly value: unknown) {}
}

/**
 * The own keys of a logged object that has an own `__proto__` key (`JSON.parse('{"__proto__":…}')`), boxed before
 * Powertools copies them (its `attributes[key] = value` would make that value the prototype of the line's
 * attributes): the formatter writes them back as own keys, `__proto__` as an ordinary key.
 */
export class OwnFields {
  constructor(readonly fields: Record<string, unknown>) {}
}

/** `toISOString()` of the last minute seen, up to the seconds (`2026-01-12T10:15:`), and that minute. */
let minutePrefix = '';
let prefixMinute = Number.NaN;

/** `date.toISOString()` (UTC, milliseconds): the date and time up to the minute are formatted once a minute. */
const isoUtc = (date: Date): string => {
  const t = date.getTime();
  const minute = Math.floor(t / 60_000);
  if (minute !== prefixMinute) {
    const iso = date.toISOString();
    // Years before 0 or after 9999 have another shape (±YYYYYY): formatted in full every time.
    if (iso.length !== 24) return iso;
    minutePrefix = iso.slice(0, 17);
    prefixMinute = minute;
  }
  const ms = t - minute * 60_000;
  const sec = Math.floor(ms / 1000);
  const milli = ms - sec * 1000;
  return `${minutePrefix}${sec < 10 ? '0' : ''}${sec}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
};

const isEmpty = (v: unknown): boolean => v === undefined || v === null || v === '';

/**
 * Writes one field into `target`: an empty value is left out (as Powertools does), a value that is not a string,
 * number or boolean becomes JSON data (toJsonData), and a field named like one of the line's own keys (OWN_KEYS)
 * that the line has is written as `field_<key>`.
 */
const addField = (line: LogAttributes, target: LogAttributes, key: string, raw: unknown, keep: boolean): void => {
  let v = raw instanceof InvocationField ? raw.value : raw;
  if (v instanceof OwnFields) {
    for (const k of Object.keys(v.fields)) addField(line, target, k, v.fields[k], keep);
    return;
  }
  if (isEmpty(v)) return;
  if (needsWalk(v)) v = toJsonData(v, keep);
  putOwn(target, OWN_KEYS.has(key) && line[key] !== undefined ? `field_${key}` : key, v);
};

/**
 * A string holding a JSON object or array (an API Gateway or SQS `body`): masked inside, as data, and written back as
 * JSON text (a secret inside it is JSON-escaped there, so text masking would not find one with `"` or `\`).
 */
const maskJsonText = (text: string): string => {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  const data = toJsonData(parsed);
  const before = JSON.stringify(data);
  const after = JSON.stringify(redactDeep(maskJsonStrings(data)));
  return after === before ? text : after;
};

/** `value` (JSON data) with every string that holds JSON masked inside (maskJsonText); the rest as it is. */
const maskJsonStrings = (value: unknown): unknown => {
  if (typeof value === 'string') return maskJsonText(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(maskJsonStrings);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // kept for a team Logger's replacer
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) putOwn(out, k, maskJsonStrings((value as Record<string, unknown>)[k]));
  return out;
};

/** Masks the registered secrets in the fields (structurally) and appends them to `line` (own keys kept as own keys). */
const appendMasked = (line: LogAttributes, fields: LogAttributes): void => {
  const masked = redactDeep(maskJsonStrings(fields) as LogAttributes);
  for (const k of Object.keys(masked)) putOwn(line, k, masked[k]);
};

/**
 * lambdaware's formatter: Powertools' key names (`level`, `message`, `timestamp`, `service`, `environment`,
 * `cold_start`, `function_arn`, `function_memory_size`, `function_name`, `function_request_id`, `sampling_rate`,
 * `xray_trace_id`, `tenant_id`), then the fields (own keys only), as JSON data with registered secrets masked.
 * Empty values are left out here (the line is serialized as built).
 */
export class LambdaLogFormatter extends LogFormatter {
  /** `TZ` as Powertools reads it (trimmed), read again by refreshTimezone() at the start and end of every invocation. */
  #tz = '';
  readonly #order: readonly string[] | undefined;

  constructor(logRecordOrder?: readonly string[]) {
    super();
    this.#order = logRecordOrder && logRecordOrder.length > 0 ? logRecordOrder : undefined;
    this.refreshTimezone();
  }

  get logRecordOrder(): readonly string[] | undefined {
    return this.#order;
  }

  refreshTimezone(): void {
    this.#tz = process.env.TZ?.trim() ?? '';
  }

  /** Powertools reads `TZ` on every line; in UTC (Lambda's default, `:UTC`) the line gets isoUtc() at once. */
  override formatTimestamp(now: Date): string {
    if (this.#tz === '' || this.#tz.includes('UTC')) return isoUtc(now);
    return super.formatTimestamp(now);
  }

  override formatAttributes(a: UnformattedAttributes, fields: LogAttributes): LogItem {
    const ctx = a.lambdaContext;
    const message = needsWalk(a.message) ? toJsonData(a.message) : a.message;
    const line: LogAttributes = { level: a.logLevel, message: maskedMessage(message), timestamp: this.formatTimestamp(a.timestamp) };
    if (!isEmpty(a.serviceName)) line.service = a.serviceName;
    if (!isEmpty(a.environment)) line.environment = a.environment;
    if (ctx !== undefined) {
      line.cold_start = ctx.coldStart;
      if (!isEmpty(ctx.invokedFunctionArn)) line.function_arn = ctx.invokedFunctionArn;
      if (!isEmpty(ctx.memoryLimitInMB)) line.function_memory_size = ctx.memoryLimitInMB;
      if (!isEmpty(ctx.functionName)) line.function_name = ctx.functionName;
      if (!isEmpty(ctx.awsRequestId)) line.function_request_id = ctx.awsRequestId;
    }
    if (a.sampleRateValue) line.sampling_rate = a.sampleRateValue;
    if (!isEmpty(a.xRayTraceId)) line.xray_trace_id = a.xRayTraceId;
    if (ctx !== undefined && !isEmpty(ctx.tenantId)) line.tenant_id = ctx.tenantId;
    if (hasSecrets()) {
      const target: LogAttributes = {};
      for (const key of Object.keys(fields)) addField(line, target, key, fields[key], false);
      appendMasked(line, target);
    } else {
      for (const key of Object.keys(fields)) addField(line, line, key, fields[key], false);
    }
    return new LogItem({ attributes: this.#order === undefined ? line : ordered(line, this.#order) });
  }
}

/** `line` with the keys of `order` first, in that order (Powertools' `logRecordOrder`). */
const ordered = (line: LogAttributes, order: readonly string[]): LogAttributes => {
  const out: LogAttributes = {};
  for (const key of order) if (Object.hasOwn(line, key)) putOwn(out, key, line[key]);
  for (const key of Object.keys(line)) if (!Object.hasOwn(out, key)) putOwn(out, key, line[key]);
  return out;
};

/**
 * Another formatter (a team's own `logFormatter`, or the formatter of a Powertools Logger the app configured) with
 * lambdaware's guarantees on what it returns: own keys only, empty values left out, the depth limit and circular
 * references marked, registered secrets masked in the message (in text) and in the fields (structurally), the line's
 * standard keys (BASE_KEYS) left as they are. With `keepInstances`, Map, Set, Date, BigInt and class instances are
 * left for that Logger's `jsonReplacerFn`.
 */
let fallbackFormatter: LambdaLogFormatter | undefined;

export class GuardedFormatter extends LogFormatter {
  constructor(
    readonly inner: LogFormatter,
    private readonly keepInstances: boolean,
  ) {
    super();
  }

  override formatAttributes(a: UnformattedAttributes, fields: LogAttributes): LogItem {
    let item: LogItem;
    try {
      item = this.inner.formatAttributes(a, fields);
    } catch (e) {
      // The formatter threw on a value (Powertools' own deep-merges every field: a 3,000-level object overflows the
      // stack): the line is written with lambdaware's formatter instead, and says so.
      item = (fallbackFormatter ??= new LambdaLogFormatter()).formatAttributes(a, fields);
      item.getAttributes().formatter_error = safeString(e);
    }
    const attributes = item.getAttributes();
    const line: LogAttributes = {};
    const secrets = hasSecrets();
    const rest: LogAttributes = secrets ? {} : line;
    for (const key of Object.keys(attributes)) {
      if (BASE_KEYS.has(key)) {
        const v = attributes[key];
        if (isEmpty(v)) continue;
        putOwn(line, key, key === 'message' ? maskedMessage(needsWalk(v) ? toJsonData(v, this.keepInstances) : v) : v);
      } else {
        addField(line, rest, key, attributes[key], this.keepInstances);
      }
    }
    if (secrets) appendMasked(line, rest);
    item.setAttributes(line);
    return item;
  }

  override formatTimestamp(now: Date): string {
    return this.inner.formatTimestamp(now);
  }

  override formatError(error: Error): LogAttributes {
    return this.inner.formatError(error);
  }

  override getCodeLocation(stack?: string): string {
    return this.inner.getCodeLocation(stack);
  }
}
