// The handler through Middy (http() of @lambdaware/http reading and validating the body) with aws-lambda-go's real
// API Gateway v1, HTTP API v2 and Function URL samples, their body replaced.
import { expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { lambdaContext } from '@lambdaware/events';
import { captureOutput } from '@lambdaware/testkit';
import { awsSample } from '../../test-helpers.js';
import { Item, handler } from '../src/handler.js';

const SAMPLES = ['apigw-request.json', 'apigw-v2-request-no-authorizer.json', 'lambda-urls-request.json'] as const;
const withBody = (name: string, body: string | null, base64 = false) => ({ ...awsSample(name), body, isBase64Encoded: base64 });

const call = async (event: object) => {
  const out = await captureOutput(() => handler(event as never, lambdaContext({ functionName: 'api-echo' })));
  if (out.error !== undefined) throw out.error;
  const { statusCode, headers, body } = out.result!;
  return { statusCode, headers, body: JSON.parse(body) as Record<string, any>, lines: out.stdoutLines() };
};

it.each(SAMPLES)('%s: echoes a valid body with 200 and application/json', async (name) => {
  const item = { id: 'a-1', val: 42.5, flag: false };
  const res = await call(withBody(name, JSON.stringify({ ...item, extra: 'dropped' })));
  expect(res).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: item });
});

it.each(SAMPLES)('%s: a body failing validation is a 400 naming every bad field', async (name) => {
  const res = await call(withBody(name, JSON.stringify({ id: 7, flag: 'yes' })));
  expect(res.statusCode).toBe(400);
  expect(res.body.issues.map((i: { path: string }) => i.path)).toEqual(['body.id', 'body.val', 'body.flag']);
  expect(res.body.message).toMatch(/^Invalid request: body\.id: .*string.*; body\.val: .*number.*; body\.flag: .*boolean/);
  expect(res.lines).toEqual([
    expect.objectContaining({ level: 'WARN', message: expect.stringMatching(/^HTTP 400 (GET|POST) \/.*: Invalid request: body\.id: /) }),
  ]);
});

it.each(SAMPLES)('%s: malformed JSON is a 400 saying so', async (name) => {
  const res = await call(withBody(name, '{"id": "a-1", "val": 4'));
  expect(res.statusCode).toBe(400);
  expect(res.body.message).toMatch(/^Invalid request: body: not valid JSON \(.+\)$/);
});

it("the samples' own bodies: v1 {a:1} fails validation, the URL's text is not JSON, v2 has none", async () => {
  expect((await call(awsSample('apigw-request.json'))).body.message).toMatch(/^Invalid request: body\.id:/);
  expect((await call(awsSample('lambda-urls-request.json'))).body.message).toMatch(/not valid JSON/);
  expect((await call(awsSample('apigw-v2-request-no-authorizer.json'))).body.message).toMatch(/^Invalid request: body: .*expected object, received undefined/);
});

it('reads a base64-encoded body, and refuses JSON that is not an object', async () => {
  const item = { id: 'b', val: -1, flag: true };
  const b64 = Buffer.from(JSON.stringify(item)).toString('base64');
  expect((await call(withBody('lambda-urls-request.json', b64, true))).body).toEqual(item);
  for (const body of ['null', '[]', '"x"', '12']) {
    const res = await call(withBody('apigw-request.json', body));
    expect(res.statusCode).toBe(400);
    expect(res.body.issues[0].path).toBe('body');
  }
});

it("the README's deploy event (events/http-api-post.json) is echoed with 200", async () => {
  const event = JSON.parse(readFileSync(new URL('../events/http-api-post.json', import.meta.url), 'utf8'));
  const res = await call(event);
  expect(res.statusCode).toBe(200);
  expect(Item.safeParse(res.body).success).toBe(true);
});
