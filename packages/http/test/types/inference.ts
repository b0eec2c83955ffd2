// Compiled by test/types.test.ts: context.request typed by the schemas' outputs through middy's .use().
import middy from '@middy/core';
import { z } from 'zod';
import { http, type QueryValues } from '@lambdaware/http';

const Item = z.object({ id: z.string(), qty: z.number() });
const Query = z.object({ limit: z.coerce.number() });

export const typed = middy()
  .use(http({ body: Item, query: Query, path: z.object({ id: z.string() }) }))
  .handler(async (_event, context) => {
    const id: string = context.request.body.id;
    const qty: number = context.request.body.qty;
    const limit: number = context.request.query.limit;
    const pathId: string = context.request.path.id;
    const header: string | undefined = context.request.headers['x-api-key'];
    // @ts-expect-error the body schema has no field "name"
    context.request.body.name;
    // @ts-expect-error limit is a number (the schema's output), not a string
    const wrong: string = context.request.query.limit;
    return { statusCode: 200, body: `${id}${qty}${limit}${pathId}${header}${wrong}` };
  });

export const untyped = middy()
  .use(http())
  .handler(async (_event, context) => {
    const body: unknown = context.request.body;
    const query: QueryValues = context.request.query;
    const one: string | string[] | undefined = query.tag;
    // @ts-expect-error without a body schema the body is unknown
    context.request.body.id;
    return { statusCode: 200, body: JSON.stringify([body, one, context.request.method, context.request.source]) };
  });
