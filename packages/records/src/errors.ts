import type { StandardSchemaV1 } from '@standard-schema/spec';
import { OptionsError, cutString, formatIssuePath, nameErrorClass, thrownMessage } from '@lambdaware/shared';
import type { RecordFailure } from './types.js';

/** At most this many failures are described in full in a message (each reason cut at REASON_MAX characters)... */
const DETAILED = 25;
/** ... the next ones up to this many are named by index and id; the rest are counted. */
const NAMED = 100;
const REASON_MAX = 300;
const ID_MAX = 120;
/** The message never exceeds this many characters, whatever the failures (CloudWatch Logs keeps 256 KB per event). */
export const MESSAGE_MAX = 32 * 1024;

const cut = cutString;

/**
 * Bad input: an event of unknown shape, or records that could not be decoded, failed the schema or (partial batch
 * mode, when every record failed) whose function threw. `failures` lists every bad record; the message names each
 * one's index, id and source, and what was wrong.
 */
export class RecordsError extends Error {
  override name = 'RecordsError';
  /** The kind of event (`SQS`, `Kinesis`, ...) or `unknown`. */
  readonly eventType: string;
  /** Every bad record, in index order (empty for an event of unknown shape). */
  readonly failures: RecordFailure[];
  /** How many records the event held. */
  readonly total: number;

  constructor(message: string, eventType: string, failures: RecordFailure[], total: number, options?: ErrorOptions) {
    super(message, options);
    this.eventType = eventType;
    this.failures = failures;
    this.total = total;
  }

  /**
   * What `JSON.stringify(error)` gives, bounded whatever the batch: the Lambda runtime (aws-lambda-ric) prints a thrown
   * error as JSON with every enumerable property, so without this 10,000 failures made one 3.4 MB "Invoke Error"
   * line. The first DETAILED failures are kept (index, id, source, kind, reason cut at REASON_MAX characters) and the
   * rest counted; `error.failures` itself still has every one.
   */
  toJSON(): Record<string, unknown> {
    const kept = this.failures.slice(0, DETAILED).map(({ index, subRecord, id, source, kind, reason }) => ({
      index,
      subRecord,
      id: id === undefined ? undefined : cut(id, ID_MAX),
      source,
      kind,
      reason: cut(reason, REASON_MAX),
    }));
    const json: Record<string, unknown> = {
      errorType: this.name,
      errorMessage: this.message,
      eventType: this.eventType,
      total: this.total,
      failures: kept,
    };
    if (this.failures.length > kept.length) json.failuresOmitted = this.failures.length - kept.length;
    if (typeof this.stack === 'string') json.stack = this.stack.split('\n');
    return json;
  }

  /** `N of M <eventType> records failed: record 0 (sqs, id "..."): reason; ...`. */
  static forFailures(eventType: string, failures: RecordFailure[], total: number): RecordsError {
    // a KPL aggregate's sub-records are failures of one record (the aggregate)
    const failed = new Set(failures.map((f) => f.index)).size;
    const head =
      failed === total && total > 1
        ? `all ${total} records of the ${eventType} event failed`
        : `${failed} of ${total} records of the ${eventType} event failed`;
    const parts = failures.slice(0, DETAILED).map((f) => `${describeRecord(f)}: ${cut(f.reason, REASON_MAX)}`);
    if (failures.length > DETAILED) {
      const named = failures.slice(DETAILED, NAMED).map(describeRecord);
      if (failures.length > NAMED) named.push(`and ${failures.length - NAMED} more not named here (error.failures has every one)`);
      parts.push(`and ${failures.length - DETAILED} more: ${named.join(', ')}`);
    }
    let message = `${head}: ${parts.join('; ')}`;
    if (message.length > MESSAGE_MAX) message = cutString(message, MESSAGE_MAX - 40);
    const handlerError = failures.find((f) => f.kind === 'handler')?.cause;
    return new RecordsError(message, eventType, failures, total, handlerError === undefined ? undefined : { cause: handlerError });
  }
}

/**
 * A bad option given to `records()` / `decapsulate()` / `processBatch()`, thrown when the middleware is created: the
 * shared OptionsError of @lambdaware/shared (`option`, `expected`, `given`; `instanceof OptionsError` holds).
 */
export class RecordsOptionError extends OptionsError {}
nameErrorClass(RecordsOptionError, 'RecordsOptionError');

/** `record 2 (sqs, id "059f…")`; a KPL sub-record: `record 0 (kinesis, id "4956…", sub-record 1)`. */
export const describeRecord = (f: Pick<RecordFailure, 'index' | 'id' | 'source' | 'subRecord'>): string =>
  `record ${f.index} (${f.source}, id ${f.id === undefined ? 'unknown' : JSON.stringify(cut(f.id, ID_MAX))}${f.subRecord === undefined ? '' : `, sub-record ${f.subRecord}`})`;

/** `items[0].qty: Too small; (root): Expected object` */
export const formatIssues = (issues: readonly StandardSchemaV1.Issue[]): string =>
  issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ');

/** `items[0].qty` (the one path format of @lambdaware/shared). */
export const formatPath = (path: StandardSchemaV1.Issue['path']): string => formatIssuePath(path);

/** A thrown value's message, `name: message`, never throwing itself. */
export const messageOf = (error: unknown): string => thrownMessage(error, true);
