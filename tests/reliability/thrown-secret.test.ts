// Secrets never leave, through the real Lambda runtime client: a handler fails with the secret it fetched (real AWS
// SDK, local Secrets Manager endpoint) in its error message, cause and values. Nothing the runtime writes (its own
// `Invoke Error` line with errorMessage and trace, the function's lines) nor the error body the caller gets holds
// the secret: errorLog() masked it on the error before the runtime printed it.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { invoke } from '@lambdaware/cli';
import { startSecretsManager, type LocalSecretsManager } from '@lambdaware/testkit';

const TOKEN = 'tok-rt-4c1d9e7a2b';
const fixture = fileURLToPath(new URL('./fixtures/throws-secret.mjs', import.meta.url));
let sm: LocalSecretsManager;
beforeAll(async () => {
  sm = await startSecretsManager();
});
afterAll(async () => {
  await sm.close();
});

test('the error the runtime prints and returns carries no secret; the line says what failed', async () => {
  const arn = sm.setSecret('reliability/thrown', { token: TOKEN });
  const result = await invoke({ handler: `${fixture}#handler`, event: {}, env: { ...sm.env, SECRET_ARN: arn } });
  expect(result.status).toBe('error');
  expect(result.error!.errorType).toBe('LambdaError');
  expect(result.error!.errorMessage).toBe('request with token **** failed');
  const everything = `${result.logs.join('\n')}\n${result.payload}`;
  expect(everything).not.toContain(TOKEN);
  const errorLine = result.invocations[0].functionLines.map((l) => l.slice(l.indexOf('{'))).find((l) => l.includes('"level":"ERROR"'));
  expect(JSON.parse(errorLine!)).toMatchObject({
    message: 'request with token **** failed',
    error: { type: 'LambdaError', values: { token: '****', status: 401 }, cause: { message: 'upstream rejected Bearer ****' } },
  });
  console.log(`secrets-never-leave runtime: ${everything.length} bytes of runtime output and error body scanned, 0 found (pass)`);
});
