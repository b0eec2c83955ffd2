import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import middy from '@middy/core';
import { z } from 'zod';
import { OptionsError, clearSecrets, redactString } from '@lambdaware/shared';
import { startSecretsManager, type LocalSecretsManager } from '@lambdaware/testkit';
import { secrets, secret, SecretsError, getSecretValues } from '@lambdaware/secrets';
import { clientFor, lambdaContextFor, requestFor, sleep } from './helpers.js';

let sm: LocalSecretsManager;

beforeAll(async () => {
  sm = await startSecretsManager();
});
afterAll(async () => {
  await sm.close();
});
beforeEach(() => {
  sm.setFault();
  sm.calls.length = 0;
  clearSecrets();
});

/** A unique secret name per test, so tests never share cached values through a client. */
let n = 0;
const uniq = (base: string) => `${base}-${++n}`;

const invoke = async <C>(handler: (e: unknown, c: ReturnType<typeof lambdaContextFor>) => Promise<C>) => handler({}, lambdaContextFor());

describe('fetching onto the context', () => {
  it('puts parsed JSON secrets on context.secrets, fetching 2 secrets in one BatchGetSecretValue', async () => {
    const slack = uniq('prod/slack');
    const db = uniq('prod/db');
    sm.setSecret(slack, { token: 'xoxb-1111-abcd' });
    const dbArn = sm.setSecret(db, { user: 'app', password: 'pw-9876-zyx', port: 5432 });
    const DbSecret = z.object({ user: z.string(), password: z.string(), port: z.number() });
    const handler = middy(async (_e: unknown, context) => ({
      token: context.secrets.slack.token as string,
      port: context.secrets.db.port,
      password: context.secrets.db.password,
    })).use(secrets({ client: clientFor(sm.endpoint), fetch: { slack, db: { id: dbArn, schema: DbSecret } } }));
    await expect(invoke(handler)).resolves.toEqual({ token: 'xoxb-1111-abcd', port: 5432, password: 'pw-9876-zyx' });
    expect(sm.calls.map((c) => c.operation)).toEqual(['BatchGetSecretValue']);
    expect(sm.calls[0]!.body).toEqual({ SecretIdList: [slack, dbArn] });
    // fetched values are registered for redaction: raw string and each string leaf
    expect(redactString('t=xoxb-1111-abcd p=pw-9876-zyx')).toBe('t=**** p=****');
  });

  it('reads the id from an environment variable, and defaults to SECRET_ARN under the key "secret"', async () => {
    const name = uniq('env/secret');
    const arn = sm.setSecret(name, { apiKey: 'k-123456' });
    process.env.SECRET_ARN = arn;
    process.env.OTHER_SECRET_ID = name;
    try {
      const client = clientFor(sm.endpoint);
      const a = requestFor();
      await secrets({ client }).before!(a as never);
      expect((a.context as unknown as { secrets: unknown }).secrets).toEqual({ secret: { apiKey: 'k-123456' } });
      const b = requestFor();
      await secrets({ client, fetch: { other: { env: 'OTHER_SECRET_ID' } } }).before!(b as never);
      expect((b.context as unknown as { secrets: { other: unknown } }).secrets.other).toEqual({ apiKey: 'k-123456' });
    } finally {
      delete process.env.SECRET_ARN;
      delete process.env.OTHER_SECRET_ID;
    }
  });

  it('uses the default client from AWS_ENDPOINT_URL_SECRETS_MANAGER and the region/credential env', async () => {
    const name = uniq('default/client');
    sm.setSecret(name, { v: 'default-client-value' });
    const saved = { ...process.env };
    Object.assign(process.env, sm.env);
    try {
      await expect(getSecretValues(name, z.object({ v: z.string() }))).resolves.toEqual({ v: 'default-client-value' });
      expect(sm.calls.at(-1)!.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
      expect(String(sm.calls.at(-1)!.headers.authorization)).toContain('Credential=AKIDLOCALTEST/');
    } finally {
      process.env = saved;
    }
  });

  it('is non-enumerable on the context (logging the context does not print it) and merges with an earlier secrets()', async () => {
    const a = uniq('merge/a');
    const b = uniq('merge/b');
    sm.setSecret(a, { x: 'merge-value-a' });
    sm.setSecret(b, 'plain-text-b', {});
    const client = clientFor(sm.endpoint);
    const handler = middy(async (_e: unknown, context) => ({
      both: [context.secrets.a.x, context.secrets.b],
      json: JSON.stringify(context),
    }))
      .use(secrets({ client, fetch: { a } }))
      .use(secrets({ client, fetch: { b: { id: b, parse: 'text' } } }));
    const out = await invoke(handler);
    expect(out.both).toEqual(['merge-value-a', 'plain-text-b']);
    expect(out.json).not.toContain('merge-value');
  });

  it('parses SecretBinary: JSON when it is UTF-8 JSON, bytes otherwise, and per-secret parse modes', async () => {
    const jsonBin = uniq('bin/json');
    const rawBin = uniq('bin/raw');
    const text = uniq('text/plain');
    sm.setSecret(jsonBin, { k: 'binary-json-value' }, { binary: true });
    sm.setSecret(rawBin, new Uint8Array([0xff, 0xfe, 0x00, 0x01, 0x80]));
    sm.setSecret(text, 'not-json-at-all');
    const client = clientFor(sm.endpoint);
    const r = requestFor();
    await secrets({
      client,
      fetch: {
        jsonBin,
        rawBin,
        asText: { id: jsonBin, parse: 'text' },
        asBytes: { id: text, parse: 'binary' },
        text: { id: text, parse: 'text' },
      },
    }).before!(r as never);
    const s = (r.context as unknown as { secrets: Record<string, unknown> }).secrets;
    expect(s.jsonBin).toEqual({ k: 'binary-json-value' });
    expect(s.rawBin).toEqual(new Uint8Array([0xff, 0xfe, 0x00, 0x01, 0x80]));
    expect(s.asText).toBe('{"k":"binary-json-value"}');
    expect(Buffer.from(s.asBytes as Uint8Array).toString()).toBe('not-json-at-all');
    expect(s.text).toBe('not-json-at-all');
    // bytes are masked in their base64 form (how lambdaware serializes bytes)
    expect(redactString(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]).toString('base64'))).toBe('****');
  });

  it('supports async Standard Schema validators and transforms (the output is what the handler gets)', async () => {
    const name = uniq('async/schema');
    // '0x1538' (5432): a string secret of plain digits like '5432' is registered and then "found" by the whole-run
    // secret scan in any other test's output that happens to hold those digits
    sm.setSecret(name, { port: '0x1538', host: 'db.internal' });
    const schema = z.object({ port: z.coerce.number(), host: z.string().refine(async (h) => h.endsWith('.internal')) });
    await expect(getSecretValues(name, schema, { client: clientFor(sm.endpoint) })).resolves.toEqual({ port: 5432, host: 'db.internal' });
  });

  it('secret<T>() and getSecretValues with versionStage fetch a given version', async () => {
    const name = uniq('versions');
    sm.setSecret(name, { v: 'version-one' });
    sm.setSecret(name, { v: 'version-two' });
    const client = clientFor(sm.endpoint);
    const r = requestFor();
    await secrets({
      client,
      fetch: { cur: secret<{ v: string }>(name), prev: secret<{ v: string }>(name, { versionStage: 'AWSPREVIOUS' }) },
    }).before!(r as never);
    expect((r.context as unknown as { secrets: unknown }).secrets).toEqual({ cur: { v: 'version-two' }, prev: { v: 'version-one' } });
    // a versioned secret is fetched alone (BatchGetSecretValue has no version parameters)
    expect(sm.calls.map((c) => c.operation)).toEqual(['GetSecretValue', 'GetSecretValue']);
    expect(sm.calls.find((c) => c.body.VersionStage === 'AWSPREVIOUS')).toBeDefined();
  });
});

describe('caching', () => {
  it('serves cached values until the TTL, then picks up a rotated secret (not before)', async () => {
    const name = uniq('rotating');
    sm.setSecret(name, { password: 'before-rotation' });
    const handler = middy(async (_e: unknown, context) => context.secrets.db.password as string).use(
      secrets({ client: clientFor(sm.endpoint), cacheTtlMs: 300, fetch: { db: name } }),
    );
    expect(await invoke(handler)).toBe('before-rotation');
    sm.setSecret(name, { password: 'after-rotation' });
    expect(await invoke(handler)).toBe('before-rotation');
    expect(sm.calls).toHaveLength(1);
    await sleep(330);
    expect(await invoke(handler)).toBe('after-rotation');
    expect(sm.calls).toHaveLength(2);
  });

  it('cacheTtlMs 0 fetches on every invocation (the prefetch serves the first)', async () => {
    const name = uniq('ttl0');
    sm.setSecret(name, { v: 'ttl-zero-1' });
    const handler = middy(async (_e: unknown, context) => context.secrets.s.v as string).use(
      secrets({ client: clientFor(sm.endpoint), cacheTtlMs: 0, fetch: { s: name } }),
    );
    expect(await invoke(handler)).toBe('ttl-zero-1');
    sm.setSecret(name, { v: 'ttl-zero-2' });
    expect(await invoke(handler)).toBe('ttl-zero-2');
    await invoke(handler);
    expect(sm.calls).toHaveLength(3);
  });

  it('cacheTtlMs Infinity never fetches again', async () => {
    const name = uniq('forever');
    sm.setSecret(name, { v: 'forever-1' });
    const handler = middy(async (_e: unknown, context) => context.secrets.s.v as string).use(
      secrets({ client: clientFor(sm.endpoint), cacheTtlMs: Infinity, fetch: { s: name } }),
    );
    await invoke(handler);
    sm.setSecret(name, { v: 'forever-2' });
    await sleep(20);
    expect(await invoke(handler)).toBe('forever-1');
    expect(sm.calls).toHaveLength(1);
  });

  it('concurrent invocations share one call per secret', async () => {
    const name = uniq('concurrent');
    sm.setSecret(name, { v: 'shared-call' });
    sm.setFault({ delayMs: 80 });
    const client = clientFor(sm.endpoint);
    const handler = middy(async (_e: unknown, context) => context.secrets.s.v as string).use(secrets({ client, prefetch: false, fetch: { s: name } }));
    const results = await Promise.all([invoke(handler), invoke(handler), invoke(handler), getSecretValues(name, undefined, { client })]);
    expect(results).toEqual(['shared-call', 'shared-call', 'shared-call', { v: 'shared-call' }]);
    expect(sm.calls).toHaveLength(1);
  });

  it('does not cache a failed fetch: the next invocation fetches again and recovers', async () => {
    const name = uniq('recover');
    sm.setSecret(name, { v: 'recovered-value' });
    sm.setFault({ error: 'AccessDeniedException', times: 1 });
    const handler = middy(async (_e: unknown, context) => context.secrets.s.v as string).use(
      secrets({ client: clientFor(sm.endpoint), prefetch: false, fetch: { s: name } }),
    );
    await expect(invoke(handler)).rejects.toMatchObject({ name: 'SecretsError', code: 'AccessDenied', secretId: name });
    expect(await invoke(handler)).toBe('recovered-value');
    expect(sm.calls.map((c) => c.outcome)).toEqual(['AccessDeniedException', 'ok']);
  });
});

/** The context.secrets a direct call of a middleware's before left on a request. */
const secretsOf = (r: { context: object }) => (r.context as { secrets?: unknown }).secrets;

describe('the warm path (every value cached)', () => {
  it('is synchronous (before returns undefined) and reuses one values object until a raw value changes', async () => {
    const name = uniq('warm');
    sm.setSecret(name, { v: 'warm-1' });
    const client = clientFor(sm.endpoint);
    const mw = secrets({ client, fetch: { s: name } });
    const first = mw.before!(requestFor() as never);
    expect(first).toBeInstanceOf(Promise); // waits for the prefetch
    await first;
    const [a, b] = [requestFor(), requestFor()];
    expect(mw.before!(a as never)).toBeUndefined();
    expect(mw.before!(b as never)).toBeUndefined();
    expect(secretsOf(a)).toEqual({ s: { v: 'warm-1' } });
    expect(secretsOf(b)).toBe(secretsOf(a));
    expect(Object.keys(b.context)).not.toContain('secrets');
    expect(Object.getOwnPropertyDescriptor(b.context, 'secrets')).toMatchObject({ enumerable: false, writable: true, configurable: true });
    // shared by warm invocations, so frozen: a key added by one handler must not reach the next invocation
    expect(() => {
      (secretsOf(b) as Record<string, unknown>).leak = 'x';
    }).toThrow(TypeError);
    expect(secretsOf(a)).toEqual({ s: { v: 'warm-1' } });

    // another reader of the same client (TTL 0) refreshes the shared cache: the next invocation parses the new
    // value (a promise), and the warm invocations after it get a new values object with it
    sm.setSecret(name, { v: 'warm-2' });
    await secrets({ client, cacheTtlMs: 0, prefetch: false, fetch: { s: name } }).before!(requestFor() as never);
    const c = requestFor();
    const refreshing = mw.before!(c as never);
    expect(refreshing).toBeInstanceOf(Promise);
    await refreshing;
    expect(secretsOf(c)).toEqual({ s: { v: 'warm-2' } });
    const d = requestFor();
    expect(mw.before!(d as never)).toBeUndefined();
    expect(secretsOf(d)).toEqual({ s: { v: 'warm-2' } });
    expect(secretsOf(a)).toEqual({ s: { v: 'warm-1' } });
    expect(sm.calls).toHaveLength(2);
  });

  it('uses a cached value until exactly cacheTtlMs after it arrived, then fetches (a rotation is seen then, not before)', async () => {
    const name = uniq('ttl-exact');
    sm.setSecret(name, { v: 'exact-1' });
    let now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const mw = secrets({ client: clientFor(sm.endpoint), cacheTtlMs: 1000, fetch: { s: name } });
      await mw.before!(requestFor() as never);
      sm.setSecret(name, { v: 'exact-2' });
      now += 999;
      const cached = requestFor();
      expect(mw.before!(cached as never)).toBeUndefined();
      expect(secretsOf(cached)).toEqual({ s: { v: 'exact-1' } });
      expect(sm.calls).toHaveLength(1);
      now += 1;
      const expired = requestFor();
      const fetching = mw.before!(expired as never);
      expect(fetching).toBeInstanceOf(Promise);
      await fetching;
      expect(secretsOf(expired)).toEqual({ s: { v: 'exact-2' } });
      expect(sm.calls).toHaveLength(2);
    } finally {
      clock.mockRestore();
    }
  });

  it("merges with an earlier secrets() without changing the earlier one's values, and stays non-enumerable", async () => {
    const a = uniq('warm-merge/a');
    const b = uniq('warm-merge/b');
    sm.setSecret(a, { x: 'warm-merge-a' });
    sm.setSecret(b, 'warm-merge-b', {});
    const client = clientFor(sm.endpoint);
    const first = secrets({ client, fetch: { a } });
    const second = secrets({ client, fetch: { b: { id: b, parse: 'text' } } });
    const cold = requestFor();
    await first.before!(cold as never);
    await second.before!(cold as never);
    for (let i = 0; i < 2; i++) {
      const r = requestFor();
      expect(first.before!(r as never)).toBeUndefined();
      const own = secretsOf(r);
      expect(second.before!(r as never)).toBeUndefined();
      expect(secretsOf(r)).toEqual({ a: { x: 'warm-merge-a' }, b: 'warm-merge-b' });
      expect(own).toEqual({ a: { x: 'warm-merge-a' } });
      expect(JSON.stringify(r.context)).not.toContain('warm-merge');
    }
  });

  it('a failure on the warm path is a rejected promise, not a synchronous throw', async () => {
    const name = uniq('warm-fail');
    sm.setSecret(name, { v: 'warm-fail' });
    const mw = secrets({ client: clientFor(sm.endpoint), fetch: { s: name } });
    await mw.before!(requestFor() as never);
    const r = requestFor();
    Object.preventExtensions(r.context);
    const out = mw.before!(r as never);
    expect(out).toBeInstanceOf(Promise);
    await expect(out).rejects.toThrow(/secrets/);
  });
});

describe('prefetch at cold start', () => {
  it('starts the fetch when the middleware is created, before any invocation', async () => {
    const name = uniq('prefetch');
    sm.setSecret(name, { v: 'prefetched' });
    const client = clientFor(sm.endpoint);
    const handler = middy(async (_e: unknown, context) => context.secrets.s.v as string).use(secrets({ client, fetch: { s: name } }));
    for (let i = 0; i < 50 && sm.calls.length === 0; i++) await sleep(5);
    expect(sm.calls).toHaveLength(1);
    expect(await invoke(handler)).toBe('prefetched');
    expect(sm.calls).toHaveLength(1);
  });

  it('a failed prefetch is not an unhandled rejection: it surfaces in the first before, the next invocation refetches', async () => {
    const name = uniq('prefetch-fail');
    sm.setSecret(name, { v: 'after-prefetch-failure' });
    sm.setFault({ error: 'ResourceNotFoundException', times: 1 });
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const handler = middy(async (_e: unknown, context) => context.secrets.s.v as string).use(secrets({ client: clientFor(sm.endpoint), fetch: { s: name } }));
      for (let i = 0; i < 50 && sm.calls.length === 0; i++) await sleep(5);
      await sleep(30);
      expect(unhandled).toEqual([]);
      const error = await invoke(handler).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SecretsError);
      expect(error).toMatchObject({ code: 'NotFound', secretId: name, key: 's' });
      expect((error as Error).message).toBe(`secret "${name}" (key "s"): not found (ResourceNotFoundException: injected fault)`);
      expect(await invoke(handler)).toBe('after-prefetch-failure');
      expect(sm.calls).toHaveLength(2);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('faults through the real SDK', () => {
  it('500s: the SDK retries and recovers', async () => {
    const name = uniq('five-hundred');
    sm.setSecret(name, { v: 'after-500s' });
    sm.setFault({ status: 500, times: 2 });
    await expect(getSecretValues(name, undefined, { client: clientFor(sm.endpoint) })).resolves.toEqual({ v: 'after-500s' });
    expect(sm.calls.map((c) => c.outcome)).toEqual(['InternalServiceError', 'InternalServiceError', 'ok']);
  });

  it('500s past the retries: a ServiceError naming the secret and the attempts', async () => {
    const name = uniq('five-hundred-forever');
    sm.setSecret(name, { v: 'never-delivered' });
    sm.setFault({ status: 503, error: 'ServiceUnavailable', times: Infinity });
    const error = await getSecretValues(name, undefined, { client: clientFor(sm.endpoint) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SecretsError', code: 'ServiceError', secretId: name, attempts: 3 });
    expect((error as Error).message).toContain(`secret "${name}": Secrets Manager failed after 3 attempts`);
    expect(sm.calls).toHaveLength(3);
  });

  it('throttling past the retries: Throttled', async () => {
    const name = uniq('throttled');
    sm.setSecret(name, { v: 'x-throttled' });
    sm.setFault({ error: 'ThrottlingException', times: Infinity });
    await expect(getSecretValues(name, undefined, { client: clientFor(sm.endpoint, { maxAttempts: 2 }) })).rejects.toMatchObject({
      code: 'Throttled',
      secretId: name,
      awsCode: 'ThrottlingException',
      attempts: 2,
    });
    expect(sm.calls.every((c) => c.outcome === 'ThrottlingException')).toBe(true);
  });

  it('throttled once: the SDK retries and succeeds', async () => {
    const name = uniq('throttled-once');
    sm.setSecret(name, { v: 'x-after-throttle' });
    sm.setFault({ error: 'ThrottlingException' });
    await expect(getSecretValues(name, undefined, { client: clientFor(sm.endpoint) })).resolves.toEqual({ v: 'x-after-throttle' });
  });

  it('slow answers: a client with a short requestTimeout fails with a Timeout naming the secret', async () => {
    const name = uniq('slow');
    sm.setSecret(name, { v: 'too-slow-value' });
    sm.setFault({ delayMs: 400, times: Infinity });
    const error = await getSecretValues(name, undefined, {
      client: clientFor(sm.endpoint, { requestTimeout: 60, maxAttempts: 2 }),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SecretsError', code: 'Timeout', secretId: name });
    expect((error as Error).message).toContain(`secret "${name}": the request timed out`);
  });

  it('dropped connections: retried, then a Network error naming the secret', async () => {
    const name = uniq('dropped');
    sm.setSecret(name, { v: 'dropped-value' });
    sm.setFault({ drop: true });
    await expect(getSecretValues(name, undefined, { client: clientFor(sm.endpoint) })).resolves.toEqual({ v: 'dropped-value' });
    sm.setFault({ drop: true, times: Infinity });
    const error = await getSecretValues(name, undefined, { client: clientFor(sm.endpoint), cacheTtlMs: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SecretsError', code: 'Network', secretId: name });
  });
});

describe('BatchGetSecretValue', () => {
  it('falls back per secret on its Errors entry, and reports the real error of a missing one', async () => {
    const a = uniq('batch/a');
    const b = uniq('batch/b');
    sm.setSecret(a, { v: 'batch-a-value' });
    sm.setSecret(b, { v: 'batch-b-value' });
    sm.setFault({ operation: 'BatchGetSecretValue', secretId: b, error: 'DecryptionFailure' });
    const client = clientFor(sm.endpoint);
    const r = requestFor();
    await secrets({ client, prefetch: false, fetch: { a, b } }).before!(r as never);
    expect((r.context as unknown as { secrets: unknown }).secrets).toEqual({ a: { v: 'batch-a-value' }, b: { v: 'batch-b-value' } });
    expect(sm.calls.map((c) => `${c.operation} ${String(c.body.SecretId ?? '')}`.trim())).toEqual(['BatchGetSecretValue', `GetSecretValue ${b}`]);

    const missing = uniq('batch/missing');
    const error = await secrets({ client, prefetch: false, fetch: { a, missing }, cacheTtlMs: 0 }).before!(requestFor() as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NotFound', secretId: missing, key: 'missing' });
  });

  it('a refused BatchGetSecretValue (no permission) falls back to one call per secret, and is not tried again', async () => {
    const a = uniq('nobatch/a');
    const b = uniq('nobatch/b');
    sm.setSecret(a, { v: 'nobatch-a' });
    sm.setSecret(b, { v: 'nobatch-b' });
    sm.setFault({ operation: 'BatchGetSecretValue', error: 'AccessDeniedException', times: Infinity });
    const client = clientFor(sm.endpoint);
    const mw = secrets({ client, prefetch: false, cacheTtlMs: 0, fetch: { a, b } });
    const { stderr } = await (await import('@lambdaware/testkit')).captureOutput(() => mw.before!(requestFor() as never));
    expect(stderr).toContain('BatchGetSecretValue failed');
    await mw.before!(requestFor() as never);
    expect(sm.calls.map((c) => c.operation).sort()).toEqual(['BatchGetSecretValue', 'GetSecretValue', 'GetSecretValue', 'GetSecretValue', 'GetSecretValue']);
  });

  it('batch: false fetches one secret per call', async () => {
    const a = uniq('b0/a');
    const b = uniq('b0/b');
    sm.setSecret(a, 'a-text-value');
    sm.setSecret(b, 'b-text-value');
    await secrets({ client: clientFor(sm.endpoint), batch: false, prefetch: false, fetch: { a: { id: a, parse: 'text' }, b: { id: b, parse: 'text' } } })
      .before!(requestFor() as never);
    expect(sm.calls.map((c) => c.operation)).toEqual(['GetSecretValue', 'GetSecretValue']);
  });
});

describe('errors name the secret, never its value', () => {
  it('not JSON', async () => {
    const name = uniq('notjson');
    sm.setSecret(name, 'hunter2-plain-password');
    const error = await getSecretValues(name, undefined, { client: clientFor(sm.endpoint) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SecretsError', code: 'NotJson', secretId: name });
    expect((error as Error).message).toBe(`secret "${name}": SecretString is not valid JSON (use parse: 'text' to get it as a string)`);
    expect((error as Error).cause).toBeUndefined();
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('hunter2');
  });

  it('schema mismatch: field paths, no values (even short ones, even when the validator quotes them)', async () => {
    const name = uniq('schema');
    sm.setSecret(name, { db: { password: 12345, user: 'ab' }, token: 'tok-secret-value' });
    const schema = z.object({
      db: z.object({ password: z.string(), user: z.string().refine((u) => u.length > 3, { message: 'user "ab" too short' }) }),
      token: z.string().startsWith('xoxb-'),
    });
    const error = (await getSecretValues(name, schema, { client: clientFor(sm.endpoint) }).catch((e: unknown) => e)) as SecretsError;
    expect(error).toBeInstanceOf(SecretsError);
    expect(error.code).toBe('SchemaMismatch');
    expect(error.issues!.map((i) => i.path).sort()).toEqual(['db.password', 'db.user', 'token']);
    expect(error.message).toContain(`secret "${name}": does not match the schema at db.password (`);
    for (const value of ['12345', '"ab"', 'tok-secret-value']) expect(error.message).not.toContain(value);
    expect(error.message).toContain('user "****" too short');
  });

  it('access denied, not found, and option errors at creation', async () => {
    const client = clientFor(sm.endpoint);
    const name = uniq('denied');
    sm.setSecret(name, { v: 'denied-value' });
    sm.setFault({ secretId: name, error: 'AccessDeniedException', message: 'User is not authorized to perform secretsmanager:GetSecretValue' });
    await expect(getSecretValues(name, undefined, { client })).rejects.toThrow(
      `secret "${name}": access denied (the function needs secretsmanager:GetSecretValue on it, and kms:Decrypt for a customer-managed key) (AccessDeniedException: User is not authorized to perform secretsmanager:GetSecretValue)`,
    );
    expect(() => secrets({ client, fetch: { db: { id: undefined } } })).toThrow(/option "fetch\.db\.id" must be a secret name or ARN/);
    expect(() => secrets({ client, fetch: { db: { env: 'NOT_SET_ANYWHERE_XYZ' } } })).toThrow(
      'secrets(): option "fetch.db.env" names the environment variable NOT_SET_ANYWHERE_XYZ, which is not set',
    );
    expect(() => secrets({ client, fetch: {} })).toThrow(/option "fetch" must be an object/);
    expect(() => secrets({ client, cacheTtlMs: -1, fetch: { a: 'x' } })).toThrow(/option "cacheTtlMs" must be a number/);
    expect(() => secrets({ client, fetch: { a: { id: 'x', parse: 'yaml' as never } } })).toThrow(/option "fetch\.a\.parse"/);
    expect(() => secrets({ client, fetch: { a: { id: 'x', schema: {} as never } } })).toThrow(/option "fetch\.a\.schema" must be a Standard Schema/);
    expect(() => secrets({ client, cacheTTL: 5, fetch: { a: 'x' } } as never)).toThrow('secrets(): option "cacheTTL" is not an option of secrets()');
    expect(() => secrets({ client: {} as never, fetch: { a: 'x' } })).toThrow(/option "client" must be a SecretsManagerClient/);
    try {
      secrets({ client, fetch: { a: '' } });
    } catch (e) {
      expect(e).toMatchObject({ name: 'SecretsError', code: 'InvalidOptions' });
    }
    // the shared option-error shape: instanceof OptionsError, with the option, what was expected and what was given
    let thrown: unknown;
    try {
      secrets({ client, fetchMargin: -1, fetch: { a: 'x' } });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SecretsError);
    expect(thrown).toBeInstanceOf(OptionsError);
    expect(thrown).toMatchObject({
      code: 'InvalidOptions',
      package: '@lambdaware/secrets',
      fn: 'secrets',
      option: 'fetchMargin',
      expected: 'a number of milliseconds >= 0',
      given: '-1',
    });
    await expect(getSecretValues('')).rejects.toMatchObject({ code: 'InvalidOptions' });
  });
});

describe('values String() cannot print give a SecretsError, never a TypeError', () => {
  const unprintable = (): unknown[] => [
    Object.create(null),
    { toString: undefined },
    {
      [Symbol.toPrimitive]: () => {
        throw new Error('no');
      },
    },
  ];

  it('getSecretValues(id) with an unprintable, BigInt or symbol id: InvalidOptions describing it', async () => {
    for (const id of [...unprintable(), 5n, Symbol('id')]) {
      const error = (await getSecretValues(id as string).catch((e: unknown) => e)) as SecretsError;
      expect(error).toBeInstanceOf(SecretsError);
      expect(error.code).toBe('InvalidOptions');
      expect(error.message).toMatch(/^getSecretValues\(\): option "id" must be a secret name or ARN, got (an object|5n|Symbol\(id\))/);
    }
    const error = (await getSecretValues(Object.create(null)).catch((e: unknown) => e)) as SecretsError;
    expect(error.message).toBe('getSecretValues(): option "id" must be a secret name or ARN, got an object (null-prototype)');
  });

  it('unprintable parse / cacheTtlMs options and secrets() fetch ids: InvalidOptions naming the option', async () => {
    const client = clientFor(sm.endpoint);
    for (const value of unprintable()) {
      await expect(getSecretValues('x', undefined, { client, parse: value as never })).rejects.toMatchObject({
        code: 'InvalidOptions',
        message: expect.stringContaining('option "parse"'),
      });
      await expect(getSecretValues('x', undefined, { client, cacheTtlMs: value as never })).rejects.toMatchObject({
        code: 'InvalidOptions',
        message: expect.stringContaining('option "cacheTtlMs"'),
      });
      expect(() => secrets({ client, fetch: { db: { id: value as never } } })).toThrow(/option "fetch\.db\.id" must be a secret name or ARN, got an object/);
      expect(() => secrets({ client, fetch: { db: { id: 'x', parse: value as never } } })).toThrow(/option "fetch\.db\.parse" must be/);
    }
  });

  it('a client whose send() rejects with odd values (a primitive, a null-prototype name or status): a SecretsError naming the secret', async () => {
    const odd: unknown[] = [
      Object.create(null),
      { name: Object.create(null), message: { toString: undefined }, $metadata: { httpStatusCode: Object.create(null), attempts: Object.create(null) } },
      Symbol('boom'),
      'plain string',
    ];
    for (const thrown of odd) {
      const client = { send: async () => Promise.reject(thrown) } as never;
      const name = uniq('odd');
      const error = (await getSecretValues(name, undefined, { client, cacheTtlMs: 0 }).catch((e: unknown) => e)) as SecretsError;
      expect(error).toBeInstanceOf(SecretsError);
      expect(error.secretId).toBe(name);
      expect(error.message).toContain(`secret "${name}"`);
      expect(error.cause).toBe(thrown);
    }
  });
});
