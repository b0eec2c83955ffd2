// http() through Middy with aws-lambda-go's real API Gateway REST, HTTP API and Function URL samples, and the
// @lambdaware/events builders for ALB and VPC Lattice (each checked against Powertools' schemas in events' tests).
import { afterEach, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import * as v from 'valibot';
import { setLogSink } from '@lambdaware/shared';
import { albEvent, apiGatewayV1Event, apiGatewayV2Event, functionUrlEvent, vpcLatticeEvent, vpcLatticeV2Event } from '@lambdaware/events';
import { HttpEventError, http } from '@lambdaware/http';
import { awsSample, bodyOf, echo, run } from './helpers.js';

afterEach(() => setLogSink(undefined));

const Item = z.object({ id: z.string(), items: z.array(z.object({ qty: z.number().int().positive() })) });
const good = { id: 'o-1', items: [{ qty: 2 }] };
const bad = { id: 7, items: [{ qty: 0 }] };

const withBody = (name: string, body: string, extra: Record<string, unknown> = {}) => ({ ...awsSample(name), body, isBase64Encoded: false, ...extra });

describe('the real AWS samples', () => {
  it('apigw-request.json (REST v1): body, multi-value query, path parameters, lower-cased headers', async () => {
    const { result } = await run(echo(http()), awsSample('apigw-request.json'));
    const req = bodyOf(result);
    expect(req).toMatchObject({ method: 'POST', rawPath: '/hello/world', source: 'apigw-v1', body: { a: 1 }, path: { proxy: 'hello/world' } });
    expect(req.query).toEqual({ name: 'me' }); // multiValueQueryStringParameters { name: ['me'] }: one value, a string
    const repeated = { ...awsSample('apigw-request.json'), multiValueQueryStringParameters: { name: ['me', 'you'] } };
    expect(bodyOf((await run(echo(http()), repeated)).result).query).toEqual({ name: ['me', 'you'] });
    expect(req.headers['content-type']).toBe('application/json');
    expect(Object.keys(req.headers).every((k: string) => k === k.toLowerCase())).toBe(true);
  });

  it('apigw-v2-request-no-authorizer.json (HTTP API): no body', async () => {
    const req = bodyOf((await run(echo(http()), awsSample('apigw-v2-request-no-authorizer.json'))).result);
    expect(req).toMatchObject({ method: 'GET', source: 'apigw-v2', query: {}, path: {} });
    expect(req.body).toBeUndefined();
  });

  it('lambda-urls-request.json (Function URL): the repeated query key as an array (from rawQueryString), cookies as the cookie header', async () => {
    const event = { ...awsSample('lambda-urls-request.json'), headers: { ...awsSample('lambda-urls-request.json').headers, 'content-type': 'text/plain' } };
    const req = bodyOf((await run(echo(http()), event)).result);
    expect(req).toMatchObject({ source: 'function-url', rawPath: '/my/path', body: 'Hello from client!' });
    expect(req.query).toEqual({ parameter1: ['value1', 'value2'], parameter2: 'value' });
    expect(req.headers).toMatchObject({ header2: 'value1,value2', cookie: 'cookie1; cookie2' });
  });

  it('lambda-urls-request.json as sent (no content-type, text body): parsed as JSON by default, so a 400 saying so', async () => {
    const { result } = await run(echo(http({ clientErrors: 'quiet' })), awsSample('lambda-urls-request.json'));
    expect(result).toMatchObject({ statusCode: 400, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(bodyOf(result).issues).toEqual([{ part: 'body', path: 'body', message: expect.stringMatching(/^not valid JSON \(.+\)$/) }]);
  });

  it.each(['apigw-request.json', 'apigw-v2-request-no-authorizer.json', 'lambda-urls-request.json'])(
    '%s: every bad field named as body.<path>, one 400 { statusCode, headers, body }, the handler not run',
    async (name) => {
      let ran = false;
      const handler = echo(http({ body: Item, clientErrors: 'quiet' })).before(() => {
        ran = true;
      });
      const { result, error } = await run(handler, withBody(name, JSON.stringify(bad)));
      expect(error).toBeUndefined();
      expect(Object.keys(result!).sort()).toEqual(['body', 'headers', 'statusCode']);
      expect(result!.statusCode).toBe(400);
      const answer = bodyOf(result);
      expect(answer.issues.map((i: { path: string }) => i.path)).toEqual(['body.id', 'body.items[0].qty']);
      expect(answer.message).toMatch(/^Invalid request: body\.id: .+; body\.items\[0\]\.qty: .+/);
      expect(ran).toBe(false);
      expect(JSON.stringify(result)).not.toMatch(/\bat .+:\d+:\d+/); // no stack
    },
  );
});

describe('each source, its own answer format', () => {
  const schema = { body: Item, clientErrors: 'quiet' as const };
  it('ALB, single-value mode: statusDescription, headers; the URL-encoded query decoded', async () => {
    const ok = await run(echo(http()), albEvent(good, { path: '/orders?q=a%20b&n=1+2&tag=x&tag=y' }));
    expect(bodyOf(ok.result)).toMatchObject({ source: 'alb', rawPath: '/orders', body: good, query: { q: 'a b', n: '1 2', tag: 'y' } });
    const { result } = await run(echo(http(schema)), albEvent(bad));
    expect(result).toEqual({
      statusCode: 400,
      statusDescription: '400 Bad Request',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      isBase64Encoded: false,
      body: expect.any(String),
    });
  });

  it('responseHeaders are added to every 4xx answer (names lower-cased), content-type kept', async () => {
    const cors = { 'Access-Control-Allow-Origin': 'https://shop.example', 'content-type': 'text/html' };
    const rest = await run(echo(http({ ...schema, responseHeaders: cors })), apiGatewayV1Event(bad));
    expect(rest.result!.headers).toEqual({ 'access-control-allow-origin': 'https://shop.example', 'content-type': 'application/json; charset=utf-8' });
    const alb = await run(echo(http({ ...schema, responseHeaders: cors })), albEvent(bad, { multiValue: true }));
    expect(alb.result!.multiValueHeaders).toEqual({
      'access-control-allow-origin': ['https://shop.example'],
      'content-type': ['application/json; charset=utf-8'],
    });
  });

  it('ALB, multi-value mode: the query as arrays, the answer with multiValueHeaders', async () => {
    const ok = await run(echo(http()), albEvent(good, { path: '/orders?tag=x&tag=y%2Fz', multiValue: true }));
    expect(bodyOf(ok.result).query).toEqual({ tag: ['x', 'y/z'] });
    const { result } = await run(echo(http(schema)), albEvent(bad, { multiValue: true }));
    expect(result).toMatchObject({
      statusCode: 400,
      statusDescription: '400 Bad Request',
      multiValueHeaders: { 'content-type': ['application/json; charset=utf-8'] },
    });
    expect(result).not.toHaveProperty('headers');
  });

  it.each([
    ['VPC Lattice v1', vpcLatticeEvent, 'lattice-v1'],
    ['VPC Lattice v2', vpcLatticeV2Event, 'lattice-v2'],
  ] as const)('%s: read, and answered { statusCode, statusDescription, isBase64Encoded, headers, body }', async (_n, build, source) => {
    const ok = await run(echo(http()), build(good, { path: '/orders?id=1' }));
    expect(bodyOf(ok.result)).toMatchObject({ source, rawPath: '/orders', body: good, query: { id: '1' }, path: {} });
    const { result } = await run(echo(http(schema)), build(bad));
    expect(Object.keys(result!).sort()).toEqual(['body', 'headers', 'isBase64Encoded', 'statusCode', 'statusDescription']);
    expect(bodyOf(result).issues).toHaveLength(2);
  });

  it('VPC Lattice v2 header and query values as arrays (as AWS documents v2) are read too', async () => {
    const event = {
      ...vpcLatticeV2Event(good),
      headers: { 'Content-Type': ['application/json'], 'x-tag': ['a', 'b'] },
      queryStringParameters: { id: ['1', '2'] },
    };
    const req = bodyOf((await run(echo(http()), event)).result);
    expect(req).toMatchObject({ body: good, headers: { 'content-type': 'application/json', 'x-tag': 'a, b' }, query: { id: ['1', '2'] } });
  });

  it('an event that is not an HTTP request fails the invocation with HttpEventError naming its keys (a wiring mistake, not a 4xx)', async () => {
    const { error } = await run(echo(http()), { Records: [] });
    expect(error).toBeInstanceOf(HttpEventError);
    expect((error as Error).message).toBe(
      'http(): the event is not an HTTP request of API Gateway (REST or HTTP API), ALB, a Function URL or VPC Lattice: got an object with keys Records',
    );
  });
});

describe('body: decoding and content types', () => {
  it('base64 bodies, with the charset of the content type', async () => {
    const latin1 = Buffer.from('café', 'latin1').toString('base64');
    const event = { ...apiGatewayV2Event(undefined, { headers: { 'content-type': 'text/plain; charset=ISO-8859-1' } }), body: latin1, isBase64Encoded: true };
    expect(bodyOf((await run(echo(http()), event)).result).body).toBe('café');
    const json = apiGatewayV1Event(good, { base64: true });
    expect(bodyOf((await run(echo(http({ body: Item })), json)).result).body).toEqual(good);
  });

  it('+json types, forms (multi-value), text; a JSON body with a byte order mark', async () => {
    const problem = apiGatewayV2Event('{"id":"a","items":[]}', { headers: { 'content-type': 'application/problem+json' } });
    expect(bodyOf((await run(echo(http()), problem)).result).body).toEqual({ id: 'a', items: [] });
    const form = apiGatewayV2Event('a=1&b=x+y&a=2', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(bodyOf((await run(echo(http()), form)).result).body).toEqual({ a: ['1', '2'], b: 'x y' });
    const Form = z.object({ b: z.string() });
    expect(bodyOf((await run(echo(http({ body: Form })), form)).result).body).toEqual({ b: 'x y' });
    const bom = functionUrlEvent('\uFEFF{"id":"a","items":[]}');
    expect(bodyOf((await run(echo(http()), bom)).result).body).toEqual({ id: 'a', items: [] });
  });

  it('415: multipart and other types when a body schema is given, an unknown charset, no content type with defaultContentType false', async () => {
    const quiet = { body: Item, clientErrors: 'quiet' as const };
    const multipart = apiGatewayV1Event('--x\r\n', { headers: { 'Content-Type': 'multipart/form-data; boundary=x' } });
    const m = await run(echo(http(quiet)), multipart);
    expect(m.result!.statusCode).toBe(415);
    expect(bodyOf(m.result).message).toBe(
      'Unsupported content type "multipart/form-data" (multipart bodies are not parsed by http(): see its README); accepted: application/json, application/*+json, application/x-www-form-urlencoded, text/*',
    );
    const charset = { ...apiGatewayV2Event(undefined, { headers: { 'content-type': 'text/plain; charset=x-nope' } }), body: 'AA==', isBase64Encoded: true };
    expect(bodyOf((await run(echo(http({ clientErrors: 'quiet' })), charset)).result)).toEqual({
      message: 'Unsupported charset "x-nope" of content type "text/plain"',
    });
    const none = { ...awsSample('lambda-urls-request.json') };
    const n = await run(echo(http({ defaultContentType: false, clientErrors: 'quiet' })), none);
    expect(n.result!.statusCode).toBe(415);
    expect(bodyOf(n.result).message).toMatch(/^The request has a body but no content-type header/);
  });

  it('without a body schema, a type it does not parse is passed on as sent (a Buffer when base64)', async () => {
    const handler = echo(http());
    const octets = apiGatewayV2Event(new Uint8Array([1, 2]), { base64: true, headers: { 'content-type': 'application/octet-stream' } });
    expect(bodyOf((await run(handler, octets)).result).body).toEqual({ type: 'Buffer', data: [1, 2] });
  });

  it('413 over maxBodyBytes (the decoded size), checked before parsing; at the limit it passes', async () => {
    const body = JSON.stringify({ id: 'x'.repeat(90), items: [] }); // 110 bytes
    const over = await run(echo(http({ maxBodyBytes: 109, clientErrors: 'quiet' })), albEvent(body, { base64: true }));
    expect(over.result).toMatchObject({ statusCode: 413, statusDescription: '413 Content Too Large' });
    expect(bodyOf(over.result).message).toBe('The request body is 110 bytes, over the limit of 109 bytes');
    const at = await run(echo(http({ maxBodyBytes: 110 })), albEvent(body, { base64: true }));
    expect(bodyOf(at.result).body.id).toHaveLength(90);
    const utf8 = await run(echo(http({ maxBodyBytes: 10, clientErrors: 'quiet' })), apiGatewayV2Event('"ééééé"')); // 7 characters, 12 bytes
    expect(bodyOf(utf8.result).message).toBe('The request body is 12 bytes, over the limit of 10 bytes');
  });
});

describe('validation of every part, typed on context.request', () => {
  const Path = z.object({ id: z.string().regex(/^\d+$/) });
  const Query = z.object({ limit: z.coerce.number().int().max(100), tag: z.array(z.string()).optional() });
  const Headers = z.object({ 'x-api-key': z.string().min(8) });

  it('outputs replace the values (coerced, defaults, unknown keys dropped)', async () => {
    const event = apiGatewayV1Event(good, { path: '/orders/17?limit=5&tag=a&tag=b', pathParameters: { id: '17' }, headers: { 'X-Api-Key': 'k-12345678' } });
    const req = bodyOf((await run(echo(http({ body: Item, path: Path, query: Query, headers: Headers })), event)).result);
    expect(req).toMatchObject({ body: good, path: { id: '17' }, query: { limit: 5, tag: ['a', 'b'] }, headers: { 'x-api-key': 'k-12345678' } });
  });

  it('issues of every part in one 400, in the order path, query, headers, body, each named by part and field', async () => {
    const event = apiGatewayV2Event(bad, { path: '/orders/x?limit=500', pathParameters: { id: 'x' }, headers: { 'x-api-key': 'short' } });
    const { result } = await run(echo(http({ body: Item, path: Path, query: Query, headers: Headers, clientErrors: 'quiet' })), event);
    const answer = bodyOf(result);
    expect(answer.issues.map((i: { part: string; path: string }) => [i.part, i.path])).toEqual([
      ['path', 'path.id'],
      ['query', 'query.limit'],
      ['headers', 'headers["x-api-key"]'],
      ['body', 'body.id'],
      ['body', 'body.items[0].qty'],
    ]);
    expect(answer.message).toMatch(/^Invalid request: path\.id: .+; query\.limit: .+; headers\["x-api-key"\]: .+; body\.id: .+; body\.items\[0\]\.qty: .+$/);
  });

  it('any Standard Schema: valibot, and an asynchronous one', async () => {
    const V = v.object({ id: v.string() });
    const ok = await run(echo(http({ body: V })), functionUrlEvent({ id: 'a', extra: 1 }));
    expect(bodyOf(ok.result).body).toEqual({ id: 'a' });
    const Async = z.object({ id: z.string().refine(async (s) => s.startsWith('o-'), 'must start with o-') });
    const refused = await run(echo(http({ body: Async, clientErrors: 'quiet' })), functionUrlEvent({ id: 'x' }));
    expect(bodyOf(refused.result).issues).toEqual([{ part: 'body', path: 'body.id', message: 'must start with o-' }]);
    expect(bodyOf((await run(echo(http({ body: Async })), functionUrlEvent({ id: 'o-1' }))).result).body).toEqual({ id: 'o-1' });
  });

  it('a missing body with a body schema is a 400 naming body', async () => {
    const { result } = await run(echo(http({ body: Item, clientErrors: 'quiet' })), apiGatewayV2Event());
    expect(bodyOf(result).issues).toEqual([{ part: 'body', path: 'body', message: expect.any(String) }]);
  });

  it('the answer lists at most 50 issues, counts the rest, and cuts long messages', async () => {
    const Many = z.array(z.number());
    const { result } = await run(echo(http({ body: Many, clientErrors: 'quiet' })), apiGatewayV2Event(Array.from({ length: 70 }, () => 'x')));
    const answer = bodyOf(result);
    expect(answer.issues).toHaveLength(50);
    expect(answer.issuesOmitted).toBe(20);
    expect(answer.message).toMatch(/[^;]…\[truncated: 60 items\]$/); // the 10 first named, the shared marker
    const Long = z.object({ a: z.string().refine(() => false, 'y'.repeat(2000)) });
    const long = bodyOf((await run(echo(http({ body: Long, clientErrors: 'quiet' })), apiGatewayV2Event({ a: '' }))).result);
    expect(long.issues[0].message).toBe(`${'y'.repeat(500)}…[truncated: 1500 characters]`);
  });

  it('context.request is not enumerable (a context printed whole does not print the headers)', async () => {
    const handler = echo(http()).handler(async (_e: unknown, context: any) => ({ keys: Object.keys(context), has: context.request !== undefined }));
    const { result } = await run(handler, apiGatewayV2Event(good));
    expect(result).toMatchObject({ has: true });
    expect(result!.keys).not.toContain('request');
  });

  it('query and headers without a schema are read on first access, once; they can be replaced; JSON has every part', async () => {
    const handler = echo(http()).handler(async (_e: unknown, context: any) => {
      const first = context.request.query;
      const firstHeaders = context.request.headers;
      const same = context.request.query === first && context.request.headers === firstHeaders;
      context.request.headers = { replaced: 'yes' };
      const { query, headers } = context.request;
      return { first, same, query, headers, json: Object.keys(JSON.parse(JSON.stringify(context.request))) };
    });
    const { result } = await run(handler, apiGatewayV2Event(good, { path: '/?a=1&a=2' }));
    expect(result).toEqual({
      first: { a: ['1', '2'] },
      same: true,
      query: { a: ['1', '2'] },
      headers: { replaced: 'yes' },
      json: ['body', 'query', 'path', 'headers', 'method', 'rawPath', 'source'],
    });
  });
});
