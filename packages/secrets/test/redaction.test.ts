import { afterAll, beforeAll, beforeEach, expect, it } from '@jest/globals';
import { Console } from 'node:console';
import middy from '@middy/core';
import { z } from 'zod';
import { clearSecrets, getLogSink, redactString, setLogSink } from '@lambdaware/shared';
import { captureOutput, startSecretsManager, type LocalSecretsManager } from '@lambdaware/testkit';
import { logContext, logger } from '@lambdaware/logger';
import { errorLog, wrapError } from '@lambdaware/errors';
import { secrets } from '@lambdaware/secrets';
import { clientFor, lambdaContextFor } from './helpers.js';

// Values a real secret would hold: a password, a token, a DSN containing both, and a binary key.
const PASSWORD = 'pa55-w0rd-Zq8!';
const TOKEN = 'xoxb-2222-3333-ABCDEFGHIJ';
const API_KEY = 'sk_live_51HxYzAbCdEfGh';
const BINARY_KEY = new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x10, 0x20, 0x30, 0x40]);

let sm: LocalSecretsManager;
beforeAll(async () => {
  sm = await startSecretsManager();
  sm.setSecret('prod/db', { user: 'app', password: PASSWORD, dsn: `postgres://app:${PASSWORD}@db:5432/app` });
  sm.setSecret('prod/slack', { token: TOKEN });
  sm.setSecret('prod/api-key', API_KEY);
  sm.setSecret('prod/signing-key', BINARY_KEY);
});
afterAll(async () => {
  setLogSink(undefined);
  await sm.close();
});
beforeEach(() => clearSecrets());

const leaks = (text: string): string[] => {
  const found: string[] = [];
  for (const v of [
    PASSWORD,
    TOKEN,
    API_KEY,
    `postgres://app:${PASSWORD}`,
    Buffer.from(BINARY_KEY).toString('base64'),
    Buffer.from(BINARY_KEY).toString('hex'),
  ]) {
    if (text.includes(v)) found.push(v);
  }
  return found;
};

it('a failing invocation that had the secrets in hand writes none of them, on any stream', async () => {
  const DbSecret = z.object({ user: z.string(), password: z.string(), dsn: z.string() });
  // "a console of your own": what a user writes through a redacting console, next to the logger
  const safeConsole = new Console({ stdout: process.stdout, stderr: process.stderr });
  const handler = middy(async (event: { orderId: string }, context) => {
    const { db, slack, apiKey, signingKey } = context.secrets;
    logger.info('connecting', { dsn: db.dsn, password: db.password, headers: { authorization: `Bearer ${slack.token}` } });
    logger.set('apiKey', apiKey);
    logger.with('signingKey', signingKey).warn(`signing with ${Buffer.from(signingKey).toString('base64')}`);
    getLogSink().log('error', `sink line with ${db.password}`, { token: slack.token, nested: { k: [apiKey] } });
    safeConsole.error(redactString(`console: ${db.dsn} ${slack.token}`));
    const cause = Object.assign(new Error(`auth failed for ${db.dsn} with token ${slack.token}`), { password: db.password });
    throw wrapError(cause, `order ${event.orderId}: could not pay with key ${apiKey}`)
      .with('password', db.password)
      .with('token', slack.token)
      .with('creds', { apiKey, signingKey });
  })
    .use(logContext({ logEvent: true }))
    .use(errorLog())
    .use(
      secrets({
        client: clientFor(sm.endpoint),
        fetch: {
          db: { id: 'prod/db', schema: DbSecret },
          slack: 'prod/slack',
          apiKey: { id: 'prod/api-key', parse: 'text' },
          signingKey: { id: 'prod/signing-key', parse: 'binary' },
        },
      }),
    );

  const out = await captureOutput(() => handler({ orderId: 'o-17' }, lambdaContextFor()));
  // it did fail with the secrets in hand; errorLog masked them in the error it rethrows (the runtime prints it)
  expect(out.error).toBeInstanceOf(Error);
  expect((out.error as Error).message).toBe('order o-17: could not pay with key ****');
  expect(leaks(`${(out.error as Error).stack}`)).toEqual([]);
  const all = `${out.stdout}\n${out.stderr}`;
  // and it did write: the logger lines, the sink line, the console line and the error line
  expect(all).toContain('connecting');
  expect(all).toContain('sink line with ****');
  expect(all).toContain('console: ');
  expect(all).toContain('could not pay with key ****');
  expect(all.split('\n').filter((l) => l.trim().length > 0).length).toBeGreaterThanOrEqual(5);
  if (process.env.SHOW_OUT) process.stdout.write(all);
  expect(leaks(all)).toEqual([]);
});

it('without the logger: errorLog and a sink line go through the shared stderr fallback, masked', async () => {
  setLogSink(undefined);
  const handler = middy(async (_e: unknown, context) => {
    getLogSink().log('warn', `about to use ${context.secrets.slack.token}`);
    throw new Error(`upstream rejected ${context.secrets.db.password} / ${context.secrets.slack.token}`);
  })
    .use(errorLog())
    .use(secrets({ client: clientFor(sm.endpoint), fetch: { db: 'prod/db', slack: 'prod/slack' } }));
  const out = await captureOutput(() => handler({}, lambdaContextFor()));
  expect((out.error as Error).message).toBe('upstream rejected **** / ****');
  const lines = out.stderrLines();
  expect(lines.map((l) => l.message)).toEqual(['about to use ****', 'upstream rejected **** / ****']);
  expect(leaks(`${out.stdout}\n${out.stderr}`)).toEqual([]);
});
