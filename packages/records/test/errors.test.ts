import { describe, expect, test } from '@jest/globals';
import middy from '@middy/core';
import { z } from 'zod';
import { dynamodbStreamEvent, kinesisEvent, lambdaContext, snsEvent, snsOverSqsEvent, sqsEvent } from '@lambdaware/events';
import { decapsulate, records, RecordsError, RecordsOptionError } from '@lambdaware/records';
import { rejection, sample, sampleText } from './helpers.js';

/** Where the first bad character of these texts is (what the reason says instead of V8's quote of the text). */
const BAD_AT: Record<string, number> = { 'Message Body': 0, hello: 0, oops: 0, nope: 1 };

/**
 * What the reason says about `text`: JSON.parse's message on this Node version, except when that message quotes the
 * text (`Unexpected token 'M', "Message Body" is not valid JSON`): then the position alone, so that no fragment of a
 * body (a secret, maybe) reaches an error, a log line or Sentry.
 */
const parseError = (text: string): string => {
  try {
    JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    if (!message.startsWith('Unexpected token')) return message;
    if (BAD_AT[text] === undefined) throw new Error(`add ${JSON.stringify(text)} to BAD_AT`);
    return `Unexpected token at position ${BAD_AT[text]}`;
  }
  throw new Error(`${text} is JSON`);
};

const Order = z.object({ message: z.string(), items: z.array(z.object({ qty: z.number().min(1) })) });

describe('RecordsError names the source, each bad record (index and id) and what was wrong', () => {
  test('a body that is not JSON (the real sample event)', async () => {
    const error = await rejection(decapsulate(sample('sqs-event.json')));
    expect(error).toBeInstanceOf(RecordsError);
    expect(error).not.toBeInstanceOf(SyntaxError);
    expect(error.name).toBe('RecordsError');
    expect(error.message).toBe(`1 of 1 records of the SQS event failed: record 0 (sqs, id "MessageID_1"): body is not JSON: ${parseError('Message Body')}`);
    expect(error.eventType).toBe('SQS');
    expect(error.total).toBe(1);
    expect(error.failures).toEqual([{ index: 0, id: 'MessageID_1', source: 'sqs', kind: 'parse', reason: `body is not JSON: ${parseError('Message Body')}` }]);
  });

  test('a truncated body (the malformed DynamoDB sample sent through a queue)', async () => {
    const text = sampleText('dynamodb-event-malformed.2.json');
    const event = sqsEvent(text);
    const error = await rejection(decapsulate(event));
    expect(error.message).toBe(
      `1 of 1 records of the SQS event failed: record 0 (sqs, id "${event.Records[0].messageId}"): body is not JSON: ${parseError(text)}`,
    );
  });

  test('a payload failing the schema: every issue with its path', async () => {
    const event = sqsEvent({ message: 7, items: [{ qty: 0 }] });
    const error = await rejection(decapsulate(event, { schema: Order }));
    const id = event.Records[0].messageId;
    expect(error.message).toBe(
      `1 of 1 records of the SQS event failed: record 0 (sqs, id "${id}"): the payload does not match the schema: ` +
        'message: Invalid input: expected string, received number; items[0].qty: Too small: expected number to be >=1',
    );
    expect(error.failures[0].kind).toBe('schema');
    expect(error.failures[0].issues.map((i: { path: unknown[] }) => i.path)).toEqual([['message'], ['items', 0, 'qty']]);
  });

  test('several bad records in a batch of ten: all of them are named, the good ones are not', async () => {
    const bodies: unknown[] = Array.from({ length: 10 }, (_, i) => ({ message: `m${i}`, items: [{ qty: 1 }] }));
    bodies[2] = '{"message": "cut';
    bodies[5] = { message: 'm5', items: [{ qty: -1 }] };
    bodies[9] = { items: [] };
    const event = sqsEvent(bodies);
    const id = (i: number) => event.Records[i].messageId;
    const error = await rejection(decapsulate(event, { schema: Order }));
    expect(error.message).toBe(
      '3 of 10 records of the SQS event failed: ' +
        `record 2 (sqs, id "${id(2)}"): body is not JSON: ${parseError('{"message": "cut')}; ` +
        `record 5 (sqs, id "${id(5)}"): the payload does not match the schema: items[0].qty: Too small: expected number to be >=1; ` +
        `record 9 (sqs, id "${id(9)}"): the payload does not match the schema: message: Invalid input: expected string, received undefined`,
    );
    expect(error.failures.map((f: { index: number; id: string }) => [f.index, f.id])).toEqual([
      [2, id(2)],
      [5, id(5)],
      [9, id(9)],
    ]);
  });

  test('past 25 detailed failures the rest are still named by index and id', async () => {
    const event = sqsEvent(Array.from({ length: 30 }, (_, i) => `bad ${i}`));
    const error = await rejection(decapsulate(event));
    expect(error.failures).toHaveLength(30);
    expect(error.message.startsWith('all 30 records of the SQS event failed: record 0 (sqs, id ')).toBe(true);
    expect(error.message).toContain(`; and 5 more: ${[25, 26, 27, 28, 29].map((i) => `record ${i} (sqs, id "${event.Records[i].messageId}")`).join(', ')}`);
  });

  test('SNS, SNS-over-SQS and Kinesis payloads that are not JSON', async () => {
    const sns = snsEvent('hello');
    expect((await rejection(decapsulate(sns))).message).toBe(
      `1 of 1 records of the SNS event failed: record 0 (sns, id "${sns.Records[0].Sns.MessageId}"): Sns.Message is not JSON: ${parseError('hello')}`,
    );
    const wrapped = snsOverSqsEvent(['{"ok":true}', 'oops']);
    expect((await rejection(decapsulate(wrapped))).message).toBe(
      `1 of 2 records of the SQS event failed: record 1 (sns-over-sqs, id "${wrapped.Records[1].messageId}"): ` +
        `the SNS Message in the body is not JSON: ${parseError('oops')}`,
    );
    const kinesis = kinesisEvent(['[1,2]', 'nope']);
    expect((await rejection(decapsulate(kinesis))).message).toBe(
      `1 of 2 records of the Kinesis event failed: record 1 (kinesis, id "${kinesis.Records[1].kinesis.sequenceNumber}"): ` +
        `kinesis.data is not JSON: ${parseError('nope')}`,
    );
  });

  test('records that are not what their source sends', async () => {
    const event = sqsEvent([{ a: 1 }, { a: 2 }, { a: 3 }]) as any;
    delete event.Records[0].messageId;
    event.Records[1].body = 42;
    event.Records[2] = { eventSource: 'aws:kinesis', messageId: 'k' };
    const error = await rejection(decapsulate(event));
    expect(error.message).toBe(
      'all 3 records of the SQS event failed: record 0 (sqs, id unknown): the record has no messageId; ' +
        `record 1 (sqs, id "${event.Records[1].messageId}"): the record has no string body; ` +
        'record 2 (sqs, id "k"): the record has eventSource "aws:kinesis" in an SQS event',
    );
  });

  test("a body that is not an SNS notification when source is 'sns-over-sqs'", async () => {
    const event = sqsEvent({ plain: true });
    expect((await rejection(decapsulate(event, { source: 'sns-over-sqs' }))).message).toBe(
      `1 of 1 records of the SQS event failed: record 0 (sns-over-sqs, id "${event.Records[0].messageId}"): ` +
        'body is not an SNS notification (raw message delivery on? use source: "sqs")',
    );
  });

  test('a DynamoDB attribute value that is not one', async () => {
    const event = dynamodbStreamEvent({ keys: { id: '1' }, newImage: { id: '1' } }) as any;
    event.Records[0].dynamodb.NewImage.bad = { Q: 'x' };
    event.Records[0].dynamodb.NewImage.count = { N: 'twelve' };
    const error = await rejection(decapsulate(event));
    expect(error.message).toBe(
      `1 of 1 records of the DynamoDB stream event failed: record 0 (dynamodb, id "${event.Records[0].dynamodb.SequenceNumber}"): ` +
        'dynamodb.NewImage.bad: unknown attribute value type "Q"',
    );
  });

  test('an event of unknown shape', async () => {
    const message = async (event: unknown) => {
      const error = await rejection(decapsulate(event));
      expect(error).toBeInstanceOf(RecordsError);
      expect(error.eventType).toBe('unknown');
      expect(error.failures).toEqual([]);
      return error.message;
    };
    const head = 'the event is not an SQS, SNS, Kinesis, DynamoDB stream, EventBridge, S3, CloudWatch Logs, Kinesis Firehose or Kafka event: ';
    expect(await message({ hello: 'world', n: 1 })).toBe(`${head}it is an object with keys hello, n`);
    expect(await message('{"Records":[]}')).toBe(`${head}it is a string`);
    expect(await message(null)).toBe(`${head}it is null`);
    expect(await message(undefined)).toBe(`${head}it is undefined`);
    expect(await message({ Records: [{ eventSource: 'aws:kafka' }] })).toBe(`${head}event.Records[0].eventSource is "aws:kafka"`);
    expect(await message({ Records: [42] })).toBe(`${head}event.Records[0] is a number, with no eventSource`);
    expect(await message(sample('apigw-request.json'))).toMatch(/^the event is not .*: it is an object with keys resource, path, httpMethod/);
  });

  test('an event that does not match the source option or the payload option', async () => {
    expect((await rejection(decapsulate(sqsEvent({}), { source: 'kinesis' }))).message).toBe(
      "option source 'kinesis' expects a Kinesis event, but this is an SQS event",
    );
    expect((await rejection(decapsulate(sample('dynamodb-event.json'), { payload: 'text' }))).message).toBe(
      "option payload 'text' applies to SQS, SNS, Kinesis, CloudWatch Logs, Kinesis Firehose and Kafka messages, but this is a DynamoDB stream event, whose payloads are structured (use payload: 'json')",
    );
  });

  test('through Middy: the handler does not run and onError sees the RecordsError', async () => {
    let handlerRan = false;
    let seen: unknown;
    const handler = middy()
      .use({ onError: (request) => void (seen = request.error) })
      .use(records())
      .handler(async () => {
        handlerRan = true;
      });
    const error = await rejection(handler(sqsEvent('not json'), lambdaContext()));
    expect(error).toBeInstanceOf(RecordsError);
    expect(seen).toBe(error);
    expect(handlerRan).toBe(false);
  });
});

describe('a __proto__ or constructor key never pollutes a prototype', () => {
  const hostile = '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "a": 1}';

  const assertClean = () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  };

  test('in an SQS body, an SNS Message and a Kinesis record', async () => {
    for (const event of [sqsEvent(hostile), snsOverSqsEvent(hostile), snsEvent(hostile), kinesisEvent(hostile)]) {
      const [r] = await decapsulate(event);
      const payload = r.payload as Record<string, unknown>;
      expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
      expect(Object.hasOwn(payload, '__proto__')).toBe(true);
      expect(payload.polluted).toBeUndefined();
      assertClean();
    }
  });

  test('in a DynamoDB image (unmarshalled by this package)', async () => {
    const event = dynamodbStreamEvent({ keys: { id: '1' }, newImage: { id: '1' } }) as any;
    const image = event.Records[0].dynamodb.NewImage;
    Object.defineProperty(image, '__proto__', { value: { M: { polluted: { S: 'yes' } } }, enumerable: true });
    image.constructor = { M: { prototype: { M: { polluted: { S: 'yes' } } } } };
    image.nested = { M: JSON.parse('{"__proto__": {"M": {"polluted": {"S": "yes"}}}}') };
    const [r] = await decapsulate(event);
    const payload = r.payload as Record<string, any>;
    expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
    expect(Object.hasOwn(payload, '__proto__')).toBe(true);
    expect(payload.polluted).toBeUndefined();
    expect(Object.getPrototypeOf(payload.nested)).toBe(Object.prototype);
    expect(Object.hasOwn(payload.nested, '__proto__')).toBe(true);
    expect(payload.constructor).toEqual({ prototype: { polluted: 'yes' } });
    assertClean();
  });

  test('through a schema that keeps unknown keys', async () => {
    const [r] = await decapsulate(sqsEvent(hostile), { schema: z.looseObject({ a: z.number() }) });
    expect((r.payload as Record<string, unknown>).polluted).toBeUndefined();
    assertClean();
  });
});

describe('options are checked when the middleware is created', () => {
  const cases: [string, unknown, string][] = [
    // the sources are generated from the event sources and the payload kinds (issue 25), not listed one by one
    [
      'source',
      { source: 'sqs-fifo' },
      'records(): option "source" must be "auto", "sqs", "sns", "kinesis", "dynamodb", "eventbridge", "s3", "cloudwatch-logs", "firehose", "kafka" or "<kind>-over-<source>" (a kind "sns", "s3", "eventbridge", "cloudwatch-logs" or "ses" carried by "sqs", "sns", "kinesis", "eventbridge" or "firehose", or by "sns" or "eventbridge" in one: "s3-over-sns-over-sqs"), got "sqs-fifo"',
    ],
    [
      'schema',
      { schema: { parse: () => 1 } },
      'records(): option "schema" must be a Standard Schema (zod, valibot, arktype...: an object with ~standard.validate), got an object',
    ],
    ['payload', { payload: 'buffer' }, 'records(): option "payload" must be "json", "text" or "bytes", got "buffer"'],
    [
      'payload',
      { payload: 'text', source: 'dynamodb' },
      'records(): option "payload" "text" applies to SQS, SNS, Kinesis, CloudWatch Logs, Kinesis Firehose and Kafka messages, not to source "dynamodb"',
    ],
    ['numbers', { numbers: 'bigint' }, 'records(): option "numbers" must be "auto" or "string", got "bigint"'],
    ['eachRecord', { eachRecord: 'save' }, 'records(): option "eachRecord" must be a function (record, context) => ..., got "save"'],
    ['concurrency', { concurrency: 0 }, 'records(): option "concurrency" must be an integer >= 1, got 0'],
    [
      'schem',
      { schem: Order },
      'records(): option "schem" is not an option of records() (options: source, schema, payload, numbers, eachRecord, concurrency, fifo)',
    ],
    ['options', 'sqs', 'records(): options must be an object, got "sqs"'],
  ];
  test.each(cases)('%s', (option, options, message) => {
    let error: unknown;
    try {
      records(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RecordsOptionError);
    expect((error as RecordsOptionError).option).toBe(option);
    expect((error as Error).message).toBe(message);
  });

  test('undefined options mean the defaults', async () => {
    const [r] = await decapsulate(sqsEvent({ a: 1 }), { source: undefined, payload: undefined });
    expect(r.payload).toEqual({ a: 1 });
  });
});

describe('values String() and JSON.stringify cannot print never escape as a TypeError', () => {
  const unprintable = (): unknown[] => [
    Object.create(null),
    { toString: undefined },
    {
      [Symbol.toPrimitive]: () => {
        throw new Error('no');
      },
    },
  ];

  test('a BigInt or unprintable eventSource gives RecordsError describing it', async () => {
    const head = 'the event is not an SQS, SNS, Kinesis, DynamoDB stream, EventBridge, S3, CloudWatch Logs, Kinesis Firehose or Kafka event: ';
    const bigint = await rejection(decapsulate({ Records: [{ eventSource: 0n }] }));
    expect(bigint).toBeInstanceOf(RecordsError);
    expect(bigint.message).toBe(`${head}event.Records[0].eventSource is 0n`);
    for (const eventSource of unprintable()) {
      const error = await rejection(decapsulate({ Records: [{ eventSource }] }));
      expect(error).toBeInstanceOf(RecordsError);
      expect(error.message).toMatch(/event\.Records\[0\]\.eventSource is an object/);
    }
    // a later record of an SQS batch with a BigInt eventSource: named by index and id
    const event = sample('sqs-event.json');
    event.Records.push({ ...event.Records[0], messageId: 'second', eventSource: 5n });
    const error = await rejection(decapsulate(event, { payload: 'text' }));
    expect(error.failures).toEqual([expect.objectContaining({ index: 1, id: 'second', reason: 'the record has eventSource 5n in an SQS event' })]);
  });

  test('an SNS record (real sample) with an unprintable Sns.Timestamp decodes; so does an S3 record with unprintable fields', async () => {
    for (const value of unprintable()) {
      const event = sample('sns-event.json');
      event.Records[0].Sns.Message = '{"order":1}';
      event.Records[0].Sns.Timestamp = value;
      const [record] = await decapsulate(event, { source: 'sns' });
      expect(record.payload).toEqual({ order: 1 });
      expect(typeof record.timestamp).toBe('string');

      // the S3 record fields (a parsed body cannot hold such a value, a direct S3 event can)
      const s3 = sample('s3-event.json');
      s3.Records[0].eventName = value;
      s3.Records[0].awsRegion = value;
      const [s3Record] = await decapsulate(s3);
      expect(typeof s3Record.eventName).toBe('string');
    }
  });

  test('an option value that String() cannot print gives RecordsOptionError naming the option', () => {
    for (const value of [...unprintable(), 1n, Symbol('s')]) {
      for (const option of ['source', 'payload', 'numbers', 'eachRecord', 'concurrency']) {
        let error: unknown;
        try {
          records({ [option]: value } as never);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(RecordsOptionError);
        expect((error as RecordsOptionError).option).toBe(option);
      }
    }
    expect(() => records({ source: Object.create(null) })).toThrow('records(): option "source" must be "auto", "sqs",');
    expect(() => records({ source: Object.create(null) })).toThrow(/got an object \(null-prototype\)$/);
  });
});
