import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { lambdaware } from '@lambdaware/preset';

const Msg = z.object({ message: z.string() });
const Token = z.object({ token: z.string() });

export const a = middy<SQSEvent>()
  .use(lambdaware({ records: { schema: Msg }, secrets: { fetch: { api: { env: 'SECRET_ARN', schema: Token } } } }))
  .handler(async (event, context) => {
    const m: string = context.records[0].payload.message;
    const t: string = context.secrets.api.token;
    // @ts-expect-error not a number
    const w: number = context.records[0].payload.message;
    // @ts-expect-error no such secret key
    context.secrets.other;
    return { m, t, w, event };
  });

export const b = middy()
  .use(lambdaware({ records: false }))
  .handler(async (_e, context) => {
    // @ts-expect-error records off
    context.records;
    // @ts-expect-error secrets off by default
    context.secrets;
    return context.awsRequestId;
  });

export const c = middy()
  .use(
    lambdaware({
      records: {
        schema: Msg,
        eachRecord: (r) => {
          const s: string = r.payload.message;
          return s;
        },
      },
    }),
  )
  .handler(async () => undefined);

// eachRecord's record is typed by the schema too
export const d = middy()
  .use(
    lambdaware({
      records: {
        schema: Msg,
        eachRecord: (r) => {
          // @ts-expect-error payload.message is a string
          const n: number = r.payload.message;
          return n;
        },
      },
    }),
  )
  .handler(async () => undefined);

// secrets: true binds the default `secret` (from SECRET_ARN), unvalidated JSON
export const e = middy()
  .use(lambdaware({ records: false, secrets: true }))
  .handler(async (_e, context) => {
    const v: unknown = context.secrets.secret;
    // @ts-expect-error only the default key
    context.secrets.api;
    // @ts-expect-error records off
    context.records;
    return v;
  });

// @ts-expect-error not a concern
lambdaware({ recrods: false });
