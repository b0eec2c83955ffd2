import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import { logger } from '@lambdaware/logger';
import { lambdaware } from '@lambdaware/preset';

/** The request body. Unknown fields are dropped; the response is exactly these three. */
export const Item = z.object({ id: z.string().min(1), val: z.number(), flag: z.boolean() });
export type Item = z.infer<typeof Item>;

/** API Gateway REST (v1 proxy), HTTP API (payload 2.0) and Function URL events all carry these. */
type HttpEvent = Pick<APIGatewayProxyEvent | APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>;

/** The same response shape works for all three: statusCode, headers, body. */
const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** A client error: 400 with what was wrong, and one WARN line (not an error: nothing for Sentry). */
const badRequest = (message: string, issues?: { path: string; message: string }[]): APIGatewayProxyResult => {
  logger.warn('bad request', { reason: message, issues });
  return json(400, issues === undefined ? { message } : { message, issues });
};

const pathOf = (path: readonly PropertyKey[]): string => (path.length === 0 ? '(body)' : path.map(String).join('.'));

/**
 * POST `{ "id": string, "val": number, "flag": boolean }` and get it back. A body that is missing, not JSON or
 * not that shape is answered 400 with a message naming the fields, never a 500.
 */
export const handler = middy<HttpEvent, APIGatewayProxyResult>()
  .use(lambdaware({ records: false }))
  .handler(async (event) => {
    if (event.body === undefined || event.body === null || event.body === '') {
      return badRequest('The request has no body: send a JSON object {"id": string, "val": number, "flag": boolean}');
    }
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch (e) {
      return badRequest(`The request body is not valid JSON (${(e as Error).message})`);
    }
    const parsed = Item.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message }));
      return badRequest(`Invalid request body: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
    }
    logger.info('echo', { id: parsed.data.id });
    return json(200, parsed.data);
  });
