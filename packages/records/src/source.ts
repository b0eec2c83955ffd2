import type { Answer } from './batch.js';
import { NOT_JSON, RecordProblem, jsonError, tryParse } from './text.js';
import type { AnyRecord, DecodeOptions, RecordFailure } from './types.js';

/**
 * How records are read. Two parts, each source one file of `sources/`:
 * - an **event source** (`EventSource`): a kind of event Lambda invokes the function with (SQS, SNS, Kinesis...): how
 *   the event is recognised, how one item is read, its id, its order, and how a batch is answered in partial mode;
 * - a **payload kind** (`Kind`): what a message may hold (an S3 notification, an SNS notification, an EventBridge
 *   event, a CloudWatch Logs batch, an SES notification), recognised once, in `carried()` (carry.ts), whatever
 *   carries it.
 * A carrier (SQS, SNS, EventBridge, Kinesis, Firehose) hands each message to `carried()` (`o.carry`); a kind that
 * carries others itself (SNS, EventBridge) hands its inner message on the same way, so any carrier holds any kind, and
 * a record's source says the path: `s3-over-sns-over-sqs`. An entry point lists the sources it bundles (`records.ts`
 * every one, `entries/sqs.ts` SQS alone, without carry.ts): nothing else is reached.
 */

export type Obj = Record<string, unknown>;
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The options decoding reads, with the payload kinds the entry point bundles and how a carrier hands them a message. */
export interface Ctx extends DecodeOptions {
  kinds: readonly Kind[];
  /** How a carrier hands a message to the kinds (carry.ts), when the entry point has kinds; without, a message is its payload. */
  carry: Carriage | undefined;
}

/** What a carrier does with a message: `carried` (carry.ts). */
/** `plain` builds the carrier's own record when the message holds no kind (given `via` back: no closure needed). */
export type Carry = <V extends Via>(m: Message, via: V, o: Ctx, plain: (payload: unknown, via: V) => Entry) => Entry;

/** Payload kinds in carriers (carry.ts): only the entry points with kinds import it. */
export interface Carriage {
  /** The kind a carrier's message holds, or the message itself as the payload (`plain`). */
  readonly message: Carry;
  /** The kind an EventBridge event is (S3's `aws.s3` events), or the event itself (`plain`). */
  readonly event: (e: Obj, via: Via, o: Ctx, plain: () => Entry) => Entry;
  /** The `source` option's rule: an event source or a kind through carriers. */
  readonly sourceRule: (reg: { events: readonly EventSource[]; kinds: readonly Kind[] }) => { expected: string; test: (v: unknown) => boolean };
}

export interface EventSource {
  /** The event's own record source (`sqs`): what `source` names to force it. */
  readonly name: string;
  /** Its name in messages: `the ${label} event`. */
  readonly label: string;
  readonly article: 'a' | 'an';
  /** `event.Records[n].eventSource` (or `EventSource`) of this kind, for events with a `Records` array. */
  readonly eventSource?: string;
  /** For an event without `Records`: the list of its raw items when the event is of this kind, else undefined. */
  readonly recognise?: (event: Obj) => unknown[] | undefined;
  /** Payloads are structured: the `payload` option ('text', 'bytes') does not apply. */
  readonly structured: boolean;
  /** Its messages may carry a payload kind (`<kind>-over-<name>`). */
  readonly carrier: boolean;
  /** Partial batch mode runs the records one at a time, in order (streams). */
  readonly ordered: boolean;
  /**
   * In order within a group, groups at once (`concurrency`): a Kafka partition, an SQS FIFO message group. `stops`:
   * after a failure the rest of its group is not processed (reported failed, to keep the order).
   */
  readonly groups?: (list: unknown[], o: Ctx & { fifo: 'group' | 'batch' }) => { groupOf: (raw: unknown) => string; stops: boolean } | undefined;
  /** Decodes one raw item: the record itself (the usual case) or an Item holding 0 or several. Throws RecordProblem. */
  readonly decode: (raw: unknown, index: number, o: Ctx) => Entry;
  /** The identity of an item that failed before (or while) being read, for naming it. */
  readonly idOf: (raw: unknown) => string | undefined;
  /** How partial batch mode answers (`{ batchItemFailures }`, Firehose's response, or RecordsError for any failure). */
  readonly answer: Answer;
}

/** Where a carried message came from: what its records get from the carrier(s). */
export interface Via {
  /** The carrier path: `sqs`, `sns-over-sqs`. */
  readonly source: string;
  /** The outermost carrier's id (what a partial batch response names) and the item's position. */
  readonly id: string;
  readonly index: number;
  /** The item of the event it came from. */
  readonly raw: unknown;
  /** The carrier fields a record it carries gets (SQS, Kinesis, SNS... fields). */
  fields(): object;
}

/** A Via whose carrier fields are already made (one object per item, no closure). */
export class FieldsVia<F extends object> implements Via {
  constructor(
    readonly source: string,
    readonly id: string,
    readonly index: number,
    readonly raw: unknown,
    readonly carrierFields: F,
  ) {}
  fields(): F {
    return this.carrierFields;
  }
}

/** A message as a carrier hands it over: its text, or the value a body parser put in its place. */
export interface Message {
  readonly text: string | undefined;
  readonly value?: unknown;
  /** Its name in reasons: `body`, `the SNS Message in the body`, `kinesis.data (decompressed)`. */
  readonly what: string;
  /** A body parser (@middy/event-normalizer) has been over it: its values are already decoded (S3 keys). */
  readonly normalized?: boolean;
}

export interface Kind {
  /** Its name in sources: `s3` in `s3-over-sqs`. */
  readonly name: string;
  /** What a message that should be one and is not is not: `an S3 event notification`. */
  readonly is: string;
  /** Recognised only in JSON payloads (its payload is an object): not with `payload: 'text'` or `'bytes'`. */
  readonly structured: boolean;
  /** It carries other kinds itself (an SNS notification's Message, an EventBridge event): `s3-over-sns-over-sqs`. */
  readonly carries?: true;
  readonly test: (value: Obj) => boolean;
  /** The records of one message of this kind. Throws RecordProblem. */
  readonly read: (value: Obj, m: Message, via: Via, o: Ctx) => Entry;
  /** When it reaches EventBridge as an event of its own shape (S3's `aws.s3` events): how it is recognised and read. */
  readonly inEventBridge?: { test: (event: Obj) => boolean; read: (event: Obj, via: Via) => Entry };
}

/**
 * An item of the batch (`event.Records[index]`, or the EventBridge event) that is not exactly one good record: one
 * that failed, or one carrying 0 or several records (an S3 notification, a KPL aggregate, a CloudWatch Logs batch).
 * The common item, one good record, is the record itself (no wrapper). `failures`: the item's own failure, or (a KPL
 * aggregate) those of its sub-records, the others still good.
 */
export class Item {
  constructor(
    readonly index: number,
    readonly id: string | undefined,
    readonly source: string,
    public records: AnyRecord[],
    public failure: RecordFailure | undefined,
    readonly subFailures?: RecordFailure[],
  ) {}
}

/** One entry per item of the batch, in order. */
export type Entry = AnyRecord | Item;

/** Several records as one entry (the record itself when there is one). */
export const entryOf = (records: AnyRecord[], via: Via, source: string): Entry =>
  records.length === 1 ? records[0]! : new Item(via.index, via.id, source, records, undefined);

/**
 * Describes a value's shape for a message: its kind and, for an object, its keys; never its content (unlike the
 * shared describeValue, which quotes a string: an event of unknown shape may hold anything).
 */
export const describeShape = (v: unknown): string => {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v !== 'object') return `a ${typeof v}`;
  const keys = Object.keys(v);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', ...' : ''}`;
};

/** The message itself as the payload, in the asked format (`parsed`: its JSON, when already parsed). */
export const payloadOf = (m: Message, o: DecodeOptions, source: string, parsed?: unknown): unknown => {
  const text = m.text;
  if (text === undefined) return m.value; // parsed in place: the payload is that value
  if (o.payload === 'text') return text;
  if (o.payload === 'bytes') return Buffer.from(text, 'utf8');
  const value = parsed === undefined ? tryParse(text) : parsed;
  if (value === NOT_JSON) throw new RecordProblem('parse', `${m.what} is not JSON: ${jsonError(text)}`, source);
  return value;
};

/** A carried record: the carrier's fields, then the kind's own. */
export const carriedRecord = (via: Via, source: string, payload: unknown, own: object): AnyRecord =>
  ({ payload, id: via.id, index: via.index, source, ...via.fields(), ...own, raw: via.raw }) as unknown as AnyRecord;
