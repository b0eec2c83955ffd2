// End to end through the real Lambda runtime client (aws-lambda-ric) with invoke(), on the esbuild bundle: the
// real AWS SDK (the runtime's @aws-sdk, external to the bundle) reads a local Secrets Manager endpoint.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { invoke } from '@lambdaware/cli';
import { startSecretsManager, type LocalSecretsManager } from '@lambdaware/testkit';
// @ts-expect-error a plain .mjs script without types
import { bundle } from '../bundle.mjs';
import { jsonLines } from '../../test-helpers.js';

const TOKEN = 'tok_e2e_0b8f4e21c97d3a55';
const cwd = fileURLToPath(new URL('..', import.meta.url));
let sm: LocalSecretsManager;
let arn: string;
beforeAll(async () => {
  sm = await startSecretsManager();
  arn = sm.setSecret('examples/e2e-token', { token: TOKEN });
  await bundle();
}, 60_000);
afterAll(async () => {
  await sm.close();
});

it('uses the token in two warm invocations (one fetch), never shows it', async () => {
  const result = await invoke({
    handler: 'dist/handler.mjs#handler',
    cwd,
    events: [{ payload: 'a' }, { payload: { b: 2 } }],
    env: { ...sm.env, SECRET_ARN: arn },
  });
  expect(result.exitCode).toBe(0);
  for (const [i, payload] of ['a', { b: 2 }].entries()) {
    const r = result.invocations[i];
    expect(r.response).toEqual({ signature: createHmac('sha256', TOKEN).update(JSON.stringify(payload)).digest('hex'), bytes: JSON.stringify(payload).length });
    expect(jsonLines(r.functionLines)).toEqual([expect.objectContaining({ authorization: 'Bearer ****', function_request_id: r.requestId })]);
  }
  expect(result.logs.join('\n')).not.toContain(TOKEN);
  expect(result.invocations.map((r) => r.payload).join('')).not.toContain(TOKEN);
  expect(sm.callsOf('GetSecretValue').map((c) => c.body.SecretId)).toEqual([arn]);
});

it('a secret that fails the schema fails the invocation with a SecretsError naming the secret, not its value', async () => {
  const weak = 'short-tok';
  const weakArn = sm.setSecret('examples/weak-token', { token: weak });
  const result = await invoke({ handler: 'dist/handler.mjs#handler', cwd, event: {}, env: { ...sm.env, SECRET_ARN: weakArn } });
  expect(result.status).toBe('error');
  expect(result.error!.errorType).toBe('SecretsError');
  expect(result.error!.errorMessage).toContain(weakArn);
  expect(result.logs.join('\n') + result.payload).not.toContain(weak);
});
