import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { startSecretsManager, type LocalSecretsManager } from '@lambdaware/testkit';

// Fidelity of the local endpoint: the AWS CLI (botocore, a second independent client) reads from it.
const AWS = '/usr/bin/aws';
const run = promisify(execFile);
const hasCli = existsSync(AWS);
if (!hasCli) console.warn(`skipping the AWS CLI fidelity tests: ${AWS} is absent (apt-get install -y awscli)`);
const cliIt = hasCli ? it : it.skip;

let sm: LocalSecretsManager;
beforeAll(async () => {
  sm = await startSecretsManager({ region: 'eu-west-1' });
});
afterAll(async () => {
  await sm.close();
});

const aws = (...args: string[]) =>
  run(AWS, ['--endpoint-url', sm.endpoint, '--output', 'json', 'secretsmanager', ...args], {
    env: { PATH: '/usr/bin:/bin', HOME: '/tmp', ...sm.env, AWS_DEFAULT_REGION: 'eu-west-1', AWS_PAGER: '' },
    timeout: 20000,
  });

cliIt('aws secretsmanager get-secret-value reads a string secret, by name and by ARN, and a version stage', async () => {
  sm.setSecret('cli/db', { password: 'cli-pw-1' });
  const arn = sm.setSecret('cli/db', { password: 'cli-pw-2' });
  const byName = JSON.parse((await aws('get-secret-value', '--secret-id', 'cli/db')).stdout);
  expect(byName).toMatchObject({ ARN: arn, Name: 'cli/db', SecretString: '{"password":"cli-pw-2"}', VersionStages: ['AWSCURRENT'] });
  expect(Number.isNaN(Date.parse(byName.CreatedDate))).toBe(false);
  const previous = JSON.parse((await aws('get-secret-value', '--secret-id', arn, '--version-stage', 'AWSPREVIOUS')).stdout);
  expect(previous.SecretString).toBe('{"password":"cli-pw-1"}');
  expect(arn).toMatch(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:cli\/db-[A-Za-z0-9]{6}$/);
  expect(sm.calls.at(-1)!.headers['content-type']).toBe('application/x-amz-json-1.1');
});

cliIt('aws reads a binary secret as base64, and gets ResourceNotFoundException for a missing one', async () => {
  sm.setSecret('cli/bin', new Uint8Array([1, 2, 3, 250]));
  const bin = JSON.parse((await aws('get-secret-value', '--secret-id', 'cli/bin')).stdout);
  expect(Buffer.from(bin.SecretBinary, 'base64')).toEqual(Buffer.from([1, 2, 3, 250]));
  const missing = await aws('get-secret-value', '--secret-id', 'cli/none').catch((e: { stderr: string; code: number }) => e);
  expect((missing as { stderr: string }).stderr).toContain('ResourceNotFoundException');
  expect((missing as { stderr: string }).stderr).toContain("Secrets Manager can't find the specified secret.");
});

it('speaks JSON 1.1 on the wire: target header, error shape and request id', async () => {
  sm.setSecret('wire/a', 'wire-value');
  const post = (target: string, body: unknown) =>
    fetch(`${sm.endpoint}/`, {
      method: 'POST',
      headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify(body),
    });
  const ok = await post('secretsmanager.GetSecretValue', { SecretId: 'wire/a' });
  expect(ok.status).toBe(200);
  expect(ok.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  expect(await ok.json()).toMatchObject({ Name: 'wire/a', SecretString: 'wire-value', VersionStages: ['AWSCURRENT'] });
  const missing = await post('secretsmanager.GetSecretValue', { SecretId: 'wire/none' });
  expect(missing.status).toBe(400);
  expect(await missing.json()).toEqual({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
  const batch = await post('secretsmanager.BatchGetSecretValue', { SecretIdList: ['wire/a', 'wire/none'] });
  expect(await batch.json()).toMatchObject({
    SecretValues: [{ Name: 'wire/a', SecretString: 'wire-value' }],
    Errors: [{ SecretId: 'wire/none', ErrorCode: 'ResourceNotFoundException' }],
  });
  sm.setFault([{ status: 500 }, { error: 'ThrottlingException' }, { error: 'AccessDeniedException' }, { error: 'ResourceNotFoundException' }]);
  const statuses = [];
  for (let i = 0; i < 5; i++) {
    const r = await post('secretsmanager.GetSecretValue', { SecretId: 'wire/a' });
    statuses.push(`${r.status} ${((await r.json()) as { __type?: string }).__type ?? 'ok'}`);
  }
  expect(statuses).toEqual(['500 InternalServiceError', '429 ThrottlingException', '403 AccessDeniedException', '404 ResourceNotFoundException', '200 ok']);
  const unknown = await post('secretsmanager.ListSecrets', {});
  expect(unknown.status).toBe(400);
  expect(((await unknown.json()) as { __type: string }).__type).toBe('UnknownOperationException');
});
