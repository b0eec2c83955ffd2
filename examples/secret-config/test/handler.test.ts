// The handler through Middy in this process, reading the token through the real AWS SDK from a local Secrets
// Manager endpoint.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { lambdaContext } from '@lambdaware/events';
import { captureOutput, startSecretsManager, type LocalSecretsManager } from '@lambdaware/testkit';

const TOKEN = 'tok_live_5f2c9a17e3b84d06';
const saved = { ...process.env };
let sm: LocalSecretsManager;
let handler: typeof import('../src/handler.js').handler;
beforeAll(async () => {
  sm = await startSecretsManager();
  const arn = sm.setSecret('examples/api-token', { token: TOKEN });
  Object.assign(process.env, sm.env, { SECRET_ARN: arn }); // read at cold start, as on Lambda
  ({ handler } = await import('../src/handler.js'));
});
afterAll(async () => {
  process.env = saved;
  await sm.close();
});

it('signs with the token from Secrets Manager; the token is nowhere in the output', async () => {
  const payload = { orderId: 'o-1', total: 10 };
  const context = lambdaContext({ functionName: 'secret-config' });
  const out = await captureOutput(() => handler({ payload }, context));
  expect(out.error).toBeUndefined();
  const signature = createHmac('sha256', TOKEN).update(JSON.stringify(payload)).digest('hex');
  expect(out.result).toEqual({ signature, bytes: JSON.stringify(payload).length });
  expect(out.stdoutLines()).toEqual([
    expect.objectContaining({ message: 'signed the payload', authorization: 'Bearer ****', function_request_id: context.awsRequestId }),
  ]);
  expect(out.stdout + out.stderr).not.toContain(TOKEN);
  // the secret was fetched once, at module load (prefetch), and is cached for the next invocation
  await captureOutput(() => handler({ payload: 1 }, lambdaContext()));
  expect(sm.callsOf('GetSecretValue')).toHaveLength(1);
});
