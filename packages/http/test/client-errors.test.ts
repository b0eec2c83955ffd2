// What a bad request leaves besides its answer, through the real parts: the logger's line (logContext), errorLog()'s
// error line and the Sentry SDK posting to the testkit's local ingest (the preset's chain).
import { afterAll, afterEach, beforeAll, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { z } from 'zod';
import { setLogSink } from '@lambdaware/shared';
import { startSentryIngest, type SentryIngest } from '@lambdaware/testkit';
import { apiGatewayV2Event, albEvent } from '@lambdaware/events';
import { lambdaware } from '@lambdaware/preset';
import { HttpOptionError, HttpRequestError, http } from '@lambdaware/http';
import { bodyOf, run } from './helpers.js';

let ingest: SentryIngest;
beforeAll(async () => {
  ingest = await startSentryIngest();
});
afterAll(async () => {
  await ingest.close();
});
afterEach(() => setLogSink(undefined));

const Item = z.object({ id: z.string() });
const chain = (options: Parameters<typeof http>[0], fail = false) =>
  middy()
    .use(lambdaware({ records: false, sentry: { dsn: ingest.dsn } }))
    .use(http(options))
    .handler(async (_event: unknown, context: any) => {
      if (fail) throw new Error('database down');
      return { statusCode: 200, body: JSON.stringify(context.request.body) };
    });

it("default ('warn'): the 400 answered, one WARN line naming the field, no error line, nothing sent to Sentry", async () => {
  const before = ingest.events.length;
  const { result, error, lines } = await run(chain({ body: Item }), apiGatewayV2Event({ id: 7 }, { path: '/orders' }));
  expect(error).toBeUndefined();
  expect(result!.statusCode).toBe(400);
  expect(lines).toEqual([
    expect.objectContaining({
      level: 'WARN',
      message: expect.stringMatching(/^HTTP 400 POST \/orders: Invalid request: body\.id: /),
      http: { statusCode: 400, method: 'POST', path: '/orders', source: 'apigw-v2' },
      issues: [{ part: 'body', path: 'body.id', message: expect.any(String) }],
      function_request_id: expect.any(String),
    }),
  ]);
  await new Promise((r) => setTimeout(r, 50)); // a (wrong) envelope would be on its way
  expect(ingest.events.length).toBe(before);
});

it("'quiet': the answer only, no line", async () => {
  const { result, lines } = await run(chain({ body: Item, clientErrors: 'quiet' }), apiGatewayV2Event({ id: 7 }));
  expect(result!.statusCode).toBe(400);
  expect(lines).toEqual([]);
});

it("'report': the error line and a Sentry event for the 4xx too, and still the 4xx answer in the event's format", async () => {
  const { result, error, lines } = await run(chain({ body: Item, clientErrors: 'report' }), albEvent({ id: 7 }, { multiValue: true }));
  expect(error).toBeUndefined();
  expect(result).toMatchObject({
    statusCode: 400,
    statusDescription: '400 Bad Request',
    multiValueHeaders: { 'content-type': ['application/json; charset=utf-8'] },
  });
  expect(bodyOf(result).issues[0].path).toBe('body.id');
  expect(lines).toHaveLength(1);
  const line = lines[0] as { level: string; error: { type: string; message: string; sentryEventID: string } };
  expect(line.level).toBe('ERROR');
  expect(line.error).toMatchObject({ type: 'HttpRequestError', message: expect.stringMatching(/^HTTP 400: Invalid request: body\.id: /) });
  const received = await ingest.waitForEvent(5000, (e) => e.event_id === line.error.sentryEventID);
  expect(JSON.stringify(received)).toContain('HttpRequestError');
});

it('a handler failure is still a 5xx: thrown, one error line, one Sentry event', async () => {
  const { error, lines } = await run(chain({ body: Item }, true), apiGatewayV2Event({ id: 'a' }));
  expect((error as Error).message).toBe('database down');
  const line = lines.find((l) => l.level === 'ERROR') as { error: { sentryEventID: string } };
  await ingest.waitForEvent(5000, (e) => e.event_id === line.error.sentryEventID);
});

it('HttpRequestError carries the status and the issues', () => {
  const e = new HttpRequestError(400, { message: 'Invalid request: body.id: x', issues: [{ part: 'body', path: 'body.id', message: 'x' }] });
  expect(e).toMatchObject({ name: 'HttpRequestError', statusCode: 400, message: 'HTTP 400: Invalid request: body.id: x' });
  expect(e.issues).toHaveLength(1);
});

it.each([
  [{ body: {} }, 'http(): option "body" must be a Standard Schema (zod, valibot, arktype...: an object with ~standard.validate), got an object'],
  [{ maxBodyBytes: -1 }, 'http(): option "maxBodyBytes" must be an integer >= 0, got -1'],
  [{ defaultContentType: 'json' }, 'http(): option "defaultContentType" must be a content type (e.g. "application/json") or false, got "json"'],
  [{ clientErrors: 'log' }, 'http(): option "clientErrors" must be "warn", "report" or "quiet", got "log"'],
  [{ responseHeaders: { a: 1 } }, 'http(): option "responseHeaders" must be an object of header names to strings, got an object'],
  [
    { schema: Item },
    'http(): option "schema" is not an option of http() (options: body, query, path, headers, maxBodyBytes, defaultContentType, clientErrors, responseHeaders)',
  ],
])('a bad option: %j', (options, message) => {
  expect(() => http(options as never)).toThrow(HttpOptionError);
  expect(() => http(options as never)).toThrow(message);
});
