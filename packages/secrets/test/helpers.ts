import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { lambdaContextFor } from './context.js';

export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret-key' };

/** A real SDK client to the local endpoint, with short retry delays (3 attempts, 5 ms apart) unless told. */
export const clientFor = (endpoint: string, opts: { maxAttempts?: number; requestTimeout?: number } = {}): SecretsManagerClient =>
  new SecretsManagerClient({
    endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    retryStrategy: new ConfiguredRetryStrategy(opts.maxAttempts ?? 3, () => 5),
    ...(opts.requestTimeout !== undefined ? { requestHandler: { requestTimeout: opts.requestTimeout, throwOnRequestTimeout: true } } : {}),
  });

export { lambdaContextFor };

/** A Middy-like request for calling a middleware's hooks directly. */
export const requestFor = (event: unknown = {}) => ({
  event,
  context: lambdaContextFor(),
  response: undefined,
  error: undefined,
  internal: {},
});

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Lambda context whose deadline is `ms` from now. */
export const contextWithin = (ms: number) => {
  const deadline = Date.now() + ms;
  return { ...lambdaContextFor(), getRemainingTimeInMillis: () => deadline - Date.now() };
};

/** Names no other test of the file uses: `uniqueNames((n) => `%s-${n}`)` gives `db-1`, then `db-2`... for 'db'. */
export const uniqueNames = (format: (n: number) => string) => {
  let n = 0;
  return (base: string) => format(++n).replace('%s', () => base);
};
