// The README's example, as written there (handler and test), and the 400 body it shows.
import { expect, test } from '@jest/globals';
import middy from '@middy/core';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { apiGatewayV1Event, lambdaContext } from '@lambdaware/events';
import { http } from '@lambdaware/http';

const Order = z.object({ id: z.string(), items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive() })) });
const Query = z.object({ dryRun: z.enum(['true', 'false']).default('false') });

const handler = middy()
  .use(http({ body: Order, query: Query, path: z.object({ shop: z.string() }), clientErrors: 'quiet' }))
  .handler(async (_event, context) => {
    const { body, query, path } = context.request;
    const count = body.items.reduce((n, item) => n + item.qty, 0);
    return { statusCode: 201, body: JSON.stringify({ shop: path.shop, id: body.id, count, dryRun: query.dryRun === 'true' }) };
  });

test('a good order is counted; a bad one is a 400 naming each field, the body the README shows', async () => {
  const ok = await handler(
    apiGatewayV1Event({ id: 'o-1', items: [{ sku: 'a', qty: 2 }] }, { path: '/shops/s1/orders', pathParameters: { shop: 's1' } }),
    lambdaContext(),
  );
  expect(JSON.parse(ok.body)).toEqual({ shop: 's1', id: 'o-1', count: 2, dryRun: false });

  const bad = await handler(apiGatewayV1Event({ id: 7, items: [{ sku: 'a', qty: 0 }] }, { pathParameters: { shop: 's1' } }), lambdaContext());
  expect(bad.statusCode).toBe(400);
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const shown = /The 400's body:\n\n```json\n([\s\S]*?)```/.exec(readme)![1];
  expect(JSON.parse(bad.body)).toEqual(JSON.parse(shown));
});
