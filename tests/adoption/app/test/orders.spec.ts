import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { lambdaContext, invoke, sqsEvent } from '@lambdaware/events';
import { RecordsError } from '@lambdaware/records';
import { captureOutput, startSecretsManager, startSentryIngest, type LocalSecretsManager, type SentryIngest } from '@lambdaware/testkit';
import { handler as step1 } from '../src/step1.js';

const TOKEN = 'adoption-token-0123456789';

describe('step 1: records() alone', () => {
  test('the payloads, typed by the schema', async () => {
    expect(
      await step1(
        sqsEvent([
          { orderId: 'o-1', total: 12 },
          { orderId: 'o-2', total: 30 },
        ]),
        lambdaContext(),
      ),
    ).toEqual(['o-1=12', 'o-2=30']);
  });

  test('a bad record is named by index and message id', async () => {
    const event = sqsEvent([{ orderId: 'o-1', total: 12 }, { orderId: 'o-2' }]);
    const error = await invoke(step1, event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordsError);
    expect((error as Error).message).toContain('record 1');
    expect((error as Error).message).toContain(event.Records[1].messageId);
  });
});

describe('all five: the real AWS SDK against the local Secrets Manager, the Sentry SDK against the local ingest', () => {
  let sm: LocalSecretsManager;
  let ingest: SentryIngest;
  let handler: typeof import('../src/handler.js').handler;

  beforeAll(async () => {
    sm = await startSecretsManager({ secrets: { 'prod/api': { token: TOKEN } }, setEnv: true });
    ingest = await startSentryIngest({ setEnv: true });
    process.env.API_SECRET_ID = 'prod/api';
    // Imported once the environment points at the local endpoints: secrets() prefetches at creation.
    ({ handler } = await import('../src/handler.js'));
  });
  afterAll(async () => {
    await sm.close();
    await ingest.close();
  });

  test('success: the result, JSON lines with the request id, the secret masked', async () => {
    const context = lambdaContext({ awsRequestId: 'req-ok', timeoutMs: 10_000 });
    const out = await captureOutput(() =>
      invoke(
        handler,
        sqsEvent([
          { orderId: 'o-1', total: 12 },
          { orderId: 'o-2', total: 30 },
        ]),
        context,
      ),
    );
    expect(out.error).toBeUndefined();
    expect(out.result).toEqual({ sum: 42, signature: createHmac('sha256', TOKEN).update('42').digest('hex') });
    const line = out.stdoutLines().find((l) => l.message === 'orders signed');
    expect(line).toMatchObject({ level: 'INFO', function_request_id: 'req-ok', count: 2, authorization: 'Bearer ****' });
    expect(out.stdout + out.stderr).not.toContain(TOKEN);
    expect(sm.callsOf('GetSecretValue').length + sm.callsOf('BatchGetSecretValue').length).toBeGreaterThan(0);
  });

  test('failure: one error line with the values and the Sentry event id, the event received by the ingest', async () => {
    const out = await captureOutput(() => handler(sqsEvent([{ orderId: 'o-9', total: -1 }]), lambdaContext({ awsRequestId: 'req-bad', timeoutMs: 10_000 })));
    expect((out.error as Error).message).toBe('negative total');
    const lines = [...out.stdoutLines(), ...out.stderrLines()].filter((l) => l.level === 'ERROR');
    expect(lines).toHaveLength(1);
    const error = lines[0].error as Record<string, unknown>;
    expect(error).toMatchObject({ message: 'negative total', values: { orderId: 'o-9' } });
    expect(typeof error.sentryEventID).toBe('string');
    const event = await ingest.waitForEvent(5000, (e) => e.event_id === error.sentryEventID);
    expect(JSON.stringify(event)).toContain('negative total');
    expect(JSON.stringify(event)).not.toContain(TOKEN);
  });
});
