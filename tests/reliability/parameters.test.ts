// Issue 21 through the real Lambda runtime client (aws-lambda-ric) and the real AWS SDK clients against the
// testkit's local SSM and AppConfig Data endpoints: the values reach the handler, the SecureString is masked in every
// line the function writes, a missing parameter fails the invocation with a SecretsError naming it.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { invoke } from '@lambdaware/cli';
import { startAppConfig, startSsm, type LocalAppConfig, type LocalSsm } from '@lambdaware/testkit';
import { summary } from './helpers.js';

const fixture = fileURLToPath(new URL('./fixtures/parameters.mjs', import.meta.url));
const PASSWORD = 'Ssm-secure-pa55-9Xq2';
let ssm: LocalSsm;
let ac: LocalAppConfig;
beforeAll(async () => {
  ssm = await startSsm({
    parameters: {
      '/orders/prod/db/url': 'postgres://db.internal:5432/orders',
      '/orders/prod/db/password': { value: PASSWORD, type: 'SecureString' },
      '/orders/prod/config/pool/size': '10',
      '/orders/prod/config/region': 'eu-west-1',
    },
  });
  ac = await startAppConfig();
  ac.setConfiguration('orders', 'prod', 'flags', { checkout: { enabled: true } });
});
afterAll(async () => {
  await Promise.all([ssm.close(), ac.close()]);
});

test('SSM parameters and an AppConfig profile through aws-lambda-ric: values in, SecureString masked', async () => {
  const started = Date.now();
  const run = await invoke({ handler: `${fixture}#handler`, events: [{}, {}], env: { ...ssm.env, ...ac.env }, timeout: 10 });
  for (const inv of run.invocations) {
    expect(inv.status).toBe('success');
    expect(inv.response).toEqual({
      url: 'postgres://db.internal:5432/orders',
      passwordLength: PASSWORD.length,
      config: { 'pool/size': '10', region: 'eu-west-1' },
      checkout: { enabled: true },
    });
  }
  const lines = run.invocations.flatMap((i) => i.functionLines);
  expect(lines.join('\n')).not.toContain(PASSWORD);
  expect(lines.some((l) => l.includes('postgres://app:****@db.internal/orders'))).toBe(true);
  // one GetParameters call for both names, one GetParametersByPath, one session: the second invocation was cached
  expect(ssm.calls.map((c) => c.operation).sort()).toEqual(['GetParameters', 'GetParametersByPath']);
  expect(ac.callsOf('StartConfigurationSession')).toHaveLength(1);
  summary(
    'parameters ssm+appconfig',
    `2 invocations: values in, SecureString masked in ${lines.length} lines, ${ssm.calls.length} SSM calls`,
    'pass',
    Date.now() - started,
  );
}, 60_000);

test('a missing parameter: a SecretsError naming it', async () => {
  ssm.deleteParameter('/orders/prod/db/url');
  try {
    const run = await invoke({ handler: `${fixture}#handler`, event: {}, env: { ...ssm.env, ...ac.env }, timeout: 10 });
    const inv = run.invocations[0]!;
    expect(inv.status).toBe('error');
    expect(inv.error).toMatchObject({ errorType: 'SecretsError' });
    expect(inv.error!.errorMessage).toBe(`parameter "/orders/prod/db/url" (key "url"): not found (SSM listed it in GetParameters' InvalidParameters)`);
  } finally {
    ssm.setParameter('/orders/prod/db/url', 'postgres://db.internal:5432/orders');
  }
}, 60_000);
