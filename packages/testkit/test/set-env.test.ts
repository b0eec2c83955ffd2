import { afterEach, describe, expect, it } from '@jest/globals';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startSecretsManager, startSentryIngest } from '@lambdaware/testkit';

const NAMES = ['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'SENTRY_DSN'];
const before = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));
afterEach(() => {
  for (const n of NAMES) {
    if (before[n] === undefined) delete process.env[n];
    else process.env[n] = before[n];
  }
});

describe('setEnv: one line to start, one to stop', () => {
  it('points the real AWS SDK (default configuration) at the local endpoint, and close() puts the environment back', async () => {
    process.env.AWS_REGION = 'eu-west-3';
    delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
    const sm = await startSecretsManager({ secrets: { 'prod/db': { host: 'db.local' } }, setEnv: true });
    expect(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER).toBe(sm.endpoint);
    const client = new SecretsManagerClient({});
    const answer = await client.send(new GetSecretValueCommand({ SecretId: 'prod/db' }));
    client.destroy();
    expect(JSON.parse(answer.SecretString ?? '')).toEqual({ host: 'db.local' });
    expect(sm.callsOf('GetSecretValue')).toHaveLength(1);
    await sm.close();
    expect(process.env.AWS_REGION).toBe('eu-west-3');
    expect('AWS_ENDPOINT_URL_SECRETS_MANAGER' in process.env).toBe(false);
  });

  it('sets SENTRY_DSN to the ingest, and close() removes it again', async () => {
    delete process.env.SENTRY_DSN;
    const ingest = await startSentryIngest({ setEnv: true });
    expect(process.env.SENTRY_DSN).toBe(ingest.dsn);
    expect(ingest.env).toEqual({ SENTRY_DSN: ingest.dsn });
    await ingest.close();
    expect('SENTRY_DSN' in process.env).toBe(false);
  });

  it('without setEnv the environment is left alone', async () => {
    delete process.env.SENTRY_DSN;
    delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
    const ingest = await startSentryIngest();
    const sm = await startSecretsManager();
    expect(process.env.SENTRY_DSN).toBeUndefined();
    expect(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER).toBeUndefined();
    await Promise.all([ingest.close(), sm.close()]);
  });

  it('a variable the test changed since start is left as the test set it', async () => {
    const ingest = await startSentryIngest({ setEnv: true });
    process.env.SENTRY_DSN = 'http://other@127.0.0.1:1/9';
    await ingest.close();
    expect(process.env.SENTRY_DSN).toBe('http://other@127.0.0.1:1/9');
  });
});
