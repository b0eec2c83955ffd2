// The preset through the real parts: the Sentry SDK posting to a local ingest, the AWS SDK reading a local
// Secrets Manager, the Powertools logger writing to stdout.
import { afterAll, afterEach, beforeAll, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { clearSecrets, setLogSink } from '@lambdaware/shared';
import { captureOutput, startSecretsManager, startSentryIngest, type LocalSecretsManager, type SentryIngest } from '@lambdaware/testkit';
import { lambdaContext, sqsEvent } from '@lambdaware/events';
import { logger } from '@lambdaware/logger';
import { newError } from '@lambdaware/errors';
import { RecordsError } from '@lambdaware/records';
import { CONCERNS, LambdawareOptionError, lambdaware } from '@lambdaware/preset';

const sample = JSON.parse(readFileSync(new URL('../../../fixtures/events/aws-lambda-go/sqs-event.json', import.meta.url), 'utf8')) as SQSEvent;

let ingest: SentryIngest;
let sm: LocalSecretsManager;
beforeAll(async () => {
  ingest = await startSentryIngest();
  sm = await startSecretsManager();
});
afterAll(async () => {
  await ingest.close();
  await sm.close();
});
afterEach(() => {
  setLogSink(undefined);
  clearSecrets();
});

const context = () => lambdaContext({ functionName: 'preset-test', memoryLimitInMB: 256 });

it('a failing handler gives one error line with the Sentry event id (as the ingest received it) and the request id', async () => {
  const handler = middy(async (_event: SQSEvent) => {
    logger.set('orderId', 'o-17');
    logger.info('about to fail');
    throw newError('cannot join').with('queue', 'orders');
  }).use(lambdaware({ sentry: { dsn: ingest.dsn } }));
  const ctx = context();
  const out = await captureOutput(async () => {
    await handler(sqsEvent([{ message: 'blue' }, { message: 'orange' }]) as SQSEvent, ctx);
  });
  expect((out.error as Error).message).toBe('cannot join');
  expect(out.stderr).toBe('');
  const lines = out.stdoutLines();
  expect(lines.map((l) => l.level)).toEqual(['INFO', 'ERROR']);
  const errorLine = lines[1] as { function_request_id: string; message: string; error: Record<string, unknown> };
  expect(errorLine.function_request_id).toBe(ctx.awsRequestId);
  expect(errorLine.message).toBe('cannot join');
  expect(errorLine.error).toMatchObject({ type: 'LambdaError', message: 'cannot join', values: { queue: 'orders' } });
  const received = await ingest.waitForEvent(5000, (e) => e.event_id === errorLine.error.sentryEventID);
  expect(typeof errorLine.error.sentryEventID).toBe('string');
  expect(JSON.stringify(received)).toContain('cannot join');
  expect(lines[0].function_request_id).toBe(ctx.awsRequestId);

  expect(errorLine).toMatchObject({ orderId: 'o-17' }); // the invocation's keys are still on the error line

  // logContext's onError ran last: the keys set during the invocation are gone after the failure
  const after = await captureOutput(() => logger.info('between invocations'));
  expect(after.stdoutLines()[0].orderId).toBeUndefined();
});

it('a bad record fails in before and is reported and logged like a handler failure', async () => {
  const handler = middy(async () => 'never').use(lambdaware({ sentry: { dsn: ingest.dsn }, records: { schema: z.object({ message: z.string() }) } }));
  const ctx = context();
  const event = sqsEvent([{ message: 'ok' }, { message: 42 }]);
  const out = await captureOutput(() => handler(event, ctx));
  expect(out.error).toBeInstanceOf(RecordsError);
  const errorLines = out.stdoutLines().filter((l) => l.level === 'ERROR');
  expect(errorLines).toHaveLength(1);
  const error = errorLines[0].error as { type: string; message: string; sentryEventID: string };
  expect(error.type).toBe('RecordsError');
  expect(error.message).toContain((event as SQSEvent).Records[1].messageId);
  expect(errorLines[0].function_request_id).toBe(ctx.awsRequestId);
  await ingest.waitForEvent(5000, (e) => e.event_id === error.sentryEventID);
});

it('records and secrets reach the handler typed; the secret value never appears in the output', async () => {
  const token = 'tok-preset-7f3a9c2e5b';
  const arn = sm.setSecret('preset/api', { token });
  const handler = middy<SQSEvent>()
    .use(
      lambdaware({
        records: { payload: 'text' },
        secrets: {
          fetch: { api: { id: arn, schema: z.object({ token: z.string() }) } },
          clientConfig: { endpoint: sm.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'x' } },
        },
      }),
    )
    .handler(async (_event, ctx) => {
      const joined = ctx.records.map((r) => r.payload.toUpperCase()).join(':');
      logger.info('calling with', { authorization: `Bearer ${ctx.secrets.api.token}` });
      return { joined, tokenLength: ctx.secrets.api.token.length };
    });
  const out = await captureOutput(() => handler(sample, context()));
  expect(out.error).toBeUndefined();
  expect(out.result).toEqual({ joined: sample.Records.map((r) => r.body.toUpperCase()).join(':'), tokenLength: token.length });
  expect(out.stdout).toContain('Bearer ****');
  expect(out.stdout + out.stderr).not.toContain(token);
});

it('with ReportBatchItemFailures (eachRecord) a bad record is named in batchItemFailures, the others processed', async () => {
  const seen: string[] = [];
  const handler = middy().use(
    lambdaware({
      records: {
        schema: z.object({ message: z.string() }),
        eachRecord: (r) => void seen.push(r.payload.message),
      },
    }),
  );
  const event = sqsEvent([{ message: 'blue' }, { nope: true }, { message: 'orange' }]) as SQSEvent;
  const out = await captureOutput(() => handler(event, context()));
  expect(out.result).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1].messageId }] });
  expect(seen).toEqual(['blue', 'orange']);
});

it('each concern can be left out; the order is logContext, errorLog, sentry, secrets, records', async () => {
  expect(CONCERNS).toEqual(['logContext', 'errorLog', 'sentry', 'secrets', 'records']);
  expect(lambdaware()).toHaveLength(4); // secrets off by default
  expect(lambdaware({ records: false, sentry: false })).toHaveLength(2);
  // errorLog off: the failure is still reported to Sentry, and sentry() writes its own line with the id
  const handler = middy(async () => {
    throw new Error('plain');
  }).use(lambdaware({ errorLog: false, records: false, sentry: { dsn: ingest.dsn } }));
  const out = await captureOutput(() => handler({}, context()));
  const [line] = out.stdoutLines();
  expect(line).toMatchObject({ level: 'ERROR', error: { type: 'Error', message: 'plain', sentryEventID: expect.any(String) } });
});

it('rejects an unknown concern or a bad value, naming the option', () => {
  expect(() => lambdaware({ recrods: false } as never)).toThrow(LambdawareOptionError);
  expect(() => lambdaware({ recrods: false } as never)).toThrow(
    'lambdaware(): option "recrods" is not an option of lambdaware() (options: logContext, errorLog, sentry, secrets, records)',
  );
  expect(() => lambdaware({ sentry: 'yes' } as never)).toThrow(/option "sentry" must be true, false or the options of sentry\(\), got "yes"/);
  // each concern's own validation still applies
  expect(() => lambdaware({ records: { source: 'nope' } as never })).toThrow(/source/);
});
