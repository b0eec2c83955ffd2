// Compile-time checks of typed tests: a middy handler whose middlewares add fields to the context is called with
// lambdaContext() (inline) or through invoke() (any Context, or options), with no cast.
import middy from '@middy/core';
import type { Context, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { invoke, lambdaContext, sqsEvent, type HandlerContext } from '@lambdaware/events';
import { records } from '@lambdaware/records';
import { secrets } from '@lambdaware/secrets';

const handler = middy()
  .use(records({ schema: z.object({ message: z.string() }) }))
  .use(secrets({ fetch: { db: { id: 'prod/db', schema: z.object({ host: z.string() }) } } }))
  .handler(async (_event, context) => {
    const message: string = context.records[0].payload.message;
    const host: string = context.secrets.db.host;
    // @ts-expect-error payloads are typed by the schema
    const wrong: number = context.records[0].payload.message;
    return `${message}@${host}${wrong}`;
  });

const event = sqsEvent([{ message: 'blue' }]);

// Inline: lambdaContext() takes the context type the handler declares.
await handler(event, lambdaContext());
await handler(event, lambdaContext({ timeoutMs: 10_000 }));

// Kept in a variable it is a plain Context: the handler itself does not take it, invoke() does.
const context = lambdaContext();
const plain: Context = context;
// @ts-expect-error a plain Context has no records
void context.records;
// @ts-expect-error the handler's context has records and secrets
await handler(event, context);
await invoke(handler, event, context);
await invoke(handler, event, { functionName: 'orders' });
await invoke(handler, event);

// The context type of a handler, for helpers of one's own.
type Ctx = HandlerContext<typeof handler>;
const fromCtx = (c: Ctx): string => c.secrets.db.host + c.records.length + plain.functionName;
void fromCtx;

// A plain typed handler: its event type is checked, its result type kept.
const count = async (e: SQSEvent, _c: Context): Promise<number> => e.Records.length;
const n: number = await invoke(count, event);
// @ts-expect-error the result is a number
const s: string = await invoke(count, event);
// @ts-expect-error not an SQS event
await invoke(count, { Records: 'none' });
void n;
void s;

// The documented chain of all five keeps every type: no middleware widens the context (or the event) to any.
import { logContext } from '@lambdaware/logger';
import { errorLog } from '@lambdaware/errors';
import { sentry } from '@lambdaware/sentry';
const all = middy<SQSEvent>()
  .use(logContext())
  .use(errorLog())
  .use(sentry())
  .use(secrets({ fetch: { api: { id: 'prod/api', schema: z.object({ token: z.string() }) } } }))
  .use(records({ schema: z.object({ total: z.number() }) }))
  .handler(async (event, context) => {
    const total: number = context.records[0].payload.total;
    const token: string = context.secrets.api.token;
    const id: string = event.Records[0].messageId;
    // @ts-expect-error payloads stay typed
    const wrongTotal: string = context.records[0].payload.total;
    // @ts-expect-error secrets stay typed
    const wrongToken: number = context.secrets.api.token;
    // @ts-expect-error the event stays typed
    void event.Records[0].noSuchField;
    return `${total}${token}${id}${wrongTotal}${wrongToken}`;
  });
await all(event, lambdaContext());
