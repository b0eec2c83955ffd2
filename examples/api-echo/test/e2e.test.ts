// End to end through the real Lambda runtime client (aws-lambda-ric) with invoke(), on the esbuild bundle: the
// three real samples with their body replaced, in one warm environment.
import { beforeAll, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { invoke } from '@lambdaware/cli';
// @ts-expect-error a plain .mjs script without types
import { bundle } from '../bundle.mjs';
import { awsSample, jsonLines } from '../../test-helpers.js';

const cwd = fileURLToPath(new URL('..', import.meta.url));
beforeAll(async () => {
  await bundle();
}, 60_000);

const withBody = (name: string, body: string) => ({ ...awsSample(name), body, isBase64Encoded: false });

it('200 echo for REST v1, HTTP API v2 and Function URL events; 400 for a bad body and for malformed JSON', async () => {
  const item = { id: 'e2e', val: 3, flag: true };
  const result = await invoke({
    handler: 'dist/handler.mjs#handler',
    cwd,
    events: [
      withBody('apigw-request.json', JSON.stringify(item)),
      withBody('apigw-v2-request-no-authorizer.json', JSON.stringify(item)),
      withBody('lambda-urls-request.json', JSON.stringify(item)),
      withBody('apigw-v2-request-no-authorizer.json', JSON.stringify({ id: 'e2e', val: '3' })),
      withBody('lambda-urls-request.json', '{"id":'),
    ],
  });
  const [v1, v2, url, invalid, malformed] = result.invocations;
  for (const r of [v1, v2, url]) {
    expect(r.status).toBe('success');
    expect(r.response).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(item) });
    expect(jsonLines(r.functionLines)).toEqual([expect.objectContaining({ message: 'echo', id: 'e2e', function_request_id: r.requestId })]);
  }
  expect(invalid.status).toBe('success'); // a client error is a response, not a function error
  expect(invalid.response).toMatchObject({ statusCode: 400 });
  expect(JSON.parse((invalid.response as { body: string }).body).message).toMatch(/^Invalid request: body\.val: .*; body\.flag: /);
  expect(jsonLines(invalid.functionLines)).toEqual([expect.objectContaining({ level: 'WARN', http: expect.objectContaining({ statusCode: 400 }) })]);
  expect(malformed.response).toMatchObject({ statusCode: 400 });
  expect(JSON.parse((malformed.response as { body: string }).body).message).toMatch(/not valid JSON/);
  expect(result.exitCode).toBe(0);
});
