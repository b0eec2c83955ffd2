// Nothing lost: fast-check generates batches of SQS (standard and FIFO), Kinesis and DynamoDB stream records with
// @lambdaware/events, injects bad records (invalid JSON, schema failures, wrong types, huge and empty bodies,
// unicode with lone surrogates, __proto__ / constructor keys, malformed attribute values, records whose function
// throws), and runs each batch through records() in partial batch mode behind middy. For every batch: each good
// record is processed exactly once with its payload intact, each bad one is in batchItemFailures exactly once (or,
// when every record failed, named once in the RecordsError), FIFO stops at the first failure and reports the rest,
// each failure has one log line naming its id, and no prototype is polluted.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import middy from '@middy/core';
import { z } from 'zod';
import { dynamodbStreamEvent, kinesisEvent, lambdaContext, sqsEvent, type DynamoDBChange } from '@lambdaware/events';
import { records, RecordsError, type AnyRecord } from '@lambdaware/records';
import { clearSecrets, registerSecret, setLogSink, stderrSink, type LogSink } from '@lambdaware/shared';
import { count, makeCanaries, prototypeSnapshot, summary, tapOutput, timeoutFor, type OutputTap } from './helpers.js';

const BATCHES = count(1000, 100_000);
const CANARIES = makeCanaries();

/** Over 256 KB of UTF-8 (SQS's message limit), with multi-byte and astral characters. */
const HUGE = 'ü€𝄞abc'.repeat(30_000);
const HOSTILE = '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},';

const Payload = z.object({ marker: z.string(), n: z.number().int(), text: z.string(), fail: z.boolean().optional() });
type Payload = z.infer<typeof Payload>;

type Kind = 'good' | 'parse' | 'schema' | 'shape' | 'handler';

/** What the generator chose for one record (data only, so that fast-check prints a readable counterexample). */
type Template =
  | { kind: 'good' | 'handler'; n: number; text: string; hostile: boolean; huge: boolean }
  | { kind: 'parse' | 'schema' | 'shape'; variant: number; huge: boolean };

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('\uD800', 'a\uDFFFb', '\uDBFF\uDBFF', '"\\\n\t\u0000', '𝄞é中文🎉', '', ...CANARIES),
);
const rare = fc.integer({ min: 0, max: 59 }).map((x) => x === 0);
const template = (badKinds: ('parse' | 'schema' | 'shape')[], variants: number): fc.Arbitrary<Template> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.record({ kind: fc.constant('good' as const), n: fc.integer(), text, hostile: fc.boolean(), huge: rare }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('handler' as const), n: fc.integer(), text, hostile: fc.boolean(), huge: fc.constant(false) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom(...badKinds), variant: fc.nat(variants - 1), huge: rare }) },
  );
const batchOf = (t: fc.Arbitrary<Template>) => fc.array(t, { minLength: 1, maxLength: 10 });

/** The JSON text of a good (or throwing) record's payload. */
const goodJson = (t: Extract<Template, { n: number }>, marker: string): string => {
  const fields = `"marker":${JSON.stringify(marker)},"n":${t.n},"text":${JSON.stringify(t.huge ? t.text + HUGE : t.text)}${t.kind === 'handler' ? ',"fail":true' : ''}`;
  return `{${t.hostile ? HOSTILE : ''}${fields}}`;
};

/** A message body (SQS, Kinesis) for a template: its text and the kind of outcome it must have. */
const bodyFor = (t: Template, marker: string): { body: string; kind: Kind } => {
  if (t.kind === 'good' || t.kind === 'handler') return { body: goodJson(t, marker), kind: t.kind };
  const m = JSON.stringify(marker);
  if (t.kind === 'parse') {
    const bodies = [
      '', // empty body
      `{"marker":${m},"n":`, // truncated
      `not json ${marker}`,
      `{'marker': ${m}}`, // single quotes
      `{"marker":${m},"text":"${HUGE}`, // huge and unterminated
      `{${HOSTILE}"marker":${m},}`, // trailing comma after hostile keys
      `\uD800${marker}`, // a lone surrogate, not JSON
    ];
    return { body: bodies[t.variant % bodies.length], kind: 'parse' };
  }
  const bodies = [
    `{"marker":${m},"n":"12","text":"x"}`, // wrong type
    `{"marker":${m},"text":"x"}`, // missing field
    `[${m}]`,
    'null',
    '42',
    `${m}`, // a JSON string
    `{"marker":${m},"n":1.5,"text":"x"}`, // not an integer
    `{${HOSTILE}"marker":${m},"n":"x","text":"${HUGE}"}`, // huge, hostile keys, wrong type
  ];
  return { body: bodies[t.variant % bodies.length], kind: 'schema' };
};

interface Built {
  event: unknown;
  ids: string[];
  kinds: Kind[];
  /** marker -> the payload eachRecord must get (good and handler records). */
  expected: Map<string, Payload>;
}

/**
 * The payload eachRecord must get: exactly what was sent. (JSON.stringify writes a lone surrogate as `\\ud800`, so it
 * survives even Kinesis' UTF-8 bytes; a raw lone surrogate only appears in the bodies that are not JSON.)
 */
const expectedPayload = (t: Extract<Template, { n: number }>, marker: string): Payload => ({
  marker,
  n: t.n,
  text: t.huge ? t.text + HUGE : t.text,
  ...(t.kind === 'handler' ? { fail: true } : {}),
});

/** A value for a failure message, cut short (a huge payload would drown the output). */
const short = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s;
};

let batchNo = 0;
const markerOf = (i: number) => `b${batchNo}-r${i}`;

const buildSqs = (templates: Template[], fifo: boolean): Built => {
  batchNo += 1;
  const made = templates.map((t, i) => bodyFor(t, markerOf(i)));
  const event = sqsEvent(
    made.map((b) => b.body),
    fifo ? { fifo: true, messageGroupId: 'g1' } : undefined,
  );
  const expected = new Map<string, Payload>();
  templates.forEach((t, i) => {
    if (t.kind === 'good' || t.kind === 'handler') expected.set(markerOf(i), expectedPayload(t, markerOf(i)));
  });
  return { event, ids: event.Records.map((r) => r.messageId), kinds: made.map((b) => b.kind), expected };
};

const buildKinesis = (templates: Template[]): Built => {
  batchNo += 1;
  const made = templates.map((t, i) => bodyFor(t, markerOf(i)));
  const event = kinesisEvent(made.map((b) => b.body));
  const expected = new Map<string, Payload>();
  templates.forEach((t, i) => {
    if (t.kind === 'good' || t.kind === 'handler') expected.set(markerOf(i), expectedPayload(t, markerOf(i)));
  });
  return { event, ids: event.Records.map((r) => r.kinesis.sequenceNumber), kinds: made.map((b) => b.kind), expected };
};

const buildDynamoDB = (templates: Template[]): Built => {
  batchNo += 1;
  const kinds: Kind[] = [];
  const expected = new Map<string, Payload>();
  const breakers: ((r: Record<string, any>) => void)[] = [];
  const changes: DynamoDBChange[] = templates.map((t, i) => {
    const marker = markerOf(i);
    const keys = { pk: marker };
    if (t.kind === 'good' || t.kind === 'handler') {
      kinds.push(t.kind);
      expected.set(marker, expectedPayload(t, marker));
      const image: Record<string, unknown> = t.hostile ? JSON.parse(`{${HOSTILE}"x":1}`) : {};
      Object.assign(image, { marker, n: t.n, text: t.huge ? t.text + HUGE : t.text });
      if (t.kind === 'handler') image.fail = true;
      return { keys, newImage: image };
    }
    if (t.kind === 'schema') {
      kinds.push('schema');
      const images: Record<string, unknown>[] = [
        { marker, n: 'twelve', text: 'x' },
        { marker, text: 'x' },
        { marker, n: 1.5, text: 'x' },
        { marker, n: 1, text: 7 },
        { marker, n: 1, text: ['a'] },
        Object.assign(JSON.parse(`{${HOSTILE}"x":1}`), { marker, n: 'x', text: HUGE }),
      ];
      return { keys, newImage: images[t.variant % images.length] };
    }
    // shape: a record DynamoDB would never send, broken after building
    kinds.push('shape');
    const breaks: ((r: Record<string, any>) => void)[] = [
      (r) => (r.dynamodb.NewImage.n = { X: '1' }), // unknown attribute value type
      (r) => (r.dynamodb.NewImage.n = { N: 'abc' }), // N that is no number
      (r) => (r.eventName = 'UPSERT'),
      (r) => (r.dynamodb.NewImage = 'not a map'),
      (r) => (r.dynamodb.NewImage.text = {}), // empty attribute value
      (r) => (r.dynamodb.NewImage.text = { L: 'x' }),
    ];
    breakers[i] = breaks[t.variant % breaks.length];
    return { keys, newImage: { marker, n: 1, text: 'x' } };
  });
  const event = dynamodbStreamEvent(changes);
  event.Records.forEach((r, i) => breakers[i]?.(r as Record<string, any>));
  return { event, ids: event.Records.map((r) => r.dynamodb!.SequenceNumber!), kinds, expected };
};

// ---- the property ------------------------------------------------------------------------------------------------

const sinkLines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
const recordingSink: LogSink = {
  log(level, message, fields) {
    sinkLines.push({ level, message, fields });
    stderrSink.log(level, message, fields); // through the real fallback, to the tapped stderr (secret scan)
  },
};

let tap: OutputTap;
const protoBefore = prototypeSnapshot();
beforeAll(() => {
  for (const c of CANARIES) registerSecret(c);
  tap = tapOutput(CANARIES, false);
  setLogSink(recordingSink);
});
afterAll(() => {
  tap.restore();
  setLogSink(undefined);
  clearSecrets();
});

interface Totals {
  batches: number;
  records: number;
  bad: number;
  lost: number;
  allFailed: number;
  skipped: number;
}

const runProperty = async (name: string, arb: fc.Arbitrary<Template[]>, build: (t: Template[]) => Built, fifo: boolean): Promise<Totals> => {
  const totals: Totals = { batches: 0, records: 0, bad: 0, lost: 0, allFailed: 0, skipped: 0 };
  let seen: { marker: string; payload: unknown; id: string }[] = [];
  const handler = middy(async () => 'the handler response is replaced by batchItemFailures').use(
    records({
      schema: Payload,
      eachRecord: (record: AnyRecord<Payload>) => {
        seen.push({ marker: record.payload.marker, payload: record.payload, id: record.id });
        if (record.payload.fail === true) throw new Error(`record ${record.payload.marker} cannot be processed`);
      },
    }),
  );

  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(arb, async (templates) => {
      const built = build(templates);
      seen = [];
      sinkLines.length = 0;
      const { ids, kinds } = built;
      // Which records must fail: every bad one; for FIFO, every record from the first failure on.
      const firstBad = kinds.findIndex((k) => k !== 'good');
      const mustFail = new Set<number>();
      kinds.forEach((k, i) => {
        if (k !== 'good' || (fifo && firstBad >= 0 && i > firstBad)) mustFail.add(i);
      });
      // Which records eachRecord must see: good and throwing ones (FIFO: none after the first failure).
      const mustSee = kinds.flatMap((k, i) => ((k === 'good' || k === 'handler') && !(fifo && firstBad >= 0 && i > firstBad) ? [i] : []));

      let failedIds: string[];
      try {
        const response = (await handler(built.event, lambdaContext())) as { batchItemFailures: { itemIdentifier: string }[] };
        failedIds = response.batchItemFailures.map((f) => f.itemIdentifier);
        expect(mustFail.size).toBeLessThan(kinds.length); // a batch where all failed must throw, not answer
      } catch (error) {
        if (!(error instanceof RecordsError)) throw error;
        expect(mustFail.size).toBe(kinds.length);
        expect(error.message).toMatch(/records of the (SQS|Kinesis|DynamoDB stream) event failed/);
        failedIds = error.failures.map((f) => f.id!);
        totals.allFailed += 1;
      }

      // lost: a record neither processed without failure nor reported as failed
      const reported = new Set(failedIds);
      const processedOk = new Set(seen.map((x) => x.id).filter((id) => !reported.has(id)));
      totals.lost += ids.filter((id) => !reported.has(id) && !processedOk.has(id)).length;
      // every bad record (and, FIFO, every record after the first failure) reported exactly once, no good one
      expect([...failedIds].sort()).toEqual([...mustFail].map((i) => ids[i]).sort());
      // every good record processed exactly once, with its payload as sent; nothing else processed
      expect(seen.map((s) => s.id)).toEqual(mustSee.map((i) => ids[i])); // in order: ordered sources, and concurrency 1
      for (const s of seen) {
        const want = built.expected.get(s.marker);
        if (!isDeepStrictEqual(s.payload, want)) throw new Error(`record ${s.id}: payload ${short(s.payload)} is not ${short(want)}`);
      }
      // each failure has one log line naming its id
      const logged = sinkLines.filter((l) => l.message.startsWith('records: record ')).map((l) => l.fields?.id);
      expect([...logged].sort()).toEqual([...mustFail].map((i) => ids[i]).sort());
      // no prototype polluted
      expect(prototypeSnapshot()).toBe(protoBefore);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();

      totals.batches += 1;
      totals.records += kinds.length;
      totals.bad += kinds.filter((k) => k !== 'good').length;
      totals.skipped += mustFail.size - kinds.filter((k) => k !== 'good').length;
    }),
    { numRuns: BATCHES },
  );
  const counts = `${totals.batches} batches, ${totals.records} records, ${totals.bad} bad${fifo ? `, ${totals.skipped} skipped after a failure` : ''}, ${totals.allFailed} all-failed batches, ${totals.lost} lost`;
  summary(`nothing-lost ${name}`, counts, 'pass', Date.now() - started);
  return totals;
};

const MESSAGE_BAD: ('parse' | 'schema')[] = ['parse', 'schema'];

describe('nothing lost in partial batch mode', () => {
  const timeout = timeoutFor(BATCHES, 8);

  test(
    `SQS standard queue: ${BATCHES} batches`,
    async () => {
      const t = await runProperty('sqs', batchOf(template(MESSAGE_BAD, 8)), (ts) => buildSqs(ts, false), false);
      expect(t.batches).toBe(BATCHES);
      expect(t.bad).toBeGreaterThan(0);
    },
    timeout,
  );

  test(
    `SQS FIFO queue: ${BATCHES} batches, stop at the first failure and report the rest`,
    async () => {
      const t = await runProperty('sqs-fifo', batchOf(template(MESSAGE_BAD, 8)), (ts) => buildSqs(ts, true), true);
      expect(t.batches).toBe(BATCHES);
      expect(t.skipped).toBeGreaterThan(0);
    },
    timeout,
  );

  test(
    `Kinesis: ${BATCHES} batches`,
    async () => {
      const t = await runProperty('kinesis', batchOf(template(MESSAGE_BAD, 8)), buildKinesis, false);
      expect(t.batches).toBe(BATCHES);
    },
    timeout,
  );

  test(
    `DynamoDB stream: ${BATCHES} batches`,
    async () => {
      const t = await runProperty('dynamodb', batchOf(template(['schema', 'shape'], 6)), buildDynamoDB, false);
      expect(t.batches).toBe(BATCHES);
    },
    timeout,
  );

  test('no canary secret in any byte written while the batches ran', () => {
    expect(tap.writes).toBeGreaterThan(0);
    expect(tap.leaks).toEqual([]);
    summary('secrets-never-leave nothing-lost', `${tap.writes} writes, ${tap.bytes} bytes scanned, ${tap.leaks.length} secrets found`, 'pass', 0);
  });
});
