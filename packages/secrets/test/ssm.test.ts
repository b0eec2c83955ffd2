// SSM Parameter Store in the secrets() model (issue 21), through the real @aws-sdk/client-ssm against the testkit's
// local SSM endpoint: String, StringList, SecureString, by name (10 per GetParameters call) and by path (paged),
// masking, errors naming the parameter (not found, access denied, throttled, KMS, timeout).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { z } from 'zod';
import { REDACTED, clearSecrets, redactString } from '@lambdaware/shared';
import { startSsm, type LocalSsm } from '@lambdaware/testkit';
import { SecretsError, secrets } from '@lambdaware/secrets';
import { CREDENTIALS, REGION, contextWithin, lambdaContextFor, uniqueNames } from './helpers.js';

let ssm: LocalSsm;
beforeAll(async () => {
  ssm = await startSsm();
});
afterAll(async () => {
  await ssm.close();
});
beforeEach(() => {
  ssm.setFault();
  ssm.calls.length = 0;
  clearSecrets();
});

const ssmClient = (maxAttempts = 2) =>
  new SSMClient({ endpoint: ssm.endpoint, region: REGION, credentials: CREDENTIALS, retryStrategy: new ConfiguredRetryStrategy(maxAttempts, () => 5) });

const uniq = uniqueNames((n) => `/t${n}/%s`);
const failure = async (p: Promise<unknown>): Promise<SecretsError> => {
  try {
    await p;
  } catch (e) {
    return e as SecretsError;
  }
  throw new Error('expected a failure');
};

describe('by name', () => {
  it('String, StringList and SecureString in one GetParameters call; typed by the spec; only the SecureString masked', async () => {
    const url = uniq('db/url');
    const hosts = uniq('hosts');
    const password = uniq('db/password');
    ssm.setParameter(url, 'postgres://db.internal:5432/orders');
    ssm.setParameter(hosts, ['a.internal', 'b.internal']);
    ssm.setParameter(password, 'Pg-pa55w0rd-ssm-4Kq', 'SecureString');
    const handler = middy(async (_e: unknown, context) => {
      const { url: u, hosts: h, password: p } = context.secrets;
      const typed: [string, string[], string] = [u, h, p];
      return typed;
    }).use(secrets({ ssmClient: ssmClient(), fetch: { url: { ssm: url }, hosts: { ssm: hosts, parse: 'list' }, password: { ssm: password } } }));
    expect(await handler({}, lambdaContextFor())).toEqual(['postgres://db.internal:5432/orders', ['a.internal', 'b.internal'], 'Pg-pa55w0rd-ssm-4Kq']);
    expect(ssm.calls.map((c) => c.operation)).toEqual(['GetParameters']);
    expect(ssm.calls[0]!.body).toMatchObject({ WithDecryption: true });
    expect((ssm.calls[0]!.body.Names as string[]).sort()).toEqual([hosts, password, url].sort());
    expect(redactString('pw=Pg-pa55w0rd-ssm-4Kq url=postgres://db.internal:5432/orders')).toBe(`pw=${REDACTED} url=postgres://db.internal:5432/orders`);
    // warm: cached, no call
    await handler({}, lambdaContextFor());
    expect(ssm.calls).toHaveLength(1);
  });

  it('20 parameters come in two GetParameters calls of 10; a String with secret: true is masked; json + schema', async () => {
    const fetch: Record<string, { ssm: string }> = {};
    for (let i = 0; i < 19; i++) {
      const name = uniq(`p${i}`);
      ssm.setParameter(name, `value-${i}`);
      fetch[`p${i}`] = { ssm: name };
    }
    const cfg = uniq('cfg');
    ssm.setParameter(cfg, JSON.stringify({ apiKey: 'plain-but-secret-key-77', retries: 3 }));
    const handler = middy(async (_e: unknown, context) => [context.secrets.p3, context.secrets.cfg.retries]).use(
      secrets({
        ssmClient: ssmClient(),
        prefetch: false,
        fetch: {
          ...fetch,
          cfg: { ssm: cfg, parse: 'json', schema: z.object({ apiKey: z.string(), retries: z.number() }), secret: true, notSecret: ['retries'] },
        },
      }),
    );
    expect(await handler({}, lambdaContextFor())).toEqual(['value-3', 3]);
    expect(ssm.callsOf('GetParameters').map((c) => (c.body.Names as string[]).length)).toEqual([10, 10]);
    expect(redactString('k=plain-but-secret-key-77 v=value-3')).toBe(`k=${REDACTED} v=value-3`);
  });

  it('by ARN: the value reaches the key (SSM answers with the plain name)', async () => {
    const name = uniq('by-arn');
    const arn = ssm.setParameter(name, 'from-the-arn');
    const handler = middy(async (_e: unknown, context) => context.secrets.v).use(
      secrets({ ssmClient: ssmClient(), prefetch: false, fetch: { v: { ssm: arn } } }),
    );
    expect(arn).toMatch(/^arn:aws:ssm:/);
    expect(await handler({}, lambdaContextFor())).toBe('from-the-arn');
  });
});

describe('by path', () => {
  it('recursive, every page; names relative to the path; SecureStrings masked, Strings not', async () => {
    const base = uniq('svc');
    for (let i = 0; i < 12; i++) ssm.setParameter(`${base}/flags/f${String(i).padStart(2, '0')}`, `on-${i}`);
    ssm.setParameter(`${base}/db/password`, 'Path-secure-pa55-9Zx', 'SecureString');
    const handler = middy(async (_e: unknown, context) => context.secrets.config).use(
      secrets({ ssmClient: ssmClient(), fetch: { config: { ssmPath: base } } }),
    );
    const config = await handler({}, lambdaContextFor());
    expect(Object.keys(config)).toHaveLength(13);
    expect(config['flags/f07']).toBe('on-7');
    expect(config['db/password']).toBe('Path-secure-pa55-9Zx');
    expect(ssm.callsOf('GetParametersByPath')).toHaveLength(2); // 13 parameters, 10 per page
    expect(redactString('Path-secure-pa55-9Zx on-7')).toBe(`${REDACTED} on-7`);
  });

  it('recursive: false reads one level', async () => {
    const base = uniq('lvl');
    ssm.setParameter(`${base}/a`, 'one');
    ssm.setParameter(`${base}/deep/b`, 'two');
    const handler = middy(async (_e: unknown, context) => context.secrets.c).use(
      secrets({ ssmClient: ssmClient(), fetch: { c: { ssmPath: base, recursive: false } } }),
    );
    expect(await handler({}, lambdaContextFor())).toEqual({ a: 'one' });
  });
});

describe('errors name the parameter and what went wrong', () => {
  const run = (fetch: Record<string, unknown>, ms = 5000, client = ssmClient()) =>
    failure(middy(async () => 'ok').use(secrets({ ssmClient: client, prefetch: false, fetch: fetch as never }))({}, contextWithin(ms) as never));

  it('not found (InvalidParameters): the other parameters of the call still arrive', async () => {
    const good = uniq('good');
    ssm.setParameter(good, 'here');
    const missing = uniq('missing');
    const e = await run({ good: { ssm: good }, gone: { ssm: missing } });
    expect(e).toBeInstanceOf(SecretsError);
    expect(e).toMatchObject({ code: 'NotFound', secretId: missing, key: 'gone', kind: 'parameter' });
    expect(e.message).toBe(`parameter "${missing}" (key "gone"): not found (SSM listed it in GetParameters' InvalidParameters)`);
  });

  it('access denied, throttled', async () => {
    const name = uniq('denied');
    ssm.setParameter(name, 'x');
    ssm.setFault({ error: 'AccessDeniedException', message: `User is not authorized to perform: ssm:GetParameters on resource ${name}`, times: Infinity });
    const denied = await run({ d: { ssm: name } });
    expect(denied).toMatchObject({ code: 'AccessDenied', secretId: name, kind: 'parameter' });
    expect(denied.message).toContain(`parameter "${name}" (key "d"): access denied (the function needs ssm:GetParameters`);
    ssm.setFault({ error: 'ThrottlingException', message: 'Rate exceeded', times: Infinity });
    const throttled = await run({ t: { ssm: name } });
    expect(throttled).toMatchObject({ code: 'Throttled', secretId: name });
    expect(throttled.message).toContain('throttled by SSM Parameter Store after 2 attempts (ThrottlingException: Rate exceeded)');
  });

  it('KMS cannot decrypt one SecureString: named alone, the other parameters of its call still arrive', async () => {
    const plain = uniq('plain');
    const secure = uniq('secure');
    ssm.setParameter(plain, 'fine');
    ssm.setParameter(secure, 'Kms-protected-9Lp', 'SecureString');
    ssm.setFault({ kms: true, name: secure, times: Infinity });
    const values = await Promise.allSettled([
      middy(async (_e: unknown, c) => c.secrets.plain).use(
        secrets({ ssmClient: ssmClient(), prefetch: false, fetch: { plain: { ssm: plain }, secure: { ssm: secure } } }),
      )({}, lambdaContextFor()),
    ]);
    const e = (values[0] as PromiseRejectedResult).reason as SecretsError;
    expect(e).toMatchObject({ code: 'DecryptionFailure', secretId: secure, key: 'secure', kind: 'parameter' });
    expect(e.message).toContain(`parameter "${secure}" (key "secure"): KMS could not decrypt it (InvalidKeyId:`);
    // the plain one was fetched alone after the batch failed, and is cached for the next invocation
    expect(ssm.callsOf('GetParameters').map((c) => c.body.Names)).toEqual(expect.arrayContaining([[plain], [secure]]));
  });

  it('a request that hangs: a Timeout before the deadline, naming SSM and the time waited', async () => {
    const name = uniq('hang');
    ssm.setParameter(name, 'late');
    ssm.setFault({ delayMs: 60_000 });
    const e = await run({ h: { ssm: name } }, 1200);
    expect(e).toMatchObject({ code: 'Timeout', secretId: name, key: 'h', kind: 'parameter' });
    expect(e.message).toMatch(
      new RegExp(
        `^parameter "${name}" \\(key "h"\\): no answer from SSM Parameter Store in \\d+ ms: gave up with \\d+ ms left before the invocation's deadline \\(margin 500 ms\\)`,
      ),
    );
  });

  it('a bad spec is refused at creation, naming the option', () => {
    expect(() => secrets({ prefetch: false, fetch: { a: { ssmPath: 'no-slash' } } })).toThrow(
      `secrets(): option "fetch.a.ssmPath" must be an SSM parameter path starting with '/', got "no-slash"`,
    );
    expect(() => secrets({ prefetch: false, fetch: { a: { ssm: '/x', recursive: true } } })).toThrow(
      'option "fetch.a.recursive" applies to "fetch.a.ssmPath" only',
    );
    expect(() => secrets({ prefetch: false, fetch: { a: { ssm: '/x', parse: 'binary' } as never } })).toThrow(
      'secrets(): option "fetch.a.parse" must be "text", "json" or "list", got "binary"',
    );
  });
});
