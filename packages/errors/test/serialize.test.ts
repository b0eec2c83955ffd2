import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clearSecrets, registerSecret } from '@lambdaware/shared';
import { newError, serializeError, wrapError } from '@lambdaware/errors';

const here = /serialize\.test\.ts$/;

describe('serializeError: every kind of thrown value', () => {
  it.each([
    ['a string', 'disk full', { type: 'string', message: 'disk full', stacktrace: [] }],
    ['a number', 404, { type: 'number', message: '404', stacktrace: [] }],
    ['NaN', Number.NaN, { type: 'number', message: 'NaN', stacktrace: [] }],
    ['undefined', undefined, { type: 'undefined', message: 'undefined', stacktrace: [] }],
    ['null', null, { type: 'null', message: 'null', stacktrace: [] }],
    ['a symbol', Symbol('stop'), { type: 'symbol', message: 'Symbol(stop)', stacktrace: [] }],
    ['a bigint', 12345678901234567890n, { type: 'bigint', message: '12345678901234567890', stacktrace: [] }],
    ['a boolean', false, { type: 'boolean', message: 'false', stacktrace: [] }],
    ['a function', function namedThing() {}, { type: 'function', message: '[Function namedThing]', stacktrace: [] }],
    [
      'a plain object',
      { code: 'E_BAD', retry: false },
      { type: 'Object', message: '{"code":"E_BAD","retry":false}', code: 'E_BAD', retry: false, stacktrace: [] },
    ],
    ['an error-like object', { name: 'HttpError', message: 'teapot', status: 418 }, { type: 'HttpError', message: 'teapot', status: 418, stacktrace: [] }],
    ['a null-prototype object', Object.assign(Object.create(null), { a: 1 }), { type: 'Object', message: '{"a":1}', a: 1, stacktrace: [] }],
  ])('%s', (_label, thrown, expected) => {
    expect(serializeError(thrown)).toEqual(expected);
  });

  it('a class instance that is not an Error is named by its class', () => {
    class Rejection {
      reason = 'quota';
    }
    expect(serializeError(new Rejection())).toEqual({ type: 'Rejection', message: '{"reason":"quota"}', reason: 'quota', stacktrace: [] });
  });

  it('Error subclasses: type from name, else from the class', () => {
    class NameLess extends Error {}
    const t = serializeError(new TypeError('not a function'));
    expect(t).toMatchObject({ type: 'TypeError', message: 'not a function' });
    expect(t.stacktrace[0].file).toMatch(here);
    expect(serializeError(new NameLess('x')).type).toBe('NameLess');
    expect(serializeError(new RangeError('')).message).toBe('');
  });

  it('an object thrown with a stack string gets its frames', () => {
    const s = serializeError({ message: 'remote', stack: 'Error: remote\n    at remote (/srv/app.js:3:4)' });
    expect(s.stacktrace).toEqual([{ func: 'remote', file: '/srv/app.js', line: 3, column: 4 }]);
    expect(s).not.toHaveProperty('stack');
  });

  it('AggregateError: every inner error, each with its own chain', () => {
    const inner = new Error('second', { cause: 'root cause' });
    const agg = new AggregateError([new TypeError('first'), inner, 'third'], 'all failed');
    const s = serializeError(agg);
    expect(s.type).toBe('AggregateError');
    expect(s.errors?.map((e) => [e.type, e.message])).toEqual([
      ['TypeError', 'first'],
      ['Error', 'second'],
      ['string', 'third'],
    ]);
    expect(s.errors?.[1].cause).toEqual({ type: 'string', message: 'root cause', stacktrace: [] });
    expect(s).not.toHaveProperty('properties');
  });

  it('AggregateError with more inner errors than maxErrors', () => {
    const s = serializeError(new AggregateError(Array.from({ length: 7 }, (_, i) => new Error(`e${i}`))), { maxErrors: 3 });
    expect(s.errors).toHaveLength(3);
    expect(s.errorsOmitted).toBe(4);
  });

  it('an enumerable `errors` array on an ordinary Error is a property, not inner errors', () => {
    const e = Object.assign(new Error('validation'), { errors: [{ path: '/a', msg: 'required' }] });
    const s = serializeError(e);
    expect(s.errors).toBeUndefined();
    expect(s.properties).toEqual({ errors: [{ path: '/a', msg: 'required' }] });
  });

  it('cause chains: a cycle is marked once, not followed', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    const s = serializeError(a);
    expect(s.cause?.message).toBe('b');
    expect(s.cause?.cause).toEqual({ type: 'Error', message: 'a', stacktrace: [], circular: true });
    const self = new Error('self');
    (self as { cause?: unknown }).cause = self;
    expect(serializeError(self).cause).toMatchObject({ message: 'self', circular: true });
  });

  it('cause chains: the depth limit marks the last error truncated', () => {
    let e: unknown = new Error('level 0');
    for (let i = 1; i <= 20; i++) e = new Error(`level ${i}`, { cause: e });
    let s = serializeError(e, { maxDepth: 3 });
    const messages: string[] = [];
    for (let c: typeof s | undefined = s; c !== undefined; c = c.cause) messages.push(c.message + (c.truncated ? ' (truncated)' : ''));
    expect(messages).toEqual(['level 20', 'level 19', 'level 18', 'level 17 (truncated)']);
    s = serializeError(e);
    let depth = 0;
    for (let c = s.cause; c !== undefined; c = c.cause) depth++;
    expect(depth).toBe(10);
  });

  it('includes own enumerable properties, JSON-safe, and files reserved names under `properties`', () => {
    const e = Object.assign(new Error('ENOENT: no such file'), {
      code: 'ENOENT',
      errno: -2,
      path: '/tmp/x',
      big: 10n,
      when: new Date('2024-01-02T03:04:05.000Z'),
      tags: new Set(['a']),
      meta: new Map([['k', 1]]),
      nested: { deep: { deeper: { deepest: { a: { b: { c: { d: 1 } } } } } } },
      type: 'shadowed',
    });
    (e as unknown as Record<string, unknown>).self = e;
    const s = serializeError(e);
    expect(s).toMatchObject({
      type: 'Error',
      message: 'ENOENT: no such file',
      code: 'ENOENT',
      errno: -2,
      path: '/tmp/x',
      big: '10',
      when: '2024-01-02T03:04:05.000Z',
      tags: ['a'],
      meta: { k: 1 },
      self: '[Circular]',
      properties: { type: 'shadowed' },
    });
    expect(JSON.stringify(s.nested)).toContain('[Object]');
    expect(() => JSON.stringify(s)).not.toThrow();
  });

  it('real Node system errors (another realm under jest) are Errors with their codes', async () => {
    const { readFile } = await import('node:fs/promises');
    const error = await readFile('/definitely/not/here').catch((e: unknown) => e);
    expect(serializeError(error)).toMatchObject({ type: 'Error', code: 'ENOENT', syscall: 'open', path: '/definitely/not/here', errno: -2 });
  });

  it('never crashes on getters that throw, or on a hostile Proxy', () => {
    const e = new Error('with bad getter');
    Object.defineProperty(e, 'bad', {
      enumerable: true,
      get: () => {
        throw new Error('getter exploded');
      },
    });
    expect(serializeError(e)).toMatchObject({ message: 'with bad getter', bad: '[getter threw: Error: getter exploded]' });

    const messageThrows = new Error('x');
    Object.defineProperty(messageThrows, 'message', {
      get: () => {
        throw new Error('no message for you');
      },
    });
    expect(serializeError(messageThrows).message).toBe('[message could not be read: Error: no message for you]');

    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('get trap');
        },
        ownKeys: () => {
          throw new Error('ownKeys trap');
        },
        getPrototypeOf: () => {
          throw new Error('proto trap');
        },
        getOwnPropertyDescriptor: () => {
          throw new Error('descriptor trap');
        },
      },
    );
    const s = serializeError(hostile);
    expect(typeof s.type).toBe('string');
    expect(typeof s.message).toBe('string');
    expect(s.stacktrace).toEqual([]);

    const causeThrows = new Error('outer');
    Object.defineProperty(causeThrows, 'cause', {
      get: () => {
        throw new Error('cause getter');
      },
    });
    expect(serializeError(causeThrows)).toMatchObject({ message: 'outer' });
  });

  it('values holding errors, cycles and BigInts stay JSON-safe', () => {
    const v: Record<string, unknown> = { n: 1n };
    v.me = v;
    const e = newError('x').with('input', v).with('original', new TypeError('inner'));
    const s = serializeError(e);
    expect(s.values).toMatchObject({ input: { n: '1', me: '[Circular]' }, original: { type: 'TypeError', message: 'inner' } });
  });

  describe('redaction', () => {
    afterEach(() => clearSecrets());
    it('masks registered secrets in messages, values, properties and causes', () => {
      registerSecret('hunter2-password');
      const e = wrapError(new Error('login with hunter2-password failed'), 'auth hunter2-password').with('password', 'hunter2-password');
      Object.assign(e, { detail: 'was hunter2-password' });
      const text = JSON.stringify(serializeError(e));
      expect(text).not.toContain('hunter2-password');
      expect(text.match(/\*\*\*\*/g)).toHaveLength(4);
    });
  });
});

describe('serializeError: real AWS SDK v3 errors from a local endpoint', () => {
  let server: Server;
  let endpoint: string;
  let reply: { status: number; body: unknown };
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-0f1e2d3c' });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const call = async (): Promise<unknown> => {
    const client = new SecretsManagerClient({
      endpoint,
      region: 'eu-west-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret-key' },
    });
    try {
      return await client.send(new GetSecretValueCommand({ SecretId: 'prod/db' })).catch((e: unknown) => e);
    } finally {
      client.destroy();
    }
  };

  it('a modelled client error: name, fault, status, request id; no $response dump', async () => {
    reply = { status: 400, body: { __type: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." } };
    const error = await call();
    const s = serializeError(error);
    expect(s).toMatchObject({
      type: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
      aws: { fault: 'client', httpStatusCode: 400, requestId: 'req-0f1e2d3c', attempts: 1 },
    });
    expect(Object.keys(s).filter((k) => k.startsWith('$'))).toEqual([]);
    expect(s.stacktrace.length).toBeGreaterThan(0);
    expect(JSON.stringify(s).length).toBeLessThan(5000);
  });

  it("an unmodelled server error keeps the service's own fields", async () => {
    reply = { status: 503, body: { __type: 'QuotaBurstException', Message: 'slow down', Reason: 'burst', RetryAfterSeconds: 3 } };
    const s = serializeError(await call());
    expect(s).toMatchObject({
      type: 'QuotaBurstException',
      message: 'slow down',
      Reason: 'burst',
      RetryAfterSeconds: 3,
      aws: { fault: 'server', httpStatusCode: 503, requestId: 'req-0f1e2d3c' },
    });
  });
});
