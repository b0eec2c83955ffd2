// Whatever a client sends, http() answers: the handler's 200 or a 4xx in the event's format, never a throw (a 5xx);
// and whatever the event, the only error is HttpEventError (not an HTTP event). fast-check, a few hundred runs.
import { expect, it } from '@jest/globals';
import fc from 'fast-check';
import middy from '@middy/core';
import { z } from 'zod';
import { albEvent, apiGatewayV1Event, apiGatewayV2Event, functionUrlEvent, lambdaContext, vpcLatticeEvent, vpcLatticeV2Event } from '@lambdaware/events';
import { HttpEventError, http } from '@lambdaware/http';

/** HTTP_FC_RUNS=5000 for a longer search. */
const RUNS = Number(process.env.HTTP_FC_RUNS ?? 300);

const handler = middy()
  .use(http({ body: z.object({ id: z.string() }), query: z.object({ n: z.coerce.number().optional() }), clientErrors: 'quiet', maxBodyBytes: 200 }))
  .handler(async (_e, context) => ({ statusCode: 200, body: JSON.stringify(context.request.body) }));

const builders = [apiGatewayV1Event, apiGatewayV2Event, functionUrlEvent, albEvent, vpcLatticeEvent, vpcLatticeV2Event];
const contentTypes = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-16le',
    'text/plain; charset=bogus',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/vnd.api+json',
    '',
  ),
  fc.string({ maxLength: 30 }),
);

it('any body, content type, base64 flag and query: a 200 or a 400/413/415 answer, never a throw', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.nat(builders.length - 1),
      fc.oneof(fc.string({ maxLength: 300 }), fc.json({ maxDepth: 3 }), fc.constant('{"id":"a"}')),
      contentTypes,
      fc.boolean(),
      fc.string({ maxLength: 40 }),
      async (i, body, contentType, base64, query) => {
        const event = builders[i](undefined, { path: `/x?${encodeURIComponent(query)}=1&n=${encodeURIComponent(query)}` }) as Record<string, unknown>;
        const headers = (event.headers ?? {}) as Record<string, string>;
        if (contentType === '') delete headers['content-type'];
        else headers['content-type'] = contentType;
        const key = 'is_base64_encoded' in event ? 'is_base64_encoded' : 'isBase64Encoded';
        const answer = (await handler({ ...event, headers, body: base64 ? Buffer.from(body).toString('base64') : body, [key]: base64 }, lambdaContext())) as {
          statusCode: number;
          body: string;
        };
        expect([200, 400, 413, 415]).toContain(answer.statusCode);
        expect(() => JSON.parse(answer.body)).not.toThrow();
      },
    ),
    { numRuns: RUNS },
  );
});

it('any event that is not an HTTP request: HttpEventError, nothing else', async () => {
  await fc.assert(
    fc.asyncProperty(fc.anything(), async (event) => {
      await handler(event as never, lambdaContext()).then(
        (answer) => expect((answer as { statusCode: number }).statusCode).toBeGreaterThanOrEqual(200),
        (error) => expect(error).toBeInstanceOf(HttpEventError),
      );
    }),
    { numRuns: RUNS },
  );
});
