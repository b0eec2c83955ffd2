// Which values are secret (issue 14), through the real AWS SDK against the local endpoint: what the spec keeps after
// its schema, `redact` / `notSecret`, and the rule for each bad input (masked, or one warning naming the secret).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { z } from 'zod';
import { REDACTED, clearSecrets, redactDeep, redactString, setLogSink, type LogSink } from '@lambdaware/shared';
import { startSecretsManager, type LocalSecretsManager } from '@lambdaware/testkit';
import { getSecretValues, secrets } from '@lambdaware/secrets';
import { clientFor, lambdaContextFor } from './helpers.js';

let sm: LocalSecretsManager;
const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
const sink: LogSink = { log: (level, message, fields) => void (level === 'warn' && warnings.push({ message, fields })) };
beforeAll(async () => {
  sm = await startSecretsManager();
  setLogSink(sink);
});
afterAll(async () => {
  setLogSink(undefined);
  await sm.close();
});
beforeEach(() => {
  clearSecrets();
  warnings.length = 0;
});

let n = 0;
const uniq = (base: string) => `${base}-${++n}`;

const RDS_PASSWORD = 'Rds-pa55w0rd-7Qx';
const rds = {
  username: 'admin',
  password: RDS_PASSWORD,
  engine: 'postgres',
  host: 'localhost',
  port: 5432,
  dbname: 'orders',
  dbInstanceIdentifier: 'orders-db',
};

describe('the RDS scenario: schema { password }', () => {
  it('masks the password and nothing else: the function name, service, ARN and order ids stay intact', async () => {
    const id = uniq('rds/orders');
    const arn = sm.setSecret(id, rds);
    const handler = middy(async (_e: unknown, context) => context.secrets.db.password).use(
      secrets({ client: clientFor(sm.endpoint), fetch: { db: { id: arn, schema: z.object({ password: z.string() }) } } }),
    );
    expect(await handler({}, lambdaContextFor())).toBe(RDS_PASSWORD);
    const line = {
      service: 'orders',
      function_name: 'orders-api',
      function_arn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api',
      orderId: 'ord-admin-1',
      engine: 'postgres',
      port: 5432,
      message: `connect postgres://admin:${RDS_PASSWORD}@localhost:5432/orders failed for ord-7`,
    };
    expect(redactDeep(line)).toEqual({ ...line, message: `connect postgres://admin:${REDACTED}@localhost:5432/orders failed for ord-7` });
    expect(redactString(`negative total for ord-7 (${JSON.stringify(rds)})`)).toBe(`negative total for ord-7 (${REDACTED})`);
    expect(warnings).toEqual([]);
  });

  it('without a schema every value is secret; redact names the secret fields, notSecret the others', async () => {
    const id = uniq('rds/plain');
    sm.setSecret(id, rds);
    const client = clientFor(sm.endpoint);
    await getSecretValues(id, undefined, { client, redact: ['password', 'username'] });
    expect(redactDeep({ user: 'admin', host: 'localhost', pw: RDS_PASSWORD, text: 'admin@localhost' })).toEqual({
      user: REDACTED,
      host: 'localhost',
      pw: REDACTED,
      text: 'admin@localhost',
    });
    clearSecrets();
    await getSecretValues(id, undefined, { client, notSecret: ['engine', 'host', 'dbname', 'port', 'dbInstanceIdentifier'] });
    expect(redactDeep({ user: 'admin', engine: 'postgres', port: 5432, db: 'orders', pw: RDS_PASSWORD })).toEqual({
      user: REDACTED,
      engine: 'postgres',
      port: 5432,
      db: 'orders',
      pw: REDACTED,
    });
    clearSecrets();
    await getSecretValues(id, undefined, { client });
    // every value: long ones inside text, short ones (admin, 5432) as whole values only
    expect(redactDeep({ user: 'admin', who: 'admins', port: 5432, total: 154320, svc: 'orders-api', note: 'on localhost' })).toEqual({
      user: REDACTED,
      who: 'admins',
      port: REDACTED,
      total: 154320,
      svc: `${REDACTED}-api`,
      note: `on ${REDACTED}`,
    });
  });

  it('a redact path that is not in the value is a warning naming the secret; bad paths are option errors', async () => {
    const id = uniq('rds/typo');
    sm.setSecret(id, rds);
    await getSecretValues(id, undefined, { client: clientFor(sm.endpoint), redact: ['passwd'] });
    expect(warnings.map((w) => w.message)).toEqual([`secrets: secret "${id}": redact path "passwd" is not in the value: nothing masked for it`]);
    expect(() => secrets({ fetch: { db: { id, redact: 'password' as never } }, prefetch: false })).toThrow(
      'secrets(): option "fetch.db.redact" must be an array of field paths',
    );
  });
});

describe('bad input: a rule for each, never a crash, never a damaged line', () => {
  const load = (value: string | Uint8Array | object, parse?: 'json' | 'text' | 'binary') => {
    const id = uniq('bad');
    sm.setSecret(id, value);
    return { id, got: getSecretValues(id, undefined, { client: clientFor(sm.endpoint), ...(parse ? { parse } : {}) }) };
  };

  it('"" as text: nothing to mask, one warning', async () => {
    const { id, got } = load('', 'text');
    expect(await got).toBe('');
    expect(warnings.map((w) => w.message)).toEqual([`secrets: secret "${id}": nothing in its value can be masked (an empty string: nothing to mask)`]);
  });

  it('"null" and "{}" (JSON): nothing to mask, one warning each; "" as JSON is a NotJson error', async () => {
    const a = load('null');
    expect(await a.got).toBeNull();
    const b = load('{}');
    expect(await b.got).toEqual({});
    expect(warnings.map((w) => w.message)).toEqual([
      `secrets: secret "${a.id}": nothing in its value can be masked (null: nothing to mask)`,
      `secrets: secret "${b.id}": nothing in its value can be masked (an empty object: nothing to mask)`,
    ]);
    expect(redactDeep({ a: null, b: 'null', c: '{}', d: {} })).toEqual({ a: null, b: 'null', c: '{}', d: {} });
    const c = load('');
    await expect(c.got).rejects.toMatchObject({ code: 'NotJson' });
  });

  it('"true" (JSON): a boolean is never masked, one warning; "true" as text is masked where a string is exactly "true"', async () => {
    const a = load('true');
    expect(await a.got).toBe(true);
    expect(warnings[0]!.message).toContain('a boolean: true/false are never masked');
    const b = load('true', 'text');
    expect(await b.got).toBe('true');
    const line = JSON.parse(JSON.stringify(redactDeep({ cold_start: true, flag: 'true', text: 'is true' })));
    expect(line).toEqual({ cold_start: true, flag: REDACTED, text: 'is true' });
  });

  it('a number: masked where a number or a string is exactly it, never inside another number', async () => {
    const { got } = load('482913');
    expect(await got).toBe(482913);
    expect(redactDeep({ pin: 482913, s: '482913', total: 14829130, text: 'pin 482913' })).toEqual({
      pin: REDACTED,
      s: REDACTED,
      total: 14829130,
      text: 'pin 482913',
    });
    expect(warnings).toEqual([]);
  });

  it('an object and an array: each value by the same rules', async () => {
    const a = load({ token: 'tok-object-123', nested: { pin: 1234, on: true } });
    await a.got;
    const b = load(['tok-array-4567', 42]);
    await b.got;
    expect(redactDeep({ a: 'Bearer tok-object-123', b: 'tok-array-4567', n: 1234, m: 42, on: true })).toEqual({
      a: `Bearer ${REDACTED}`,
      b: REDACTED,
      n: REDACTED,
      m: REDACTED,
      on: true,
    });
    expect(warnings).toEqual([]);
  });

  it('a 1 MB string: masked wherever it occurs', async () => {
    const big = `big-${'x'.repeat(1024 * 1024)}`;
    const { got } = load(big, 'text');
    expect((await got).length).toBe(big.length);
    expect(redactDeep({ m: `a ${big} b` })).toEqual({ m: `a ${REDACTED} b` });
  });

  it('non-UTF-8 binary: its bytes are masked (written as base64 by lambdaware)', async () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0xfd, 0x00, 0x80, 0x81, 0xc3]);
    const { got } = load(bytes);
    const value = (await got) as Uint8Array;
    expect(Buffer.from(value).equals(Buffer.from(bytes))).toBe(true);
    expect(redactDeep({ key: value, b64: `k=${Buffer.from(bytes).toString('base64')}` })).toEqual({ key: REDACTED, b64: `k=${REDACTED}` });
    expect(warnings).toEqual([]);
  });
});
