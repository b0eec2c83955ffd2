import { createHmac } from 'node:crypto';
import middy from '@middy/core';
import { z } from 'zod';
import { logger } from '@lambdaware/logger';
import { lambdaware } from '@lambdaware/preset';

/** The secret (SecretString JSON) named by SECRET_ARN: `{"token": "..."}`. */
export const ApiSecret = z.object({ token: z.string().min(16, 'token must be at least 16 characters') });

export interface SignEvent {
  /** What to sign; anything JSON. */
  payload?: unknown;
}

/**
 * Signs the payload with the API token from Secrets Manager (HMAC-SHA256), as a webhook sender would. The token
 * is fetched at cold start, cached for 5 minutes, validated by the schema and typed on `context.secrets.api`; it
 * is registered for redaction, so even the line below that logs it shows `****`.
 */
export const handler = middy<SignEvent>()
  .use(lambdaware({ records: false, secrets: { fetch: { api: { env: 'SECRET_ARN', schema: ApiSecret } } } }))
  .handler(async (event, context) => {
    const { token } = context.secrets.api;
    const body = JSON.stringify(event.payload ?? null);
    const signature = createHmac('sha256', token).update(body).digest('hex');
    logger.info('signed the payload', { signature, authorization: `Bearer ${token}` });
    return { signature, bytes: Buffer.byteLength(body) };
  });
