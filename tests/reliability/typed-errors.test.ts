// Any input, a typed error: every decapsulation, serialization and parsing entry point is fed arbitrary values
// (fc.anything with every exotic option, JSON values, AWS sample events with a random part replaced) and must either
// succeed or throw the suite's own documented error class with a message that says what was wrong: never a
// TypeError (or any other foreign error) from inside the code.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import middy from '@middy/core';
import { z } from 'zod';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  dynamodbStreamEvent,
  eventBridgeEvent,
  EventBuildError,
  kinesisEvent,
  lambdaContext,
  s3Event,
  snsEvent,
  snsOverSqsEvent,
  sqsEvent,
} from '@lambdaware/events';
import { decapsulate, records, RecordsError, RecordsOptionError } from '@lambdaware/records';
import { serializeError, wrapError } from '@lambdaware/errors';
import { createLogger, LoggerOptionsError } from '@lambdaware/logger';
import { getSecretValues, SecretsError } from '@lambdaware/secrets';
import { clearSecrets, safeStringify, setLogSink } from '@lambdaware/shared';
import { captureOutput, startSecretsManager, type LocalSecretsManager } from '@lambdaware/testkit';
import { count, prototypeSnapshot, summary, tapOutput, type OutputTap } from './helpers.js';

type AnythingOptions = Parameters<typeof fc.anything>[0];
const anythingWith = (o: AnythingOptions = {}) =>
  fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
    maxDepth: 4,
    ...o,
  });
const anything = anythingWith();

/** The AWS sample events, each with one random value (anywhere in it) replaced by an arbitrary one. */
const SAMPLES_DIR = new URL('../../fixtures/events/aws-lambda-go/', import.meta.url);
const samples: unknown[] = readdirSync(SAMPLES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => {
    const text = readFileSync(new URL(f, SAMPLES_DIR), 'utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text; // a sample that is not JSON (dynamodb-event-malformed.2.json): fed as the string it is
    }
  });

const pathsOf = (v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] => {
  out.push(prefix);
  if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) pathsOf(x, [...prefix, Array.isArray(v) ? Number(k) : k], out);
  return out;
};
const mutated = (any: fc.Arbitrary<unknown>) =>
  fc.tuple(fc.nat(samples.length - 1), fc.nat(10_000), any).map(([s, p, value]) => {
    const event = structuredClone(samples[s]) as Record<string, unknown>;
    const paths = pathsOf(event);
    const path = paths[p % paths.length];
    if (path.length === 0) return value;
    let at: any = event;
    for (const k of path.slice(0, -1)) at = at[k];
    at[path.at(-1)!] = value;
    return event;
  });

/** AWS-looking events with random parts: a Records array whose records have random eventSource and fields. */
const looksLikeAws = (anything: fc.Arbitrary<unknown>) =>
  fc.record({
    Records: fc.array(
      fc.record(
        {
          eventSource: fc.oneof(fc.constantFrom('aws:sqs', 'aws:sns', 'aws:kinesis', 'aws:dynamodb', 'aws:s3'), anything),
          EventSource: fc.constantFrom('aws:sns'),
          messageId: fc.oneof(fc.uuid(), anything),
          body: fc.oneof(
            fc.string(),
            fc.jsonValue().map((v) => JSON.stringify(v)),
            anything,
          ),
          eventSourceARN: fc.oneof(fc.constantFrom('arn:aws:sqs:us-east-1:1:q.fifo', 'arn:aws:sqs:us-east-1:1:q'), anything),
          eventName: fc.oneof(fc.constantFrom('INSERT', 'MODIFY', 'REMOVE'), anything),
          kinesis: fc.oneof(fc.record({ sequenceNumber: fc.oneof(fc.string(), anything), data: fc.oneof(fc.base64String(), anything) }), anything),
          dynamodb: fc.oneof(
            fc.record({ SequenceNumber: fc.string(), NewImage: fc.oneof(fc.dictionary(fc.string(), anything), anything), Keys: anything }),
            anything,
          ),
          Sns: fc.oneof(fc.record({ MessageId: fc.string(), Message: fc.oneof(fc.string(), anything) }), anything),
          s3: anything,
        },
        { requiredKeys: [] },
      ),
      { maxLength: 5 },
    ),
  });

const eventArbWith = (any: fc.Arbitrary<unknown>) => fc.oneof(any, fc.jsonValue(), mutated(any), looksLikeAws(any));
const eventArb = eventArbWith(anything);

/** Runs fn; a throw must be one of `allowed` with a non-empty message, else the property fails naming it. */
const typed = async (what: string, fn: () => unknown, allowed: (new (...a: any[]) => Error)[]): Promise<'ok' | 'typed'> => {
  try {
    await fn();
    return 'ok';
  } catch (e) {
    if (allowed.some((c) => e instanceof c) && typeof (e as Error).message === 'string' && (e as Error).message.length > 10) return 'typed';
    throw new Error(`${what} threw a foreign error: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
  }
};

let tap: OutputTap;
const protoBefore = prototypeSnapshot();
beforeAll(() => {
  tap = tapOutput([], false);
});
afterAll(() => {
  tap.restore();
  setLogSink(undefined);
  clearSecrets();
});

const property = async (name: string, runs: number, arb: fc.Arbitrary<any>, body: (v: any) => Promise<'ok' | 'typed'>) => {
  const tally = { ok: 0, typed: 0 };
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(arb, async (v) => {
      tally[await body(v)] += 1;
    }),
    { numRuns: runs },
  );
  expect(prototypeSnapshot()).toBe(protoBefore);
  summary(`typed-errors ${name}`, `${runs} inputs, ${tally.ok} succeeded, ${tally.typed} typed errors, 0 foreign`, 'pass', Date.now() - started);
  return tally;
};

describe('records: decapsulate() and the records() middleware', () => {
  test('decapsulate(any event) resolves or rejects with RecordsError', async () => {
    const t = await property('decapsulate', count(3000, 300_000), eventArb, (event) => typed('decapsulate', () => decapsulate(event), [RecordsError]));
    expect(t.typed).toBeGreaterThan(0);
    expect(t.ok).toBeGreaterThan(0);
  });

  test('records() middleware, plain and partial batch, with a schema: any event succeeds or throws RecordsError', async () => {
    const schema = z.object({ id: z.string() });
    const plain = middy(async () => 'ok').use(records({ schema }));
    const partial = middy(async () => 'ok').use(
      records({
        eachRecord: (r) => {
          if (typeof r.payload !== 'object') throw new Error('not an object');
        },
      }),
    );
    const t = await property('records-middleware', count(2000, 200_000), fc.tuple(eventArb, fc.boolean()), ([event, usePartial]) =>
      typed('records()', () => (usePartial ? partial : plain)(event, lambdaContext()), [RecordsError]),
    );
    expect(t.typed).toBeGreaterThan(0);
  });

  test('records(any options) is created or throws RecordsOptionError naming the option', async () => {
    const any = anything;
    const options = fc.oneof(any, fc.dictionary(fc.constantFrom('source', 'schema', 'payload', 'numbers', 'eachRecord', 'concurrency', 'other'), any));
    await property('records-options', count(1000, 100_000), options, async (o) => {
      const r = await typed('records(options)', () => records(o), [RecordsOptionError]);
      return r;
    });
  });
});

describe('errors: serializeError() and wrapError()', () => {
  test('serializeError(any value) never throws and gives JSON-safe { type, message, stacktrace }', async () => {
    const thrown = fc.oneof(
      anything,
      anything.map((cause) => new Error('wrapped', { cause })),
      fc.tuple(fc.string(), anything).map(([m, v]) => Object.assign(new TypeError(m), { detail: v })),
      anything.map((v) => new AggregateError([v, new Error('inner')], 'many')),
    );
    await property('serializeError', count(2000, 200_000), thrown, async (value) => {
      const out = serializeError(value);
      expect(typeof out.type).toBe('string');
      expect(typeof out.message).toBe('string');
      expect(Array.isArray(out.stacktrace)).toBe(true);
      JSON.parse(JSON.stringify(out)); // JSON-safe (no BigInt, no cycle)
      JSON.parse(safeStringify(value));
      return 'ok';
    });
  });

  test('wrapError(any cause) gives a LambdaError whose cause is the value', async () => {
    await property('wrapError', count(1000, 100_000), anything, async (cause) => {
      const e = wrapError(cause);
      expect(e).toBeInstanceOf(Error);
      expect(e.cause).toBe(cause);
      return 'ok';
    });
  });
});

describe('logger: with(), set(), info() with arbitrary values', () => {
  test('never throws, and every line is one JSON object', async () => {
    const log = createLogger({ level: 'debug', serviceName: 'fuzz' });
    const key = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'level', 'message', 'timestamp', 'toString'));
    await property('logger', count(1500, 150_000), fc.tuple(key, anything, key, anything, fc.string()), async ([k1, v1, k2, v2, message]) => {
      const start = tap.lines.length;
      const r = await typed('logger', () => {
        log.with(k1, v1).with(k2, v2).info(message);
        log.set(k2, v2);
        log.warn(message, { extra: v1 });
        log.debug({ message, k1: v1 } as any);
        log.clearInvocation();
      }, [LoggerOptionsError]);
      for (const line of tap.lines.slice(start)) {
        const parsed = JSON.parse(line.text);
        expect(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)).toBe(true);
      }
      tap.lines.length = 0;
      return r;
    });
  });
});

describe('events builders with arbitrary payloads and options', () => {
  const builders: [string, (p: unknown, o: any) => unknown][] = [
    ['sqsEvent', sqsEvent],
    ['snsEvent', snsEvent],
    ['snsOverSqsEvent', snsOverSqsEvent],
    ['kinesisEvent', kinesisEvent],
    ['dynamodbStreamEvent', dynamodbStreamEvent as (p: unknown, o: any) => unknown],
    ['eventBridgeEvent', eventBridgeEvent as (p: unknown, o: any) => unknown],
    ['s3Event', s3Event as (p: unknown, o: any) => unknown],
    ['lambdaContext', (p) => lambdaContext(p as any)],
  ];
  test('each builder returns an event or throws EventBuildError', async () => {
    const arb = fc.tuple(
      fc.nat(builders.length - 1),
      fc.oneof(anything, fc.array(anything, { maxLength: 4 }), fc.jsonValue()),
      fc.oneof(
        fc.constant(undefined),
        anything,
        fc
          .tuple(
            fc.dictionary(
              fc.constantFrom('fifo', 'queueName', 'messageGroupId', 'record', 'region', 'now', 'accountId', 'partitionKey', 'streamViewType', 'raw'),
              anything,
            ),
            fc.option(fc.dictionary(fc.string(), anything)),
            // `now` near and beyond the Date range (±8.64e15 ms) as well as anything
            fc.option(
              fc.oneof(
                fc.double(),
                fc.integer().map((d) => 8.64e15 + d * 1e6),
                fc.integer().map((d) => -8.64e15 + d * 1e6),
              ),
            ),
          )
          .map(([o, messageAttributes, now]) => ({ ...o, ...(messageAttributes === null ? {} : { messageAttributes }), ...(now === null ? {} : { now }) })),
      ),
    );
    const t = await property('events-builders', count(3000, 300_000), arb, ([b, payload, options]) =>
      typed(builders[b][0], () => builders[b][1](payload, options), [EventBuildError]),
    );
    expect(t.typed).toBeGreaterThan(0);
  });
});

describe('secrets: getSecretValues() parsing of any stored value', () => {
  let sm: LocalSecretsManager;
  let client: SecretsManagerClient;
  beforeAll(async () => {
    sm = await startSecretsManager();
    client = new SecretsManagerClient({
      endpoint: sm.endpoint,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await sm.close();
  });

  test('resolves or rejects with SecretsError naming the secret, never with the value in the message', async () => {
    const value = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.uint8Array({ maxLength: 64 }),
    );
    const schema = z.object({ password: z.string(), port: z.number().optional() });
    let n = 0;
    const arb = fc.tuple(value, fc.constantFrom(undefined, 'json', 'text', 'binary'), fc.boolean());
    const t = await property('getSecretValues', count(300, 30_000), arb, async ([v, parse, withSchema]) => {
      const id = `fuzz/${(n += 1)}`;
      sm.setSecret(id, v);
      try {
        return await typed('getSecretValues', async () => {
          try {
            await getSecretValues(id, withSchema ? schema : undefined, { client, parse, cacheTtlMs: 0 });
          } catch (e) {
            if (e instanceof SecretsError) {
              expect(e.secretId).toBe(id);
              if (typeof v === 'string' && v.length >= 8) expect(e.message.includes(v)).toBe(false);
            }
            throw e;
          }
        }, [SecretsError]);
      } finally {
        clearSecrets();
      }
    });
    expect(t.typed).toBeGreaterThan(0);
    expect(t.ok).toBeGreaterThan(0);
  });

  test('getSecretValues(any id, any schema, any options) rejects with SecretsError', async () => {
    const arb = fc.tuple(anything, fc.oneof(fc.constant(undefined), anything), fc.oneof(fc.constant(undefined), anything));
    await property('getSecretValues-arguments', count(500, 50_000), arb, async ([id, schema, options]) => {
      if (typeof id === 'string' && id.length > 0 && (options === undefined || options === null)) return 'ok'; // a real fetch
      return typed('getSecretValues(args)', () => getSecretValues(id, schema, options), [SecretsError]);
    });
  });
});

/** Resolves or rejects with `Class` (the documented error), never anything else. */
const expectTyped = async (fn: () => unknown, Class: new (...a: any[]) => Error): Promise<void> => {
  let thrown: unknown;
  try {
    await fn();
    return;
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(Class);
};

// Bugs the properties above found, each as the smallest input, kept as regression tests now that they are fixed
// (a new finding goes here as test.failing, with its input left out of the generators, until its owner fixes it).
describe('fixed bugs (smallest inputs the properties found)', () => {
  const sample = (name: string) => JSON.parse(readFileSync(new URL(name, SAMPLES_DIR), 'utf8')) as Record<string, any>;

  test('records: decapsulate({ Records: [{ eventSource: 0n }] }) rejects with RecordsError (was a TypeError from JSON.stringify in decode.ts classify)', async () => {
    await expectTyped(() => decapsulate({ Records: [{ eventSource: 0n }] }), RecordsError);
  });

  test('records: an SNS record whose Sns.Timestamp is a null-prototype object decodes (was a TypeError from String() in decode.ts decodeSns)', async () => {
    const event = sample('sns-event.json');
    event.Records[0].Sns.Message = '{"order":1}';
    event.Records[0].Sns.Timestamp = Object.create(null);
    await expectTyped(() => decapsulate(event), RecordsError);
  });

  test("records: records({ source: Object.create(null) }) throws RecordsOptionError naming 'source' (was a TypeError from String() in records.ts show)", () => {
    expect(() => records({ source: Object.create(null) })).toThrow(RecordsOptionError);
  });

  test('logger/shared: a Map with a null-prototype key is logged (was a TypeError from String(k) in safeJsonReplacer)', async () => {
    const log = createLogger({ level: 'info' });
    const out = await captureOutput(() => log.with('k', new Map([[Object.create(null), 1]])).info('x'));
    expect(out.error).toBeUndefined();
    expect([...out.stdoutLines(), ...out.stderrLines()]).toEqual([expect.objectContaining({ message: 'x', k: { '[object Object]': 1 } })]);
  });

  test('events: snsOverSqsEvent([], { queueName: 42 }) throws EventBuildError (was a TypeError from queueName.endsWith, sns.ts)', () => {
    expect(() => snsOverSqsEvent([], { queueName: 42 as unknown as string })).toThrow(EventBuildError);
  });

  test('events: snsEvent([], { messageAttributes: { a: [0n] } }) throws EventBuildError (was a TypeError from JSON.stringify of a BigInt, sns.ts)', () => {
    expect(() => snsEvent([], { messageAttributes: { a: [0n] as unknown as string[] } })).toThrow(EventBuildError);
  });

  test('events: eventBridgeEvent({}, { now: 8.64e15 + 1000 }) throws EventBuildError naming "now" (was a RangeError from toISOString of an invalid Date)', () => {
    expect(() => eventBridgeEvent({}, { now: 8.64e15 + 1000 })).toThrow(EventBuildError);
    expect(() => eventBridgeEvent({}, { now: 8.64e15 + 1000 })).toThrow(/option "now"/);
  });

  test('secrets: getSecretValues(Object.create(null)) rejects with SecretsError (was a TypeError from String(id), get.ts)', async () => {
    await expectTyped(() => getSecretValues(Object.create(null)), SecretsError);
  });
});
