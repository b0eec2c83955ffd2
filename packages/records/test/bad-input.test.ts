// Bad input of any kind gives a RecordsError naming the record (never a RangeError, SyntaxError or TypeError), its
// reason never quotes the body, Kinesis bytes that are not base64 or not UTF-8 have their own reasons, and the error
// message stays bounded however many records failed.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { z } from 'zod';
import {
  cloudWatchLogsData,
  cloudWatchLogsEvent,
  dynamodbStreamEvent,
  firehoseEvent,
  kafkaEvent,
  kinesisEvent,
  s3EventBridgeEvent,
  snsEvent,
  snsOverSqsEvent,
  sqsEvent,
} from '@lambdaware/events';
import { RecordsError, decapsulate } from '@lambdaware/records';
import { ownSample, rejection, sample } from './helpers.js';

describe('the not-JSON reason never quotes the body', () => {
  test("V8's SyntaxError quotes a fragment (a token, maybe): the reason gives the position instead", async () => {
    const body = '{"auth":tok-9f8e7d6abc}';
    const error = await rejection(decapsulate(sqsEvent(body)));
    expect(error.failures[0].reason).toBe('body is not JSON: Unexpected token at position 9');
    expect(error.message).not.toContain('tok-');
    expect(error.message).not.toContain('auth');
  });

  test('in every source that parses text (SNS, SNS-over-SQS, Kinesis, Firehose, Kafka, CloudWatch Logs)', async () => {
    const secret = 'sk_live_51Habc';
    const events = [
      snsEvent(`{"key":${secret}}`),
      snsOverSqsEvent(`{"key":${secret}}`),
      kinesisEvent(`{"key":${secret}}`),
      firehoseEvent(`{"key":${secret}}`),
      kafkaEvent(`{"key":${secret}}`),
      cloudWatchLogsEvent(`{"key":${secret}}`),
    ];
    for (const event of events) {
      const error = await rejection(decapsulate(event));
      expect(error).toBeInstanceOf(RecordsError);
      expect(error.failures[0].reason).toMatch(/is not JSON: Unexpected token at position 7$/);
      expect(error.message).not.toContain('sk_live');
    }
  });
});

describe('Kinesis data: not base64, not UTF-8', () => {
  test('each has its own reason; payload: bytes still gives UTF-8-invalid data as it is', async () => {
    const event = kinesisEvent([{ ok: 1 }, Buffer.from([0xc3, 0x28, 0x7b]), { ok: 3 }]);
    (event.Records[2]!.kinesis as { data: string }).data = 'eyJv*2s=';
    const error = await rejection(decapsulate(event));
    expect(error.failures.map((f: any) => [f.index, f.kind, f.reason])).toEqual([
      [1, 'parse', "kinesis.data is not valid UTF-8 text (3 bytes; use payload: 'bytes' for binary data)"],
      [2, 'parse', 'kinesis.data is not valid base64 (a character outside the base64 alphabet at position 4)'],
    ]);
    const text = await rejection(decapsulate(event, { payload: 'text' }));
    expect(text.failures.map((f: any) => f.index)).toEqual([1, 2]);
    const bytes = await rejection(decapsulate(event, { payload: 'bytes' }));
    expect(bytes.failures.map((f: any) => f.index)).toEqual([2]);
    const [, binary] = await decapsulate(kinesisEvent([{ ok: 1 }, Buffer.from([0xc3, 0x28])]), { payload: 'bytes' });
    expect([...(binary!.payload as Buffer)]).toEqual([0xc3, 0x28]);
  });

  test('padding misplaced, or a length that is not a multiple of 4', async () => {
    const event = kinesisEvent([{ a: 1 }, { a: 2 }]);
    (event.Records[0]!.kinesis as { data: string }).data = 'e30';
    (event.Records[1]!.kinesis as { data: string }).data = 'e3=0';
    const error = await rejection(decapsulate(event, { payload: 'bytes' }));
    expect(error.failures.map((f: any) => f.reason)).toEqual([
      'kinesis.data is not valid base64 (length 3 with misplaced padding or not a multiple of 4)',
      'kinesis.data is not valid base64 (length 4 with misplaced padding or not a multiple of 4)',
    ]);
  });
});

/** A DynamoDB map attribute nested `depth` levels. */
const nestedMap = (depth: number): unknown => {
  let v: unknown = { S: 'leaf' };
  for (let i = 0; i < depth; i++) v = { M: { child: v } };
  return v;
};

/** JSON text of an object nested `depth` levels. */
const nestedJson = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('absurd input: a RecordsError naming the record, never a RangeError', () => {
  test('a 3,000-level DynamoDB image (DynamoDB allows 32)', async () => {
    const event: any = dynamodbStreamEvent([
      { keys: { id: '1' }, newImage: { id: '1' } },
      { keys: { id: '2' }, newImage: { id: '2' } },
    ]);
    event.Records[0].dynamodb.NewImage.deep = nestedMap(3000);
    const error = await rejection(decapsulate(event));
    expect(error).toBeInstanceOf(RecordsError);
    expect(error.failures).toHaveLength(1);
    expect(error.failures[0]).toMatchObject({ index: 0, id: event.Records[0].dynamodb.SequenceNumber, kind: 'shape' });
    expect(error.failures[0].reason).toMatch(/^dynamodb\.NewImage\.deep\.child\.child.*: nested deeper than 32 levels, DynamoDB's limit$/);
    const ok = nestedMap(30);
    event.Records[0].dynamodb.NewImage.deep = ok;
    const [r] = await decapsulate(event);
    expect(JSON.stringify(r!.payload).split('child').length - 1).toBe(30);
  });

  test('a 100,000-level JSON body, with and without a recursive schema', async () => {
    type Node = { a: Node | number };
    const Node: z.ZodType<Node> = z.lazy(() => z.object({ a: z.union([Node, z.number()]) }));
    const event = sqsEvent([nestedJson(100_000), { a: 1 }]);
    for (const options of [{}, { schema: Node }]) {
      let outcome: unknown;
      try {
        outcome = await decapsulate(event, options);
      } catch (e) {
        outcome = e;
      }
      // JSON.parse may accept it; a recursive validation may overflow: either way no bare RangeError escapes
      if (outcome instanceof Error) {
        expect(outcome).toBeInstanceOf(RecordsError);
        expect((outcome as RecordsError).failures.map((f) => f.index)).toEqual([0]);
      } else expect(outcome).toHaveLength(2);
    }
  });

  test('a RecordsError for 10,000 failing records stays bounded: the first 25 in full, 75 more named, the rest counted', async () => {
    const event = sqsEvent(Array.from({ length: 10_000 }, (_, i) => `not json ${i} ${'x'.repeat(200)}`));
    const error = await rejection(decapsulate(event));
    expect(error.failures).toHaveLength(10_000);
    expect(error.message.length).toBeLessThan(32 * 1024);
    expect(error.message).toContain(`record 24 (sqs, id "${event.Records[24]!.messageId}"): body is not JSON`);
    expect(error.message).toContain(`record 99 (sqs, id "${event.Records[99]!.messageId}")`);
    expect(error.message).not.toContain(event.Records[100]!.messageId);
    expect(error.message).toContain(`; and 9975 more: record 25 (sqs, id "${event.Records[25]!.messageId}"), `);
    expect(error.message.endsWith(', and 9900 more not named here (error.failures has every one)')).toBe(true);
  });
});

/** An SNS event whose Messages a body parser has parsed in place. */
const inPlace = (event: any): any => ({ Records: event.Records.map((r: any) => ({ ...r, Sns: { ...r.Sns, Message: JSON.parse(r.Sns.Message) } })) });

const SOURCES_EVENTS = (): unknown[] => [
  sample('sqs-event.json'),
  sample('sns-event.json'),
  sample('kinesis-event.json'),
  sample('dynamodb-event.json'),
  sample('s3-event.json'),
  sample('cloudwatch-logs-event.json'),
  sample('kinesis-firehose-event.json'),
  sample('kafka-event.json'),
  snsOverSqsEvent({ a: 1 }),
  s3EventBridgeEvent({ bucket: 'b', key: 'k' }),
  // the payload kinds in carriers (issue 25), also with the message parsed in place so mutations reach its fields
  ownSample('ses-over-sns-event.json'),
  inPlace(ownSample('ses-over-sns-event.json')),
  { Records: sqsEvent(s3EventBridgeEvent({ bucket: 'b', key: 'k' })).Records.map((r) => ({ ...r, body: JSON.parse(r.body) })) },
  firehoseEvent([cloudWatchLogsData(['line', { a: 1 }]), 'plain']),
];

/** Sets the value at a random path of a JSON-like value (in a copy). */
const mutate = (value: unknown, path: number[], replacement: unknown): unknown => {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  if (entries.length === 0) return replacement;
  const [key, child] = entries[path[0]! % entries.length]!;
  const copy: any = Array.isArray(value) ? [...value] : { ...value };
  copy[key] = mutate(child, path.slice(1), replacement);
  return copy;
};

describe('property: for any event (real samples with any field replaced by anything), decoding resolves or rejects with a RecordsError', () => {
  test('fast-check over mutations of every kind of event, with and without a schema and payload formats', async () => {
    const events = SOURCES_EVENTS();
    const anything = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(undefined, null, 0n, '', '%%%', 'H4sI', Symbol('s') as unknown, Object.create(null), [], {}),
      fc.string().map((s) => Buffer.from(s).toString('base64')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat(events.length - 1),
        fc.array(fc.nat(20), { maxLength: 6 }),
        anything,
        fc.constantFrom<object>({}, { payload: 'text' }, { payload: 'bytes' }, { schema: z.object({ a: z.number() }) }),
        async (which, path, replacement, options) => {
          const event = mutate(events[which], path, replacement);
          try {
            await decapsulate(event, options);
          } catch (e) {
            if (!(e instanceof RecordsError)) throw e;
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
