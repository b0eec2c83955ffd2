// Fixtures of the whole-run secret scan (README.md here): scenarios whose secrets this file registers, so that the
// scan searches its output and the envelopes the local Sentry ingest received for them. Each writes through the real
// parts (real AWS SDK to the local Secrets Manager endpoint, the logger, errorLog, the Sentry SDK to the local ingest).
// - The RDS scenario: an RDS-format secret validated by a `{ password }` schema: the password is a secret (found
//   anywhere it occurs); the username, engine, host and dbname are not (they appear intact in the lines).
// - A flags secret holding "true" and "5432": whole-value secrets, which the scan finds where a JSON value is exactly
//   them (a boolean true and the number 154320 are not them). Every line holding **** must still be JSON.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import middy from '@middy/core';
import { z } from 'zod';
import { lambdaContext } from '@lambdaware/events';
import { logContext, logger } from '@lambdaware/logger';
import { errorLog } from '@lambdaware/errors';
import { secrets } from '@lambdaware/secrets';
import { sentry } from '@lambdaware/sentry';
import { captureOutput, startSecretsManager, startSentryIngest, type LocalSecretsManager, type SentryIngest } from '@lambdaware/testkit';

const PASSWORD = 'Rds-scan-pa55-9c8b7a';
let sm: LocalSecretsManager;
let ingest: SentryIngest;
beforeAll(async () => {
  sm = await startSecretsManager();
  ingest = await startSentryIngest();
});
afterAll(async () => {
  await ingest.close();
  await sm.close();
});

test('the RDS scenario and the "true"/"5432" secrets: masked where they are, nothing else touched, every line JSON', async () => {
  const dbArn = sm.setSecret('scan/orders-db', { username: 'admin', password: PASSWORD, engine: 'postgres', host: 'localhost', port: 5432, dbname: 'orders' });
  const flagsArn = sm.setSecret('scan/flags', { enabled: 'true', port: '5432' });
  const handler = middy(async (event: { orderId: string; total: number }, context) => {
    const { db, flags } = context.secrets;
    logger.info('connecting', {
      user: 'admin',
      engine: 'postgres',
      host: 'localhost',
      dbname: 'orders',
      dsn: `postgres://admin:${db.password}@localhost:5432/orders`,
    });
    logger.info('order', { orderId: event.orderId, total: event.total, port: 5432, enabled: flags.enabled, portText: flags.port, retry: true });
    if (event.total > 100_000) throw Object.assign(new Error(`negative total for ${event.orderId}`), { password: db.password, port: flags.port });
    return { orderId: event.orderId };
  })
    .use(logContext({ logEvent: true }))
    .use(errorLog())
    .use(sentry({ dsn: ingest.dsn, flushTimeout: 2000 }))
    .use(
      secrets({
        fetch: { db: { id: dbArn, schema: z.object({ password: z.string() }) }, flags: flagsArn },
        clientConfig: { endpoint: sm.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } },
      }),
    );

  const out = await captureOutput(async () => {
    await handler({ orderId: 'ord-admin-1', total: 42 }, lambdaContext({ functionName: 'orders-api', timeoutMs: 10_000 }));
    return handler({ orderId: 'ord-admin-7', total: 154320 }, lambdaContext({ functionName: 'orders-api', timeoutMs: 10_000 }));
  });
  expect((out.error as Error).message).toBe('negative total for ord-admin-7');
  const lines = out.stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const connecting = lines.find((l) => l.message === 'connecting')!;
  expect(connecting).toMatchObject({
    user: 'admin',
    engine: 'postgres',
    host: 'localhost',
    dbname: 'orders',
    dsn: 'postgres://admin:****@localhost:5432/orders',
    function_name: 'orders-api',
  });
  const orders = lines.filter((l) => l.message === 'order');
  expect(orders.map((l) => l.orderId)).toEqual(['ord-admin-1', 'ord-admin-7']);
  expect(orders[1]).toMatchObject({ total: 154320, port: 5432, enabled: '****', portText: '****', retry: true });
  expect(lines.filter((l) => l.cold_start !== undefined).every((l) => typeof l.cold_start === 'boolean')).toBe(true);
  const error = lines.find((l) => l.level === 'ERROR')!;
  expect(error).toMatchObject({ message: 'negative total for ord-admin-7', error: { password: '****', port: '****' } });
  // the Sentry event arrived (the whole-run scan searches it for these secrets too)
  const event = await ingest.waitForEvent(5000);
  expect(JSON.stringify(event)).toContain('ord-admin-7');
  expect(JSON.stringify(event)).not.toContain(PASSWORD);
});
