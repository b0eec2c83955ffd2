import { afterAll, describe, expect, test } from '@jest/globals';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { type } from 'arktype';
import * as v from 'valibot';
import { z } from 'zod';
import { lambdaContext, sqsEvent } from '@lambdaware/events';
import { decapsulate, processBatch, records } from '@lambdaware/records';
import { captureSink, rejection, run } from './helpers.js';

const sink = captureSink();
afterAll(() => sink.restore());

/** `a: x; b.c: y` -> [{ path: 'a', message: 'x' }, ...] (the issues as logged). */
const loggedIssues = (text: string) =>
  text.split('; ').map((part) => ({ path: part.slice(0, part.indexOf(': ')), message: part.slice(part.indexOf(': ') + 2) }));

const good = { message: 'hello', items: [{ qty: 2 }] };
const bad = { message: 7, items: [{ qty: 0 }] };

const schemas: [string, StandardSchemaV1, string][] = [
  [
    'zod 4',
    z.object({ message: z.string(), items: z.array(z.object({ qty: z.number().min(1) })) }),
    'message: Invalid input: expected string, received number; items[0].qty: Too small: expected number to be >=1',
  ],
  [
    'valibot',
    v.object({ message: v.string(), items: v.array(v.object({ qty: v.pipe(v.number(), v.minValue(1)) })) }),
    'message: Invalid type: Expected string but received 7; items[0].qty: Invalid value: Expected >=1 but received 0',
  ],
  [
    'arktype',
    type({ message: 'string', items: type({ qty: 'number >= 1' }).array() }),
    'items[0].qty: items[0].qty must be at least 1 (was 0); message: message must be a string (was a number)',
  ],
];

describe.each(schemas)('%s', (_name, schema, issues) => {
  test('a valid payload passes through the middleware', async () => {
    const { records } = await run(sqsEvent([good, good]), { schema });
    expect(records.map((r) => r.payload)).toEqual([good, good]);
  });

  test('an invalid payload: the issues with their paths', async () => {
    const event = sqsEvent([good, bad]);
    const error = await rejection(decapsulate(event, { schema }));
    expect(error.message).toBe(
      `1 of 2 records of the SQS event failed: record 1 (sqs, id "${event.Records[1].messageId}"): the payload does not match the schema: ${issues}`,
    );
    expect(error.failures[0].issues).toHaveLength(2);
  });

  test('partial batch: the invalid record alone is reported', async () => {
    const event = sqsEvent([bad, good]);
    const done: unknown[] = [];
    const response = await processBatch(event, lambdaContext(), { schema, eachRecord: (r) => void done.push(r.payload) });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0].messageId }] });
    expect(done).toEqual([good]);
    const logged = sink.lines.at(-1)!;
    expect(logged.level).toBe('warn');
    expect(logged.fields?.issues).toEqual(loggedIssues(issues));
  });
});

describe('the payload is the schema output', () => {
  test('transforms and defaults apply (zod, valibot)', async () => {
    const zodSchema = z.object({ at: z.iso.datetime().transform((s) => new Date(s)), tags: z.array(z.string()).default([]) });
    const [r] = await decapsulate(sqsEvent({ at: '2024-05-01T10:00:00Z' }), { schema: zodSchema });
    expect(r.payload.at).toEqual(new Date('2024-05-01T10:00:00Z'));
    expect(r.payload.tags).toEqual([]);
    const valibotSchema = v.pipe(
      v.string(),
      v.transform((s) => s.length),
    );
    const [t] = await decapsulate(sqsEvent('four'), { schema: valibotSchema, payload: 'text' });
    expect(t.payload).toBe(4);
  });
});

describe('async validation', () => {
  test('a zod schema with an async refinement', async () => {
    const schema = z.object({ sku: z.string() }).refine(async (o) => o.sku.startsWith('SKU-'), { message: 'unknown sku', path: ['sku'] });
    const event = sqsEvent([{ sku: 'SKU-1' }, { sku: 'X' }]);
    const error = await rejection(decapsulate(event, { schema }));
    expect(error.message).toBe(
      `1 of 2 records of the SQS event failed: record 1 (sqs, id "${event.Records[1].messageId}"): the payload does not match the schema: sku: unknown sku`,
    );
    const ok = await decapsulate(sqsEvent({ sku: 'SKU-9' }), { schema });
    expect(ok[0].payload).toEqual({ sku: 'SKU-9' });
  });

  test('a hand-written Standard Schema returning a promise; a schema that throws', async () => {
    const upper: StandardSchemaV1<unknown, string> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: async (value) =>
          typeof value === 'string' ? { value: value.toUpperCase() } : { issues: [{ message: 'not a string', path: [{ key: 'root' }] }] },
      },
    };
    const [r] = await decapsulate(sqsEvent('abc'), { schema: upper, payload: 'text' });
    expect(r.payload).toBe('ABC');
    const throwing: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: () => {
          throw new TypeError('schema bug');
        },
      },
    };
    const event = sqsEvent({ a: 1 });
    expect((await rejection(decapsulate(event, { schema: throwing }))).message).toBe(
      `1 of 1 records of the SQS event failed: record 0 (sqs, id "${event.Records[0].messageId}"): the schema threw TypeError: schema bug`,
    );
  });
});

describe('synchronous unless the schema is asynchronous', () => {
  type Request = { event: unknown; context: any; response: unknown };
  const requestFor = (event: unknown): Request => ({ event, context: lambdaContext(), response: undefined });
  const before = (options?: Parameters<typeof records>[0]) => records(options).before as (request: Request) => unknown;

  test('no schema or a synchronous one: before() sets context.records and returns no promise', () => {
    const event = sqsEvent([{ a: 1 }, { a: 2 }]);
    for (const options of [undefined, { schema: z.object({ a: z.number() }) }]) {
      const request = requestFor(event);
      expect(before(options)(request)).toBeUndefined();
      expect(request.context.records.map((r: any) => r.payload)).toEqual([{ a: 1 }, { a: 2 }]);
    }
  });

  test('a bad record throws from before() (middy turns it into the invocation error), decapsulate() still rejects', async () => {
    const event = sqsEvent([{ a: 1 }, { a: 'x' }]);
    const schema = z.object({ a: z.number() });
    const message = `1 of 2 records of the SQS event failed: record 1 (sqs, id "${event.Records[1].messageId}"): the payload does not match the schema: a: Invalid input: expected number, received string`;
    expect(() => before({ schema })(requestFor(event))).toThrow(message);
    const pending = decapsulate(event, { schema });
    expect(pending).toBeInstanceOf(Promise);
    expect((await rejection(pending)).message).toBe(message);
    const unknown = decapsulate({ nope: 1 });
    expect(unknown).toBeInstanceOf(Promise);
    expect((await rejection(unknown)).message).toMatch(/^the event is not an SQS, SNS/);
  });

  test('an async schema: before() returns a promise and sets context.records when it settles', async () => {
    const schema = z.object({ a: z.number() }).refine(async (o) => o.a > 0);
    const request = requestFor(sqsEvent([{ a: 1 }]));
    const result = before({ schema })(request);
    expect(result).toBeInstanceOf(Promise);
    expect(request.context.records).toBeUndefined();
    await result;
    expect(request.context.records[0].payload).toEqual({ a: 1 });
  });

  test('a schema answering with a thenable that is not a Promise is awaited (Standard Schema allows any PromiseLike)', async () => {
    const thenable = (result: StandardSchemaV1.Result<unknown>): PromiseLike<StandardSchemaV1.Result<unknown>> => ({
      then: (resolve, reject) => Promise.resolve(result).then(resolve, reject),
    });
    const schema: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (value) =>
          thenable(typeof value === 'object' && value !== null && 'a' in value ? { value: { checked: value } } : { issues: [{ message: 'no a' }] }),
      },
    };
    const event = sqsEvent([{ a: 1 }, { b: 2 }]);
    const error = await rejection(decapsulate(event, { schema }));
    expect(error.message).toBe(
      `1 of 2 records of the SQS event failed: record 1 (sqs, id "${event.Records[1].messageId}"): the payload does not match the schema: (root): no a`,
    );
    const [r] = await decapsulate(sqsEvent({ a: 1 }), { schema });
    expect(r.payload).toEqual({ checked: { a: 1 } });
  });
});
