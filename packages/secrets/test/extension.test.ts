// The Parameters and Secrets Lambda Extension as a transport (issue 21), through the testkit's fake of its HTTP API
// in front of the local Secrets Manager and SSM endpoints: 'auto' uses it when present and the SDK when it is not
// reachable, 'extension' fails without it, 'sdk' never uses it; its errors name the secret or parameter.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { SSMClient } from '@aws-sdk/client-ssm';
import { clearSecrets, redactString } from '@lambdaware/shared';
import {
  startParametersSecretsExtension,
  startSecretsManager,
  startSsm,
  type FakeParametersExtension,
  type LocalSecretsManager,
  type LocalSsm,
} from '@lambdaware/testkit';
import { SecretsError, getSecretValues, secrets } from '@lambdaware/secrets';
import { resetExtensionPresence } from '../src/extension.js';
import { CREDENTIALS, REGION, clientFor, lambdaContextFor, uniqueNames } from './helpers.js';

let sm: LocalSecretsManager;
let ssm: LocalSsm;
let ext: FakeParametersExtension;
beforeAll(async () => {
  sm = await startSecretsManager();
  ssm = await startSsm();
});
afterAll(async () => {
  await Promise.all([sm.close(), ssm.close()]);
});
beforeEach(async () => {
  clearSecrets();
  resetExtensionPresence();
  ext = await startParametersSecretsExtension({ secretsManager: sm.endpoint, ssm: ssm.endpoint, setEnv: true });
  sm.calls.length = 0;
  ssm.calls.length = 0;
});
afterEach(async () => {
  await ext.close();
  resetExtensionPresence();
});

const ssmClient = () => new SSMClient({ endpoint: ssm.endpoint, region: REGION, credentials: CREDENTIALS });
const uniq = uniqueNames((n) => `ext/%s-${n}`);

describe("transport: 'auto' with the extension present", () => {
  it('fetches secrets and parameters through it (one GET each, no batch), served from its cache afterwards', async () => {
    const api = uniq('api');
    const db = uniq('db');
    sm.setSecret(api, { token: 'ext-token-7Hq2' });
    sm.setSecret(db, { password: 'ext-db-pa55-3Zr' });
    ssm.setParameter(`/${api}/url`, 'https://api.internal');
    ssm.setParameter(`/${api}/key`, 'Ext-secure-key-8Wm', 'SecureString');
    const handler = middy(async (_e: unknown, c) => [c.secrets.api.token, c.secrets.db.password, c.secrets.url, c.secrets.key]).use(
      secrets({
        client: clientFor(sm.endpoint),
        ssmClient: ssmClient(),
        prefetch: false,
        cacheTtlMs: 0,
        fetch: { api, db, url: { ssm: `/${api}/url` }, key: { ssm: `/${api}/key` } },
      }),
    );
    expect(await handler({}, lambdaContextFor())).toEqual(['ext-token-7Hq2', 'ext-db-pa55-3Zr', 'https://api.internal', 'Ext-secure-key-8Wm']);
    // the extension made the calls (GetSecretValue, GetParameter), never the SDK's batch calls
    expect(sm.calls.map((c) => c.operation).sort()).toEqual(['GetSecretValue', 'GetSecretValue']);
    expect(ssm.calls.map((c) => c.operation)).toEqual(['GetParameter', 'GetParameter']);
    expect(ext.calls.map((c) => c.outcome)).toEqual(['miss', 'miss', 'miss', 'miss']);
    expect(ext.calls.find((c) => c.path.startsWith('/systemsmanager'))!.path).toContain('withDecryption=true');
    // masked as through the SDK
    expect(redactString('Ext-secure-key-8Wm ext-token-7Hq2 https://api.internal')).toBe('**** **** https://api.internal');
    // every invocation asks again (cacheTtlMs 0): the extension answers from its cache
    await handler({}, lambdaContextFor());
    expect(ext.calls.slice(4).map((c) => c.outcome)).toEqual(['hit', 'hit', 'hit', 'hit']);
    expect(sm.calls).toHaveLength(2);
  });

  it('an error through the extension names the secret and what went wrong', async () => {
    const missing = uniq('missing');
    const e = (await getSecretValues(missing, undefined, { client: clientFor(sm.endpoint), transport: 'auto' }).catch((x: unknown) => x)) as SecretsError;
    expect(e).toBeInstanceOf(SecretsError);
    expect(e).toMatchObject({ code: 'NotFound', secretId: missing });
    const gone = `/${uniq('gone')}`;
    const p = (await middy(async () => 'ok')
      .use(secrets({ ssmClient: ssmClient(), prefetch: false, fetch: { g: { ssm: gone } } }))({}, lambdaContextFor())
      .catch((x: unknown) => x)) as SecretsError;
    expect(p).toMatchObject({ code: 'NotFound', secretId: gone, kind: 'parameter' });
  });

  it('a wrong session token: AccessDenied naming the secret', async () => {
    const id = uniq('token');
    sm.setSecret(id, { v: 'x-token-test' });
    process.env.AWS_SESSION_TOKEN = 'not-the-token';
    const e = (await getSecretValues(id, undefined, { client: clientFor(sm.endpoint), transport: 'extension' }).catch((x: unknown) => x)) as SecretsError;
    process.env.AWS_SESSION_TOKEN = ext.env.AWS_SESSION_TOKEN;
    expect(e).toMatchObject({ code: 'AccessDenied', secretId: id });
    expect(e.message).toContain('the Parameters and Secrets extension answered 401');
  });

  it("transport: 'sdk' never uses it", async () => {
    const id = uniq('sdk');
    sm.setSecret(id, { v: 'through-the-sdk' });
    expect(await getSecretValues(id, undefined, { client: clientFor(sm.endpoint), transport: 'sdk' })).toEqual({ v: 'through-the-sdk' });
    expect(ext.calls).toHaveLength(0);
  });
});

describe('the extension not reachable', () => {
  it("'auto' falls back to the SDK; 'extension' fails with a Network error naming the secret", async () => {
    await ext.close();
    // the port is set, nothing listens on it (the extension is not ready, as during init)
    process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT = String(ext.port);
    process.env.AWS_SESSION_TOKEN = ext.env.AWS_SESSION_TOKEN;
    const id = uniq('down');
    sm.setSecret(id, { v: 'sdk-fallback' });
    expect(await getSecretValues(id, undefined, { client: clientFor(sm.endpoint), transport: 'auto', cacheTtlMs: 0 })).toEqual({ v: 'sdk-fallback' });
    expect(sm.calls.map((c) => c.operation)).toEqual(['GetSecretValue']);
    const e = (await getSecretValues(id, undefined, { client: clientFor(sm.endpoint), transport: 'extension', cacheTtlMs: 0 }).catch(
      (x: unknown) => x,
    )) as SecretsError;
    expect(e).toMatchObject({ code: 'Network', secretId: id });
    // a parameter too: 'auto' reads it through the SDK
    ssm.setParameter(`/${id}`, 'ssm-fallback');
    const handler = middy(async (_e: unknown, c) => c.secrets.p).use(secrets({ ssmClient: ssmClient(), prefetch: false, fetch: { p: { ssm: `/${id}` } } }));
    expect(await handler({}, lambdaContextFor())).toBe('ssm-fallback');
    expect(ssm.calls.map((c) => c.operation)).toEqual(['GetParameters']);
    expect(ext.calls).toHaveLength(0);
    delete process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT;
    delete process.env.AWS_SESSION_TOKEN;
  });
});
